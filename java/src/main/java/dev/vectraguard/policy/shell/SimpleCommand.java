package dev.vectraguard.policy.shell;

import java.util.List;

/** {@code FOO=1 cmd arg... 2>&1}: assignments before the command, its words, its redirections. */
public record SimpleCommand(List<Assignment> assignments, List<Word> words, List<Redirection> redirections)
        implements Command {
    public SimpleCommand {
        assignments = List.copyOf(assignments);
        words = List.copyOf(words);
        redirections = List.copyOf(redirections);
    }
}
