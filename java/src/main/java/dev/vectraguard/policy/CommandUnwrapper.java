package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Redirection;
import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sees through commands that only run another command (sudo, env, nohup, timeout, xargs, watch, ...),
 * so the rules rate the command that really runs.
 */
final class CommandUnwrapper {
    private static final Set<String> SUDO_OPTIONS_WITH_VALUE = Set.of("-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T",
            "--user", "--group", "--host", "--prompt", "--close-from", "--chdir", "--role", "--type", "--other-user",
            "--command-timeout");
    private static final Set<String> DOAS_OPTIONS_WITH_VALUE = Set.of("-u", "-C");
    private static final Set<String> ENV_OPTIONS_WITH_VALUE = Set.of("-u", "--unset", "-C", "--chdir");
    private static final Set<String> NICE_OPTIONS_WITH_VALUE = Set.of("-n", "--adjustment");
    private static final Set<String> IONICE_OPTIONS_WITH_VALUE = Set.of("-c", "-n", "--class", "--classdata");
    private static final Set<String> TIMEOUT_OPTIONS_WITH_VALUE = Set.of("-s", "-k", "--signal", "--kill-after");
    private static final Set<String> STDBUF_OPTIONS_WITH_VALUE = Set.of("-i", "-o", "-e");
    private static final Set<String> XARGS_OPTIONS_WITH_VALUE = Set.of("-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a",
            "--max-args", "--max-procs", "--max-chars", "--delimiter", "--eof", "--arg-file", "--max-lines", "--replace");
    private static final Set<String> WATCH_OPTIONS_WITH_VALUE = Set.of("-n", "--interval", "-q", "--equexit");
    private static final Set<String> EXEC_OPTIONS_WITH_VALUE = Set.of("-a");
    private static final Set<String> PKEXEC_OPTIONS_WITH_VALUE = Set.of("--user", "-u");
    private static final Set<String> NONE = Set.of();
    private static final int MAX_WRAPPERS = 16;

    /**
     * The effective command. When {@code shellString} is set the remaining words are a shell command
     * given as text ({@code watch 'cmd'}, {@code env -S 'cmd'}, {@code su -c 'cmd'}) to be joined and parsed.
     */
    record Unwrapped(List<Word> argv, String elevatedBy, boolean argumentsFromInput, boolean shellString) {}

    private CommandUnwrapper() {
    }

    static Unwrapped unwrap(List<Word> words) {
        int i = 0;
        String elevatedBy = "";
        boolean fromInput = false;
        for (int wrappers = 0; wrappers < MAX_WRAPPERS && i < words.size(); wrappers++) {
            String name = Invocation.basename(words.get(i).value());
            int next = i + 1;
            switch (name) {
                case "sudo" -> {
                    if (hasOption(words, next, "-v", "-l", "-k", "-K", "--validate", "--list")) {
                        return new Unwrapped(words.subList(i, words.size()), elevatedBy, fromInput, false);
                    }
                    elevatedBy = "sudo";
                    next = skipAssignments(words, skipOptions(words, next, SUDO_OPTIONS_WITH_VALUE));
                }
                case "doas" -> {
                    elevatedBy = "doas";
                    next = skipOptions(words, next, DOAS_OPTIONS_WITH_VALUE);
                }
                case "pkexec" -> {
                    elevatedBy = "pkexec";
                    next = skipOptions(words, next, PKEXEC_OPTIONS_WITH_VALUE);
                }
                case "su" -> {
                    elevatedBy = "su";
                    int command = valueOf(words, next, "-c", "--command", false);
                    if (command >= 0) {
                        return new Unwrapped(List.of(words.get(command)), elevatedBy, fromInput, true);
                    }
                    return new Unwrapped(words.subList(i, words.size()), elevatedBy, fromInput, false);
                }
                case "env" -> {
                    int split = valueOf(words, next, "-S", "--split-string", true);
                    if (split >= 0) {
                        return new Unwrapped(words.subList(split, words.size()), elevatedBy, fromInput, true);
                    }
                    next = skipAssignments(words, skipOptions(words, next, ENV_OPTIONS_WITH_VALUE));
                }
                case "nohup", "builtin", "time", "setsid", "caffeinate" -> next = skipOptions(words, next, NONE);
                case "command" -> {
                    if (hasOption(words, next, "-v", "-V")) {
                        return new Unwrapped(words.subList(i, words.size()), elevatedBy, fromInput, false);
                    }
                    next = skipOptions(words, next, NONE);
                }
                case "exec" -> next = skipOptions(words, next, EXEC_OPTIONS_WITH_VALUE);
                case "nice" -> next = skipOptions(words, next, NICE_OPTIONS_WITH_VALUE);
                case "ionice" -> next = skipOptions(words, next, IONICE_OPTIONS_WITH_VALUE);
                case "stdbuf" -> next = skipOptions(words, next, STDBUF_OPTIONS_WITH_VALUE);
                case "timeout" -> next = Math.min(words.size(), skipOptions(words, next, TIMEOUT_OPTIONS_WITH_VALUE) + 1);
                case "busybox" -> { }
                case "xargs" -> {
                    fromInput = true;
                    next = skipOptions(words, next, XARGS_OPTIONS_WITH_VALUE);
                    if (next >= words.size()) {
                        return new Unwrapped(List.of(Word.quoted("echo")), elevatedBy, true, false);
                    }
                }
                case "watch" -> {
                    boolean exec = hasOption(words, next, "-x", "--exec");
                    next = skipOptions(words, next, WATCH_OPTIONS_WITH_VALUE);
                    if (!exec && next < words.size()) {
                        return new Unwrapped(words.subList(next, words.size()), elevatedBy, fromInput, true);
                    }
                }
                default -> {
                    return new Unwrapped(words.subList(i, words.size()), elevatedBy, fromInput, false);
                }
            }
            if (next >= words.size()) {
                return new Unwrapped(words.subList(i, words.size()), elevatedBy, fromInput, false);
            }
            i = next;
        }
        return new Unwrapped(words.subList(Math.min(i, words.size()), words.size()), elevatedBy, fromInput, false);
    }

