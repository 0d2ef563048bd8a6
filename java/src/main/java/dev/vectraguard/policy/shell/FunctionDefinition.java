package dev.vectraguard.policy.shell;

/** {@code name() body} or {@code function name body}. */
public record FunctionDefinition(String name, Command body) implements Command {}
