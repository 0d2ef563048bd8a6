package dev.vectraguard.policy.shell;

import java.util.List;

/** Commands in sequence, each with the operator that follows it. */
public record CommandList(List<Item> items) implements Command {
    public CommandList {
        items = List.copyOf(items);
    }

    /** How a command is joined to the next one: {@code ;} or newline, {@code &}, {@code &&}, {@code ||}. */
    public enum Separator { SEQUENTIAL, BACKGROUND, AND, OR }

    public record Item(Command command, Separator separator) {}
}