    /** The invocation {@code words} really run, if they run one directly (not a shell string). */
    static Optional<Invocation> invocation(List<Word> words, List<Redirection> redirections) {
        Unwrapped unwrapped = unwrap(words);
        if (unwrapped.argv().isEmpty() || unwrapped.shellString()) {
            return Optional.empty();
        }
        return Optional.of(Invocation.of(unwrapped.argv(), redirections, unwrapped.elevatedBy(), unwrapped.argumentsFromInput()));
    }

    /**
     * Index of the first word after the options starting at {@code from}. An option in
     * {@code optionsWithValue}, alone or ending a cluster ({@code -Eu root}), takes the next word as its value.
     */
    static int skipOptions(List<Word> words, int from, Set<String> optionsWithValue) {
        int i = from;
        while (i < words.size()) {
            String value = words.get(i).value();
            if (value.equals("--")) {
                return i + 1;
            }
            if (!value.startsWith("-") || value.equals("-")) {
                return i;
            }
            boolean clusterEndsWithValueOption = !value.startsWith("--") && value.length() > 2
                    && optionsWithValue.contains("-" + value.charAt(value.length() - 1));
            i += optionsWithValue.contains(value) || clusterEndsWithValueOption ? 2 : 1;
        }
        return Math.min(i, words.size());
    }

    private static int skipAssignments(List<Word> words, int from) {
        int i = from;
        while (i < words.size() && isAssignment(words.get(i).value())) {
            i++;
        }
        return i;
    }

    private static boolean isAssignment(String value) {
        int equals = value.indexOf('=');
        if (equals <= 0) {
            return false;
        }
        for (int i = 0; i < equals; i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_')) {
                return false;
            }
        }
        return !Character.isDigit(value.charAt(0));
    }

    /** True when one of {@code options} appears among the options starting at {@code from}. */
    private static boolean hasOption(List<Word> words, int from, String... options) {
        for (int i = from; i < words.size(); i++) {
            String value = words.get(i).value();
            if (!value.startsWith("-") || value.equals("--")) {
                return false;
            }
            for (String option : options) {
                if (value.equals(option)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Index of the word after option {@code shortOption} or {@code longOption}, or -1; the search ends at
     * {@code --}, and at the first operand when {@code stopAtOperand}.
     */
    private static int valueOf(List<Word> words, int from, String shortOption, String longOption, boolean stopAtOperand) {
        for (int i = from; i + 1 < words.size(); i++) {
            String value = words.get(i).value();
            if (value.equals(shortOption) || value.equals(longOption)) {
                return i + 1;
            }
            if (value.equals("--") || (stopAtOperand && !value.startsWith("-") && !isAssignment(value))) {
                return -1;
            }
        }
        return -1;
    }
}
