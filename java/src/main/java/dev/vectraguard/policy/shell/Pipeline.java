package dev.vectraguard.policy.shell;

import java.util.List;

/** Two or more commands joined by {@code |} or {@code |&}. */
public record Pipeline(List<Command> stages) implements Command {
    public Pipeline {
        stages = List.copyOf(stages);
    }
}
