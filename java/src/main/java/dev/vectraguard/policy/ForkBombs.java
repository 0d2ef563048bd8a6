package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Command;
import dev.vectraguard.policy.shell.CommandList;
import dev.vectraguard.policy.shell.FunctionDefinition;
import dev.vectraguard.policy.shell.Pipeline;
import dev.vectraguard.policy.shell.SimpleCommand;

/**
 * Recognises fork bombs by shape, whatever the function is called: a function that calls itself at
 * least twice, with a self-call in a pipeline or in the background ({@code :(){ :|:& };:}).
 */
final class ForkBombs {
    private ForkBombs() {
    }

    static boolean isForkBomb(FunctionDefinition function) {
        int selfCalls = 0;
        boolean multiplies = false;
        for (Command node : CommandTree.nodes(function.body())) {
            if (node instanceof SimpleCommand simple && callsSelf(simple, function.name())) {
                selfCalls++;
            } else if (node instanceof Pipeline pipeline) {
                multiplies |= pipeline.stages().stream().anyMatch(stage -> containsSelfCall(stage, function.name()));
            } else if (node instanceof CommandList list) {
                multiplies |= list.items().stream().anyMatch(item -> item.separator() == CommandList.Separator.BACKGROUND
                        && containsSelfCall(item.command(), function.name()));
            }
        }
        return selfCalls >= 2 && multiplies;
    }

    private static boolean containsSelfCall(Command command, String name) {
        return CommandTree.simpleCommands(command).stream().anyMatch(simple -> callsSelf(simple, name));
    }

    private static boolean callsSelf(SimpleCommand simple, String name) {
        return !simple.words().isEmpty() && simple.words().getFirst().value().equals(name);
    }
}
