package dev.vectraguard.policy.shell;

/** {@code NAME=value} before a command (or alone). */
public record Assignment(String name, Word value) {}
