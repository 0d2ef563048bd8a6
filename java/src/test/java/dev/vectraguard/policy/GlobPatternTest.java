package dev.vectraguard.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class GlobPatternTest {

    @ParameterizedTest(name = "''{0}'' ~ ''{1}'' = {2}")
    @CsvSource(delimiter = '~', value = {
            "curl * | sh ~ curl -s http://x | sh ~ true",
            "curl *  |   sh ~ curl -fsSL 'https://x y' | sh ~ true",
            "curl * | sh ~ curl -s http://x | bash ~ false",
            "git status ~ git status ~ true",
            "git status ~ git status -s ~ false",
            "git * ~ git push --force origin main ~ true",
            "* ~ anything at all | even pipes ~ true",
            "npm ? ~ npm i ~ true",
            "npm ? ~ npm install ~ false",
            "*rm -rf* ~ sudo rm -rf / ~ true",
            "'rm' -rf * ~ rm -rf build ~ true",
            "ls ~ ls -la ~ false",
    })
    void matchesNormalizedCommands(String pattern, String command, boolean matches) {
        String normalized = RiskAnalyzer.analyze(command).normalizedCommand();
        assertEquals(matches, GlobPattern.compile(pattern).matches(normalized), pattern + " vs " + normalized);
    }

    @Test
    void keepsTheConfiguredSource() {
        assertEquals("curl *  |  sh", GlobPattern.compile("curl *  |  sh").source());
    }

    @Test
    void matchingIsNotExponential() {
        GlobPattern pattern = GlobPattern.compile("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
        String text = "a".repeat(20_000);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertFalse(pattern.matches(text)));
    }
}
