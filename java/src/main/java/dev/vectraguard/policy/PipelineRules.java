package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Command;
import dev.vectraguard.policy.shell.Pipeline;
import dev.vectraguard.policy.shell.Redirection;
import dev.vectraguard.policy.shell.SimpleCommand;
import dev.vectraguard.policy.shell.Word;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Risks that only show across the stages of a pipeline: downloads or decoded data piped into a shell,
 * echoed commands piped into a shell or database client, secrets piped to the network, a shell
 * wired to a network tool, the environment searched for secrets.
 */
final class PipelineRules {
    private static final Set<String> PRINTERS = Set.of("echo", "printf");
    private static final Set<String> SENDERS = Set.of("curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh");
    private static final Set<String> SEARCHERS = Set.of("grep", "egrep", "rg", "ag");
    private static final Set<String> ENVIRONMENT_DUMPERS = Set.of("env", "printenv", "set", "export", "declare", "compgen");

    private PipelineRules() {
    }

    static void check(Pipeline pipeline, Analysis analysis, int depth) {
        FindingCollector findings = analysis.findings();
        List<Invocation> stages = new ArrayList<>(pipeline.stages().size());
        for (Command stage : pipeline.stages()) {
            stages.add(stage instanceof SimpleCommand simple ? analysis.invocation(simple).orElse(null) : null);
        }
        boolean shell = false;
        boolean network = false;
        for (int j = 0; j < stages.size(); j++) {
            Invocation sink = stages.get(j);
            if (sink == null) {
                continue;
            }
            shell |= Interpreters.isShell(sink.name()) && !Interpreters.ShellArguments.of(sink).command();
            network |= Interpreters.NETWORK_TOOLS.contains(sink.name()) || (sink.name().equals("openssl") && sink.has("s_client"));
            for (int k = 0; k < j; k++) {
                Invocation source = stages.get(k);
                if (source != null) {
                    checkPair(source, sink, analysis, depth);
                }
            }
        }
        if (shell && network) {
            findings.add(FindingCode.REVERSE_SHELL, RiskLevel.CRITICAL, "shell wired to a network connection (" + describe(stages) + ")");
        }
    }

    private static void checkPair(Invocation source, Invocation sink, Analysis analysis, int depth) {
        FindingCollector findings = analysis.findings();
        String pair = " (" + source.display() + " | " + sink.display() + ")";
        if (Interpreters.readsProgramFromStdin(sink)) {
            if (Interpreters.DOWNLOADERS.contains(source.name())) {
                findings.add(FindingCode.PIPE_TO_SHELL, RiskLevel.CRITICAL, "downloaded script piped to " + sink.name() + pair);
            } else if (isDecoder(source)) {
                findings.add(FindingCode.OBFUSCATED_EXECUTION, RiskLevel.HIGH, "decoded data piped to " + sink.name() + pair);
            } else {
                printedText(source).ifPresent(text -> analysis.text(text, depth + 1));
            }
        }
        if (DatabaseRules.isClient(sink.name())) {
            printedText(source).ifPresent(text -> DatabaseRules.checkStatements(sink, text, findings));
        }
        if (SENDERS.contains(sink.name()) && SecretRules.readsSecretFile(source)) {
            findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "secret file piped to " + sink.name() + pair);
        }
        if (SEARCHERS.contains(sink.name()) && isEnvironmentDump(source)
                && sink.operands().stream().anyMatch(pattern -> SecretRules.isSecretName(pattern.value()))) {
            findings.add(FindingCode.SECRET_ENV_READ, RiskLevel.MEDIUM, "searches the environment for secrets" + pair);
        }
    }

    /** The text a stage prints when it is {@code echo}/{@code printf} of known words or {@code cat} of a here-document. */
    private static Optional<String> printedText(Invocation source) {
        if (PRINTERS.contains(source.name())) {
            List<String> words = new ArrayList<>();
            for (Word arg : source.operands()) {
                words.add(arg.value());
            }
            return Optional.of(String.join(" ", words));
        }
        if (source.name().equals("cat") && source.args().isEmpty()) {
            for (Redirection redirection : source.redirections()) {
                Optional<String> input = redirection.suppliedInput();
                if (input.isPresent()) {
                    return input;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isDecoder(Invocation source) {
        return switch (source.name()) {
            case "base64", "base32" -> source.has("-d", "--decode", "-D");
            case "xxd" -> source.hasShortFlag('r');
            case "openssl" -> source.has("-d");
            case "rev", "tr", "gunzip", "zcat", "bunzip2", "xz" -> true;
            default -> false;
        };
    }

    private static boolean isEnvironmentDump(Invocation source) {
        return ENVIRONMENT_DUMPERS.contains(source.name()) && source.operands().isEmpty();
    }

    private static String describe(List<Invocation> stages) {
        List<String> parts = new ArrayList<>();
        for (Invocation stage : stages) {
            parts.add(stage == null ? "..." : stage.display());
        }
        return String.join(" | ", parts);
    }
}
