package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;
import dev.vectraguard.policy.shell.WordPart;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reading private keys, credential and .env files, and printing secret environment variables. */
final class SecretRules implements CommandRule {
    private static final Set<String> READERS = Set.of("cat", "less", "more", "head", "tail", "bat", "batcat", "strings",
            "xxd", "hexdump", "od", "base64", "nl", "tac", "view", "cp", "grep", "egrep", "rg", "awk", "sed", "tar", "zip", "7z");
    private static final Set<String> COPIERS = Set.of("scp", "rsync", "sftp");
    private static final Set<String> PRINTERS = Set.of("echo", "printf", "print");
    private static final String[] SECRET_NAME_PARTS = {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY",
            "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL", "AUTH_KEY"};

    @Override
    public Set<String> commands() {
        return Set.of("cat", "less", "more", "head", "tail", "bat", "batcat", "strings", "xxd", "hexdump", "od", "base64",
                "nl", "tac", "view", "cp", "grep", "egrep", "rg", "awk", "sed", "tar", "zip", "7z", "scp", "rsync", "sftp",
                "echo", "printf", "print", "printenv");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        String name = invocation.name();
        String display = " (" + invocation.display() + ")";
        if (PRINTERS.contains(name)) {
            for (Word arg : invocation.args()) {
                for (WordPart part : arg.parts()) {
                    if (part instanceof WordPart.Parameter parameter && isSecretName(parameter.name())) {
                        findings.add(FindingCode.SECRET_ENV_READ, RiskLevel.MEDIUM, "prints secret variable $" + parameter.name() + display);
                    }
                }
            }
        } else if (name.equals("printenv")) {
            for (Word operand : invocation.operands()) {
                if (isSecretName(operand.value())) {
                    findings.add(FindingCode.SECRET_ENV_READ, RiskLevel.MEDIUM, "prints secret variable " + operand.value() + display);
                }
            }
        } else if (COPIERS.contains(name)) {
            checkCopy(invocation, display, findings);
        } else if (READERS.contains(name)) {
            List<Word> operands = invocation.operands();
            List<Word> read = name.equals("cp") && !operands.isEmpty() ? operands.subList(0, operands.size() - 1) : operands;
            for (Word operand : read) {
                SecretFiles.sensitivity(operand.value()).ifPresent(level ->
                        findings.add(FindingCode.SECRET_FILE_READ, level, "reads secret file " + operand.value() + display));
            }
        }
    }

    private static void checkCopy(Invocation copy, String display, FindingCollector findings) {
        List<Word> operands = copy.operands();
        if (operands.isEmpty()) {
            return;
        }
        boolean remoteDestination = isRemote(operands.getLast().value());
        for (Word source : operands.subList(0, operands.size() - 1)) {
            Optional<RiskLevel> level = SecretFiles.sensitivity(source.value());
            if (level.isPresent() && remoteDestination) {
                findings.add(FindingCode.SECRET_EXFILTRATION, RiskLevel.CRITICAL,
                        "copies secret file " + source.value() + " to another host" + display);
            } else {
                level.ifPresent(l -> findings.add(FindingCode.SECRET_FILE_READ, l, "copies secret file " + source.value() + display));
            }
        }
    }

    /** True when an invocation prints a secret file (the start of a pipeline that sends it somewhere). */
    static boolean readsSecretFile(Invocation invocation) {
        if (!READERS.contains(invocation.name())) {
            return false;
        }
        for (Word operand : invocation.operands()) {
            if (SecretFiles.sensitivity(operand.value()).isPresent()) {
                return true;
            }
        }
        return false;
    }

    static boolean isReader(String name) {
        return READERS.contains(name);
    }

    static boolean isSecretName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (String part : SECRET_NAME_PARTS) {
            if (upper.contains(part)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRemote(String path) {
        int colon = path.indexOf(':');
        int slash = path.indexOf('/');
        return colon > 0 && (slash < 0 || colon < slash);
    }
}
