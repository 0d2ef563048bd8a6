package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;

/** chmod/chown/chgrp of /, home or system directories. */
final class PermissionRules implements CommandRule {
    @Override
    public Set<String> commands() {
        return Set.of("chmod", "chown", "chgrp");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        boolean recursive = invocation.hasShortFlag('R') || invocation.has("--recursive");
        List<Word> operands = invocation.operands();
        int firstTarget = invocation.hasLong("--reference") ? 0 : 1;
        String mode = operands.isEmpty() ? "" : operands.getFirst().value();
        for (Word target : operands.subList(Math.min(firstTarget, operands.size()), operands.size())) {
            String reason = (recursive ? "recursive " : "") + invocation.name() + " " + mode + " of " + target.value()
                    + " (" + invocation.display() + ")";
            switch (SensitivePaths.classify(target)) {
                case ROOT, SYSTEM -> findings.add(FindingCode.SYSTEM_PERMISSION_CHANGE,
                        recursive ? RiskLevel.CRITICAL : RiskLevel.MEDIUM, reason);
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
