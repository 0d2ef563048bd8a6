package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;

/**
 * vg's own approvals: {@code vg config trust} lets a config file loosen the sandbox and
 * {@code vg trust add} lets a command skip approval, so a command that runs them decides what later
 * commands may do. Rated critical: never on the host, and approved by the user.
 */
final class GuardApprovalRules implements CommandRule {
    @Override
    public Set<String> commands() {
        return Set.of("vg", "vectra-guard");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        List<String> operands = invocation.operands().stream().map(Word::value).limit(2).toList();
        if (operands.equals(List.of("config", "trust"))) {
            findings.add(FindingCode.GUARD_APPROVAL, RiskLevel.CRITICAL,
                    "approves a config file for vg, which may then loosen the sandbox (" + invocation.display() + ")");
        } else if (operands.equals(List.of("trust", "add"))) {
            findings.add(FindingCode.GUARD_APPROVAL, RiskLevel.CRITICAL,
                    "trusts a command for vg, which then skips approval (" + invocation.display() + ")");
        }
    }
}
