package dev.vectraguard.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every row of labelled-commands.tsv: the command's risk lies in [min, max] and the expected finding is present. */
class LabelledCommandsTest {

    static Stream<Arguments> rows() throws IOException {
        var stream = Objects.requireNonNull(LabelledCommandsTest.class.getResourceAsStream("labelled-commands.tsv"));
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            return reader.lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("\t", 4))
                    .map(fields -> Arguments.of(level(fields[0]), level(fields[1]), fields[2], fields[3].replace("<NL>", "\n")))
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "[{index}] {3}")
    @MethodSource("rows")
    void ratesCommandWithinItsLabel(RiskLevel min, RiskLevel max, String code, String command) {
        RiskReport report = RiskAnalyzer.analyze(command);
        String detail = report.risk() + " " + report.findings();
        assertTrue(report.risk().atLeast(min) && max.atLeast(report.risk()),
                () -> "expected " + min + ".." + max + " but was " + detail);
        if (!code.equals("-")) {
            assertTrue(report.has(FindingCode.valueOf(code)), () -> "expected finding " + code + " in " + detail);
        }
    }

    private static RiskLevel level(String label) {
        return RiskLevel.valueOf(label.toUpperCase(Locale.ROOT));
    }
}
