package dev.vectraguard.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Jazzer target: the shell parser and the rater take any text without an exception or a hang and
 * always give a risk and a normalised command. In the normal test run this replays the inputs
 * under {@code RiskAnalyzerFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it fuzzes (benchmarks/README).
 */
class RiskAnalyzerFuzzTest {
    @FuzzTest(maxDuration = "12h", maxExecutions = 10_000_000)
    void anyTextGetsARisk(byte[] input) {
        String command = new String(input, StandardCharsets.UTF_8);
        RiskReport report = RiskAnalyzer.analyze(command);
        assertNotNull(report.risk());
        assertNotNull(report.normalizedCommand());
    }
}
