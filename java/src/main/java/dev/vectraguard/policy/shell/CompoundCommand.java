package dev.vectraguard.policy.shell;

import java.util.List;

/**
 * {@code if}, {@code while}, {@code until}, {@code for}, {@code select} or {@code case}, kept only as far as
 * analysis needs: the variable a {@code for}/{@code select} loop sets (else empty), the words it expands
 * (the {@code for} list, the {@code case} subject and patterns) and every command list inside it, in order.
 */
public record CompoundCommand(Keyword keyword, String variable, List<Word> words, List<CommandList> bodies,
                              List<Redirection> redirections) implements Command {
    public CompoundCommand {
        words = List.copyOf(words);
        bodies = List.copyOf(bodies);
        redirections = List.copyOf(redirections);
    }

    public enum Keyword { IF, WHILE, UNTIL, FOR, SELECT, CASE }
}
