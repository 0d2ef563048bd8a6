package dev.vectraguard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValueFormatsTest {
    @Test
    void durations() {
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofHours(12), Durations.parse("12h"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofDays(14), Durations.parse("2w"));
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("7d", Durations.format(Duration.ofDays(7)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "7", "-5s", "5 m", "1.5h", "m", "99999999999999999999s"})
    void badDurations(String text) {
        if (text.equals("7")) {
            assertEquals(Duration.ofSeconds(7), Durations.parse(text));
            return;
        }
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    }

    @Test
    void sizes() {
        assertEquals(512L << 20, ByteSizes.parse("512m"));
        assertEquals(1L << 30, ByteSizes.parse("1g"));
        assertEquals(1L << 30, ByteSizes.parse("1GiB"));
        assertEquals(64L << 10, ByteSizes.parse("64K"));
        assertEquals(1500L, ByteSizes.parse("1500"));
        assertEquals("512m", ByteSizes.format(512L << 20));
        assertEquals("1500", ByteSizes.format(1500));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("99999999999t"));
    }

    @Test
    void globs() {
        assertTrue(Globs.matches("LC_*", "LC_ALL"));
        assertTrue(Globs.matches("*_TOKEN", "GITHUB_TOKEN"));
        assertTrue(Globs.matches("*SECRET*", "MY_SECRET_VALUE"));
        assertTrue(Globs.matches("release/*", "release/1.0"));
        assertTrue(Globs.matches("a?c", "abc"));
        assertTrue(Globs.matches("*", ""));
        assertFalse(Globs.matches("LC_*", "LANG"));
        assertFalse(Globs.matches("main", "maintenance"));
        assertFalse(Globs.matches("*_TOKEN", "TOKEN"));
    }
}
