package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Redirection;
import dev.vectraguard.policy.shell.Word;

import java.util.ArrayList;
import java.util.List;

/**
 * The command a simple command really runs once wrappers are seen through: {@code name} is the
 * basename of its effective value ({@code "/bin/rm"} and {@code \rm} are {@code rm}), {@code args} its
 * arguments, {@code elevatedBy} the privilege wrapper in front of it (sudo, doas, ...) or empty, and
 * {@code argumentsFromInput} whether more arguments arrive from standard input (after {@code xargs}).
 */
record Invocation(String name, Word command, List<Word> args, List<Redirection> redirections,
                  String elevatedBy, boolean argumentsFromInput, String pipedInput) {
    private static final int DISPLAY_LIMIT = 100;

    static Invocation of(List<Word> argv, List<Redirection> redirections, String elevatedBy, boolean argumentsFromInput) {
        Word command = argv.getFirst();
        String name = command.isDynamic() ? command.value() : basename(command.value());
        return new Invocation(name, command, List.copyOf(argv.subList(1, argv.size())),
                redirections, elevatedBy, argumentsFromInput, null);
    }

    /** This invocation reading {@code text} from a pipe (an echo, printf or here-document before it), when known. */
    Invocation withPipedInput(String text) {
        return new Invocation(name, command, args, redirections, elevatedBy, argumentsFromInput, text);
    }

    /** The text on standard input when known: a here-document, a here-string, or text piped from echo/printf; else null. */
    String input() {
        for (Redirection redirection : redirections) {
            var supplied = redirection.suppliedInput();
            if (supplied.isPresent()) {
                return supplied.get();
            }
        }
        return pipedInput;
    }

    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 || slash == path.length() - 1 ? path : path.substring(slash + 1);
    }

    String value(int index) {
        return index < args.size() ? args.get(index).value() : "";
    }

    /** True when some argument is exactly one of {@code options}. */
    boolean has(String... options) {
        for (Word arg : args) {
            String value = arg.value();
            for (String option : options) {
                if (value.equals(option)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when a short-option cluster such as {@code -rf} (before {@code --}) contains {@code letter}. */
    boolean hasShortFlag(char letter) {
        for (Word arg : args) {
            String value = arg.value();
            if (value.equals("--")) {
                return false;
            }
            if (value.length() > 1 && value.charAt(0) == '-' && value.charAt(1) != '-' && value.indexOf(letter) > 0) {
                return true;
            }
        }
        return false;
    }

    /** True when a long option {@code --name} or {@code --name=value} is present. */
    boolean hasLong(String name) {
        for (Word arg : args) {
            String value = arg.value();
            if (value.equals(name) || value.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }

    /** The value of {@code option}, given as {@code option value} or {@code option=value}; null when absent. */
    String optionValue(String option) {
        for (int i = 0; i < args.size(); i++) {
            String value = args.get(i).value();
            if (value.equals(option) && i + 1 < args.size()) {
                return args.get(i + 1).value();
            }
            if (value.startsWith(option + "=")) {
                return value.substring(option.length() + 1);
            }
        }
        return null;
    }

    /** Arguments that are not options: those not starting with {@code -}, and all after {@code --}. */
    List<Word> operands() {
        List<Word> operands = new ArrayList<>(args.size());
        boolean optionsEnded = false;
        for (Word arg : args) {
            String value = arg.value();
            if (!optionsEnded && value.equals("--")) {
                optionsEnded = true;
            } else if (optionsEnded || !value.startsWith("-") || value.equals("-")) {
                operands.add(arg);
            }
        }
        return operands;
    }

    /** The values of the first {@code limit} operands. */
    List<String> operandValues(int limit) {
        List<String> values = new ArrayList<>(Math.min(limit, args.size()));
        boolean optionsEnded = false;
        for (Word arg : args) {
            if (values.size() >= limit) {
                break;
            }
            String value = arg.value();
            if (!optionsEnded && value.equals("--")) {
                optionsEnded = true;
            } else if (optionsEnded || !value.startsWith("-") || value.equals("-")) {
                values.add(value);
            }
        }
        return values;
    }

    /** The first operand: the subcommand of tools such as {@code cryptsetup luksFormat} or {@code git stash clear}. */
    String subcommand() {
        List<Word> operands = operands();
        return operands.isEmpty() ? "" : operands.getFirst().value();
    }

    /** The command as the user would read it, for reasons: effective name and argument values. */
    String display() {
        StringBuilder text = new StringBuilder(name);
        for (Word arg : args) {
            text.append(' ').append(arg.value());
            if (text.length() > DISPLAY_LIMIT) {
                return text.substring(0, DISPLAY_LIMIT) + "...";
            }
        }
        return text.toString();
    }
}
