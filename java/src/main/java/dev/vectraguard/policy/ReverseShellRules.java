package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.Locale;
import java.util.Set;

/** Network tools and interpreter one-liners that hand a shell to a remote peer. */
final class ReverseShellRules implements CommandRule {
    private static final String[] SOCKET_WORDS = {"socket", "fsockopen", "/dev/tcp", "net.connect", "tcpsocket"};
    private static final String[] CONNECT_WORDS = {"connect", "tcpsocket.open", "tcpsocket.new", "fsockopen", "createconnection",
        "socket::inet", "create_connection", "fdopen"};
    private static final String[] EXEC_WORDS = {"dup2", "subprocess", "pty.spawn", "exec", "spawn", "/bin/sh", "/bin/bash",
            "popen", "system", "child_process", "cmd.exe"};

    @Override
    public Set<String> commands() {
        return Set.of("nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat", "python", "python2", "python3",
                "pypy", "pypy3", "perl", "ruby", "php", "node", "nodejs", "lua", "awk", "gawk");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        String name = invocation.name();
        String display = " (" + invocation.display() + ")";
        if (name.startsWith("nc") || name.equals("netcat")) {
            if (invocation.hasShortFlag('e') || invocation.hasShortFlag('c') || invocation.hasLong("--exec")
                    || invocation.hasLong("--sh-exec") || invocation.hasLong("--lua-exec")) {
                findings.add(FindingCode.REVERSE_SHELL, RiskLevel.CRITICAL, "network connection handed to a program" + display);
            }
        } else if (name.equals("socat")) {
            for (Word arg : invocation.args()) {
                String value = arg.value().toLowerCase(Locale.ROOT);
                if (value.startsWith("exec:") || value.startsWith("system:")) {
                    findings.add(FindingCode.REVERSE_SHELL, RiskLevel.CRITICAL, "socat connects a socket to a program" + display);
                }
            }
        } else if (name.equals("awk") || name.equals("gawk")) {
            for (Word arg : invocation.args()) {
                if (arg.value().contains("/inet/tcp/") || arg.value().contains("/inet/udp/")) {
                    findings.add(FindingCode.REVERSE_SHELL, RiskLevel.CRITICAL, "awk program opening a network socket" + display);
                }
            }
        } else {
            Word code = Interpreters.inlineCode(invocation);
            if (code != null && isReverseShellCode(code.value())) {
                findings.add(FindingCode.REVERSE_SHELL, RiskLevel.CRITICAL,
                        "reverse shell one-liner in " + invocation.name() + " code" + display);
            }
        }
    }

    static boolean isReverseShellCode(String code) {
        String text = code.toLowerCase(Locale.ROOT);
        return containsAny(text, SOCKET_WORDS) && containsAny(text, CONNECT_WORDS) && containsAny(text, EXEC_WORDS);
    }

    private static boolean containsAny(String text, String[] words) {
        for (String word : words) {
            if (text.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
