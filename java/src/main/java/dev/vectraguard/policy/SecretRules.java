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
    private static final Set<String> CLOUD_COPIERS = Set.of("aws", "gsutil", "gcloud", "rclone");
    private static final Set<String> CLOUD_COPY_VERBS = Set.of("cp", "mv", "sync", "rsync", "copy", "copyto", "move", "moveto");
    private static final Set<String> PRINTERS = Set.of("echo", "printf", "print");
    private static final String[] SECRET_NAME_PARTS = {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY",
            "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL", "AUTH_KEY"};

    @Override
    public Set<String> commands() {
        return Set.of("cat", "less", "more", "head", "tail", "bat", "batcat", "strings", "xxd", "hexdump", "od", "base64",
                "nl", "tac", "view", "cp", "grep", "egrep", "rg", "awk", "sed", "tar", "zip", "7z", "scp", "rsync", "sftp",
                "echo", "printf", "print", "printenv", "aws", "gsutil", "gcloud", "rclone");
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
            checkCopy(invocation.operands(), display, findings);
        } else if (CLOUD_COPIERS.contains(name)) {
            checkCopy(cloudCopyOperands(invocation), display, findings);
        } else if (READERS.contains(name)) {
            List<Word> operands = invocation.operands();
            List<Word> read = name.equals("cp") && !operands.isEmpty() ? operands.subList(0, operands.size() - 1) : operands;
            for (Word operand : read) {
                SecretFiles.sensitivity(operand.value()).ifPresent(level ->
                        findings.add(FindingCode.SECRET_FILE_READ, level, "reads secret file " + operand.value() + display));
            }
        }
    }

    /** The sources and destination of {@code aws s3 cp}, {@code gsutil cp}, {@code gcloud storage cp}, {@code rclone copy}; else empty. */
    private static List<Word> cloudCopyOperands(Invocation invocation) {
        List<Word> operands = invocation.operands();
        List<String> words = invocation.operandValues(2);
        String first = words.isEmpty() ? "" : words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        int sources = switch (invocation.name()) {
            case "aws" -> first.equals("s3") && CLOUD_COPY_VERBS.contains(second) ? 2 : -1;
            case "gcloud" -> first.equals("storage") && CLOUD_COPY_VERBS.contains(second) ? 2 : -1;
            default -> CLOUD_COPY_VERBS.contains(first) ? 1 : -1;
        };
        return sources < 0 ? List.of() : operands.subList(sources, operands.size());
    }

    /** Rates {@code operands}: the sources of a copy, then its destination. */
    private static void checkCopy(List<Word> operands, String display, FindingCollector findings) {
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
