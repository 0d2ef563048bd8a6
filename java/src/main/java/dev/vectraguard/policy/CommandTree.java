package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.BraceGroup;
import dev.vectraguard.policy.shell.Command;
import dev.vectraguard.policy.shell.CommandList;
import dev.vectraguard.policy.shell.CompoundCommand;
import dev.vectraguard.policy.shell.FunctionDefinition;
import dev.vectraguard.policy.shell.Pipeline;
import dev.vectraguard.policy.shell.SimpleCommand;
import dev.vectraguard.policy.shell.Subshell;
import dev.vectraguard.policy.shell.Word;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Walks a command tree (not into substitutions, which are scripts of their own). */
final class CommandTree {
    private CommandTree() {
    }

    /** Every node under {@code root}, {@code root} first. */
    static List<Command> nodes(Command root) {
        List<Command> nodes = new ArrayList<>();
        collect(root, nodes);
        return nodes;
    }

    static List<SimpleCommand> simpleCommands(Command root) {
        List<SimpleCommand> commands = new ArrayList<>();
        for (Command node : nodes(root)) {
            if (node instanceof SimpleCommand simple) {
                commands.add(simple);
            }
        }
        return commands;
    }

    /** True when some simple command under {@code root} runs one of {@code names} (after unwrapping). */
    static boolean runs(Command root, Set<String> names) {
        for (SimpleCommand simple : simpleCommands(root)) {
            List<Word> argv = CommandUnwrapper.unwrap(simple.words()).argv();
            if (!argv.isEmpty() && names.contains(Invocation.basename(argv.getFirst().value()))) {
                return true;
            }
        }
        return false;
    }

    private static void collect(Command command, List<Command> nodes) {
        nodes.add(command);
        switch (command) {
            case SimpleCommand simple -> { }
            case Pipeline pipeline -> pipeline.stages().forEach(stage -> collect(stage, nodes));
            case CommandList list -> list.items().forEach(item -> collect(item.command(), nodes));
            case Subshell subshell -> collect(subshell.body(), nodes);
            case BraceGroup group -> collect(group.body(), nodes);
            case FunctionDefinition function -> collect(function.body(), nodes);
            case CompoundCommand compound -> compound.bodies().forEach(body -> collect(body, nodes));
        }
    }
}
