package dev.vectraguard.policy.shell;

import java.util.List;

/** {@code { list; }}. */
public record BraceGroup(CommandList body, List<Redirection> redirections) implements Command {
    public BraceGroup {
        redirections = List.copyOf(redirections);
    }
}
