package dev.vectraguard.policy.shell;

import java.util.List;

/** {@code ( list )}. */
public record Subshell(CommandList body, List<Redirection> redirections) implements Command {
    public Subshell {
        redirections = List.copyOf(redirections);
    }
}
