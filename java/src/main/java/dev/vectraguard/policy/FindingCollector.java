package dev.vectraguard.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/** Gathers the findings of one analysis, without duplicates. */
final class FindingCollector {
    private static final Pattern CONTROL_CHARACTERS = Pattern.compile("\\p{Cntrl}");

    private final List<RiskFinding> findings = new ArrayList<>(4);
    private boolean networkedInstall;

    /** Adds a finding; control characters in {@code reason} (newlines of multi-line arguments) become spaces. */
    void add(FindingCode code, RiskLevel severity, String reason) {
        String line = CONTROL_CHARACTERS.matcher(reason).replaceAll(" ");
        for (RiskFinding finding : findings) {
            if (finding.code() == code && finding.reason().equals(line)) {
                return;
            }
        }
        findings.add(new RiskFinding(code, severity, line));
    }

    /** How many findings there are so far: a mark for {@link #raiseSince}. */
    int size() {
        return findings.size();
    }

    /** Raises every medium or higher finding added since {@code mark} one level, noting {@code why} in its reason. */
    void raiseSince(int mark, String why) {
        for (int i = mark; i < findings.size(); i++) {
            RiskFinding finding = findings.get(i);
            if (finding.severity().atLeast(RiskLevel.MEDIUM)) {
                findings.set(i, new RiskFinding(finding.code(), finding.severity().raise(), finding.reason() + " (" + why + ")"));
            }
        }
    }

    /** Appends {@code note} to the reason of every finding added since {@code mark}. */
    void noteSince(int mark, String note) {
        for (int i = mark; i < findings.size(); i++) {
            RiskFinding finding = findings.get(i);
            if (!finding.reason().endsWith(note)) {
                findings.set(i, new RiskFinding(finding.code(), finding.severity(), finding.reason() + " " + note));
            }
        }
    }

    /** Adds a finding that also marks the command as fetching packages from the network. */
    void addNetworked(FindingCode code, String reason) {
        networkedInstall = true;
        add(code, RiskLevel.MEDIUM, reason);
    }

    RiskReport report(String normalizedCommand) {
        List<RiskFinding> ordered = new ArrayList<>(findings);
        ordered.sort(Comparator.comparing(RiskFinding::severity).reversed());
        RiskLevel risk = ordered.isEmpty() ? RiskLevel.LOW : ordered.getFirst().severity();
        return new RiskReport(risk, ordered, networkedInstall, normalizedCommand);
    }
}
