package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** chmod/chown/chgrp of /, home or system directories and what is in them, and setuid/setgid bits anywhere. */
final class PermissionRules implements CommandRule {
    /** Symbolic modes adding s ({@code u+s}, {@code +s}, {@code g=rxs}) and octal modes with 4xxx or 2xxx. */
    private static final Pattern SETUID_MODE = Pattern.compile("([ugoa]*[+=][rwxXt]*s[rwxXt]*)(,.*)?|.*,[ugoa]*[+=][rwxXt]*s.*|0?[2-7][0-7]{3}");

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
        if (invocation.name().equals("chmod") && SETUID_MODE.matcher(mode).matches()) {
            findings.add(FindingCode.SYSTEM_PERMISSION_CHANGE, RiskLevel.HIGH, "sets the setuid or setgid bit (mode " + mode + ")" + display);
        }
        for (Word target : operands.subList(Math.min(firstTarget, operands.size()), operands.size())) {
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
}
