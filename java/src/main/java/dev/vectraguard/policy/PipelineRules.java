package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Command;
import dev.vectraguard.policy.shell.Pipeline;
import dev.vectraguard.policy.shell.SimpleCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Risks that only show across the stages of a pipeline: downloads or decoded data piped into a shell,
 * echoed or decoded commands piped into a shell, interpreter or database client (rated as what they
 * say), secrets piped to the network, a shell wired to a network tool, the environment searched for secrets.
 */
final class PipelineRules {
    static final Set<String> SENDERS = Set.of("curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh", "http",
            "https", "xh", "mail", "mailx", "sendmail", "mutt", "rclone", "nc.traditional", "nc.openbsd", "dig", "nslookup", "host");
    private static final Set<String> SEARCHERS = Set.of("grep", "egrep", "rg", "ag");

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
        PrintedText flowing = null;
        boolean decoded = false;
        boolean readsListedFiles = false;
        for (int j = 0; j < stages.size(); j++) {
            Invocation sink = stages.get(j);
            if (sink == null) {
                flowing = analysis.printedBy(pipeline.stages().get(j));
                continue;
            }
            readsListedFiles |= sink.argumentsFromInput() && SecretRules.isReader(sink.name());
            shell |= Interpreters.isShell(sink.name()) && !Interpreters.ShellArguments.of(sink).command();
            network |= Interpreters.NETWORK_TOOLS.contains(sink.name()) || (sink.name().equals("openssl") && sink.has("s_client"));
            if (j > 0 && flowing != null && Interpreters.readsProgramFromStdin(sink)) {
                runsText(sink, flowing, decoded, analysis, depth);
            }
            for (int k = 0; k < j; k++) {
                Invocation source = stages.get(k);
                if (source != null) {
                    checkPair(source, sink, readsListedFiles, analysis);
                }
            }
            PrintedText printed = PrintedText.of(sink);
            PrintedText input = flowing != null ? flowing : sink.input() == null ? null : new PrintedText(sink.input(), false);
            PrintedText decodedText = input == null || printed != null ? null : PrintedText.decode(sink, input);
            decoded |= decodedText != null;
            flowing = printed != null ? printed : decodedText;
        }
        if (shell && network) {
            findings.add(FindingCode.REVERSE_SHELL, RiskLevel.CRITICAL, "shell wired to a network connection (" + describe(stages) + ")");
        }
    }

    private static void runsText(Invocation sink, PrintedText text, boolean decoded, Analysis analysis, int depth) {
        if (Interpreters.isShell(sink.name())) {
            if (text.escaped() && !decoded) {
                analysis.findings().add(FindingCode.OBFUSCATED_COMMAND, RiskLevel.HIGH,
                        "escaped characters hide the command piped to " + sink.name() + " (" + VisibleText.shortened(text.text(), 60) + ")");
            }
            analysis.text(text.text(), depth + 1);
        } else {
            analysis.code(sink, text.text(), depth);
        }
    }

    private static void checkPair(Invocation source, Invocation sink, boolean readsListedFiles, Analysis analysis) {
        FindingCollector findings = analysis.findings();
        String pair = " (" + source.display() + " | " + sink.display() + ")";
        if (Interpreters.readsProgramFromStdin(sink)) {
            if (Interpreters.DOWNLOADERS.contains(source.name())) {
                findings.add(FindingCode.PIPE_TO_SHELL, RiskLevel.CRITICAL, "downloaded script piped to " + sink.name() + pair);
            } else if (isDecoder(source)) {
                findings.add(FindingCode.OBFUSCATED_EXECUTION, RiskLevel.HIGH, "decoded data piped to " + sink.name() + pair);
            }
        }
        if (DatabaseRules.isClient(sink.name())) {
            PrintedText printed = PrintedText.of(source);
            if (printed != null) {
                DatabaseRules.checkStatements(sink, printed.text(), findings);
            }
        }
        if (SENDERS.contains(sink.name()) && SecretSources.emitsSecrets(source)) {
            findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "secrets piped to " + sink.name() + pair);
        }
        if (isSender(sink.name()) && (sink.argumentsFromInput() || readsListedFiles) && listsPrivateFiles(source)) {
            findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL, "sends files listed under home or / over the network" + pair);
        }
        if (SEARCHERS.contains(sink.name()) && SecretSources.isEnvironmentDump(source)
                && sink.operands().stream().anyMatch(pattern -> SecretRules.isSecretName(pattern.value()))) {
            findings.add(FindingCode.SECRET_ENV_READ, RiskLevel.MEDIUM, "searches the environment for secrets" + pair);
        }
    }

    static boolean isSender(String name) {
        return SENDERS.contains(name) || name.equals("scp") || name.equals("rsync") || name.equals("sftp");
    }

    static boolean isDecoder(Invocation source) {
        return switch (source.name()) {
            case "base64", "base32" -> source.has("-d", "--decode", "-D");
            case "xxd" -> source.hasShortFlag('r');
            case "openssl" -> source.has("-d");
            case "rev", "tr", "gunzip", "zcat", "bunzip2", "xz" -> true;
            default -> false;
        };
    }

    /** {@code find ~ ...}, {@code ls ~/.ssh}, {@code locate id_rsa}: names of files under home, / or a credential directory. */
    private static boolean listsPrivateFiles(Invocation source) {
        if (!Set.of("find", "ls", "locate", "fd", "fdfind").contains(source.name())) {
            return false;
        }
        for (var operand : source.operands()) {
            SensitivePaths.Kind kind = SensitivePaths.classify(operand);
            if (kind == SensitivePaths.Kind.HOME || kind == SensitivePaths.Kind.ROOT || SecretFiles.sensitivity(operand.value()).isPresent()) {
                return true;
            }
        }
        return source.name().equals("locate");
    }

    private static String describe(List<Invocation> stages) {
        List<String> parts = new ArrayList<>();
        for (Invocation stage : stages) {
            parts.add(stage == null ? "..." : stage.display());
        }
        return String.join(" | ", parts);
    }
}
