package dev.vectraguard.policy;

import java.util.List;
import java.util.Optional;

/**
 * The verdict on one command line. {@code risk} is the highest finding severity (LOW without findings);
 * {@code findings} are ordered from most to least severe; {@code networkedInstall} says the command
 * fetches packages or dependencies (mode AUTO sandboxes those); {@code normalizedCommand} is the
 * canonical one-line form used for trust hashing and allow/deny patterns.
 */
public record RiskReport(RiskLevel risk, List<RiskFinding> findings, boolean networkedInstall, String normalizedCommand) {
    public RiskReport {
        findings = List.copyOf(findings);
    }

    /** The finding that sets the risk, if there is one. */
    public Optional<RiskFinding> topFinding() {
        return findings.stream().findFirst();
    }

    public boolean has(FindingCode code) {
        return findings.stream().anyMatch(finding -> finding.code() == code);
    }
}
