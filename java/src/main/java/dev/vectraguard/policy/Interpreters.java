package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Commands that run code, and where they take it from: a {@code -c} string, a script file, or standard input. */
final class Interpreters {
    static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "rbash", "csh", "tcsh");
    /** Script interpreters and the options that pass them inline code. */
    private static final Map<String, Set<String>> INLINE_CODE_OPTIONS = Map.ofEntries(
            Map.entry("python", Set.of("-c")), Map.entry("python2", Set.of("-c")), Map.entry("python3", Set.of("-c")),
            Map.entry("pypy", Set.of("-c")), Map.entry("pypy3", Set.of("-c")),
            Map.entry("perl", Set.of("-e", "-E")), Map.entry("ruby", Set.of("-e")), Map.entry("lua", Set.of("-e")),
            Map.entry("node", Set.of("-e", "--eval", "-p", "--print")), Map.entry("nodejs", Set.of("-e", "--eval", "-p", "--print")),
            Map.entry("php", Set.of("-r")), Map.entry("bun", Set.of("-e", "--eval", "-p", "--print")),
            Map.entry("luajit", Set.of("-e")));
    private static final Set<String> AWK_OPTIONS_WITH_VALUE = Set.of("-F", "-v", "--field-separator", "--assign", "-i", "--include",
            "-l", "--load");
    private static final Set<String> FIND_EXEC_ACTIONS = Set.of("-exec", "-execdir", "-ok", "-okdir");
    static final Set<String> DOWNLOADERS = Set.of("curl", "wget", "fetch", "http", "https", "xh", "aria2c", "lwp-request", "GET",
            "iwr", "irm", "Invoke-WebRequest", "Invoke-RestMethod");
    /** PowerShell's eval of its input: {@code iwr URL | iex}. */
    private static final Set<String> POWERSHELL_EVALUATORS = Set.of("iex", "Invoke-Expression");
    static final Set<String> NETWORK_TOOLS = Set.of("nc", "ncat", "netcat", "socat", "telnet", "nc.traditional", "nc.openbsd");

    private static final Set<String> SSH_OPTIONS_WITH_VALUE = Set.of("-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i",
            "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w");

    static final Set<String> CONTAINER_ENGINES = Set.of("docker", "podman", "nerdctl");
    private static final Set<String> DOCKER_EXEC_OPTIONS_WITH_VALUE = Set.of("-e", "--env", "-u", "--user", "-w", "--workdir",
            "--env-file", "--detach-keys");

    private Interpreters() {
    }

    /** The words after the host of {@code ssh HOST CMD...}, which the remote shell joins and parses; may be empty. */
    static List<Word> sshCommand(Invocation ssh) {
        List<Word> args = ssh.args();
        int host = CommandUnwrapper.skipOptions(args, 0, SSH_OPTIONS_WITH_VALUE);
        return host + 1 < args.size() ? args.subList(host + 1, args.size()) : List.of();
    }

    /**
     * The argv run in a container: after the container of {@code docker exec [OPTIONS] CONTAINER CMD...},
     * or after {@code --} of {@code kubectl exec POD -- CMD...}; may be empty.
     */
    static List<Word> containerCommand(Invocation tool) {
        List<Word> args = tool.args();
        int dashes = 0;
        while (dashes < args.size() && !args.get(dashes).value().equals("--")) {
            dashes++;
        }
        boolean runsCommand = CONTAINER_ENGINES.contains(tool.name()) ? tool.subcommand().equals("exec")
                : args.subList(0, dashes).stream().anyMatch(arg -> arg.value().equals("exec"));
        if (!runsCommand) {
            return List.of();
        }
        if (CONTAINER_ENGINES.contains(tool.name())) {
            int exec = 0;
            while (!args.get(exec).value().equals("exec")) {
                exec++;
            }
            int container = CommandUnwrapper.skipOptions(args, exec + 1, DOCKER_EXEC_OPTIONS_WITH_VALUE);
            return container + 1 < args.size() ? args.subList(container + 1, args.size()) : List.of();
        }
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).value().equals("--")) {
                return args.subList(i + 1, args.size());
            }
        }
        return List.of();
    }

    /** The program text of {@code awk 'PROGRAM' files...}, or null when it comes from a file ({@code -f}). */
    static Word awkProgram(Invocation awk) {
        if (awk.has("-f", "--file") || awk.args().stream().anyMatch(arg -> arg.value().startsWith("--file="))) {
            return null;
        }
        int program = CommandUnwrapper.skipOptions(awk.args(), 0, AWK_OPTIONS_WITH_VALUE);
        return program < awk.args().size() ? awk.args().get(program) : null;
    }

    /**
     * The command {@code find ... -exec CMD {} \;} runs, with {@code {}} standing for a path below the
     * start directory; empty when there is none.
     */
    static Optional<List<Word>> findExecCommand(Invocation find) {
        List<Word> args = find.args();
        String start = args.isEmpty() || args.getFirst().value().startsWith("-") ? "." : args.getFirst().value();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (FIND_EXEC_ACTIONS.contains(args.get(i).value())) {
                List<Word> argv = new ArrayList<>();
                for (int j = i + 1; j < args.size(); j++) {
                    String value = args.get(j).value();
                    if (value.equals(";") || value.equals("+")) {
                        break;
                    }
                    argv.add(value.contains("{}") ? Word.quoted(value.replace("{}", start + "/{}")) : args.get(j));
                }
                return argv.isEmpty() ? Optional.empty() : Optional.of(argv);
            }
        }
        return Optional.empty();
    }

    static boolean isShell(String name) {
        return SHELLS.contains(name);
    }

    static boolean isScriptInterpreter(String name) {
        return INLINE_CODE_OPTIONS.containsKey(interpreterFamily(name));
    }

    /** {@code python3.12} is {@code python3}. */
    static String interpreterFamily(String name) {
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The inline code of {@code python -c CODE}, {@code perl -e CODE}, ..., or null. */
    static Word inlineCode(Invocation invocation) {
        Set<String> options = INLINE_CODE_OPTIONS.get(interpreterFamily(invocation.name()));
        if (options == null) {
            return null;
        }
        for (int i = 0; i + 1 < invocation.args().size(); i++) {
            if (options.contains(invocation.value(i))) {
                return invocation.args().get(i + 1);
            }
        }
        return null;
    }

    /** True when a shell or interpreter will read its program from standard input ({@code curl x | bash}). */
    static boolean readsProgramFromStdin(Invocation invocation) {
        if (POWERSHELL_EVALUATORS.contains(invocation.name())) {
            return true;
        }
        if (isShell(invocation.name())) {
            if (invocation.hasShortFlag('n')) {
                return false;
            }
            if (invocation.hasShortFlag('s')) {
                return true;
            }
            ShellArguments shell = ShellArguments.of(invocation);
            return !shell.command() && shell.operandIndex() >= invocation.args().size();
        }
        if (!isScriptInterpreter(invocation.name()) || inlineCode(invocation) != null || invocation.has("-m")) {
            return false;
        }
        for (Word arg : invocation.args()) {
            String value = arg.value();
            if (value.equals("-")) {
                return true;
            }
            if (!value.startsWith("-")) {
                return false;
            }
        }
        return true;
    }

    /**
     * A shell's options: whether {@code -c} was given and the index of the first operand (the command
     * string with {@code -c}, else the script file).
     */
    record ShellArguments(boolean command, boolean interactive, int operandIndex) {
        static ShellArguments of(Invocation shell) {
            boolean command = false;
            boolean interactive = false;
            int i = 0;
            while (i < shell.args().size()) {
                String value = shell.value(i);
                if (value.equals("--")) {
                    i++;
                    break;
                }
                if (value.length() < 2 || (value.charAt(0) != '-' && value.charAt(0) != '+')) {
                    break;
                }
                if (value.startsWith("--")) {
                    i += value.equals("--rcfile") || value.equals("--init-file") ? 2 : 1;
                    continue;
                }
                command |= value.indexOf('c') > 0;
                interactive |= value.indexOf('i') > 0;
                i += value.substring(1).equals("o") || value.substring(1).equals("O") ? 2 : 1;
            }
            return new ShellArguments(command, interactive, i);
        }
    }
}
