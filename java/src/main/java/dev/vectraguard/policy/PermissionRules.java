package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** chmod/chown/chgrp of /, home or system directories and what is in them, and setuid/setgid bits anywhere. */
final class PermissionRules implements CommandRule {
    /** One clause of a symbolic mode that sets s for the owner ({@code u+s}, {@code +s}, {@code a=rwxs}). */
    private static final Pattern SETUID_CLAUSE = Pattern.compile("([ugoa]*)[+=][rwxXt]*s[rwxXts]*");
    /** Octal modes with the setuid bit: 4755, 6755, 04711. */
    private static final Pattern SETUID_OCTAL = Pattern.compile("0?[4-7][0-7]{3}");

    @Override
    public Set<String> commands() {
        return Set.of("chmod", "chown", "chgrp", "setfacl", "chattr");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        boolean recursive = invocation.hasShortFlag('R') || invocation.has("--recursive");
        List<Word> operands = invocation.operands();
        int firstTarget = invocation.hasLong("--reference") || invocation.name().equals("setfacl") ? 0 : 1;
        String mode = operands.isEmpty() || firstTarget == 0 ? "" : operands.getFirst().value();
        String display = " (" + invocation.display() + ")";
        if (invocation.name().equals("chmod") && setsUid(mode)) {
            boolean asRoot = !invocation.elevatedBy().isEmpty() || operands.stream().skip(1).map(SensitivePaths::classify)
                    .anyMatch(kind -> kind == SensitivePaths.Kind.ROOT || kind == SensitivePaths.Kind.SYSTEM
                            || kind == SensitivePaths.Kind.SYSTEM_CONTENT);
            findings.add(FindingCode.SYSTEM_PERMISSION_CHANGE, asRoot ? RiskLevel.HIGH : RiskLevel.MEDIUM,
                    "sets the setuid bit (mode " + mode + ")" + (asRoot ? " as root or on a system file" : "") + display);
        }
        checkTargets(invocation, operands, firstTarget, recursive, mode, display, findings);
    }

    private static void checkTargets(Invocation invocation, List<Word> operands, int firstTarget, boolean recursive, String mode,
                                     String display, FindingCollector findings) {
        for (Word target : operands.subList(Math.min(firstTarget, operands.size()), operands.size())) {
            if (isServedContent(target.value())) {
                continue;
            }
            String reason = (recursive ? "recursive " : "") + invocation.name() + (mode.isEmpty() ? "" : " " + mode) + " of "
                    + target.value() + display;
            switch (SensitivePaths.classify(target)) {
                case ROOT, SYSTEM -> findings.add(FindingCode.SYSTEM_PERMISSION_CHANGE,
                        recursive ? RiskLevel.CRITICAL : RiskLevel.HIGH, reason);
                case SYSTEM_CONTENT -> findings.add(FindingCode.SYSTEM_PERMISSION_CHANGE, RiskLevel.HIGH, reason);
                case HOME -> {
                    if (recursive) {
                        findings.add(FindingCode.SYSTEM_PERMISSION_CHANGE, RiskLevel.HIGH, reason);
                    }
                }
                default -> { }
            }
        }
    }

    /** /var/www, /srv and /opt hold what a machine serves or runs: giving them to a service account is routine. */
    private static boolean isServedContent(String path) {
        if (!path.startsWith("/")) {
            return false;
        }
        String resolved = SensitivePaths.resolve(path);
        for (String root : new String[] {"/var/www", "/srv", "/opt"}) {
            if (resolved.equals(root) || resolved.startsWith(root + "/")) {
                return true;
            }
        }
        return false;
    }

    private static boolean setsUid(String mode) {
        if (SETUID_OCTAL.matcher(mode).matches()) {
            return true;
        }
        for (String clause : mode.split(",")) {
            var matcher = SETUID_CLAUSE.matcher(clause);
            if (matcher.matches() && (matcher.group(1).isEmpty() || matcher.group(1).contains("u") || matcher.group(1).contains("a"))) {
                return true;
            }
        }
        return false;
    }
}
