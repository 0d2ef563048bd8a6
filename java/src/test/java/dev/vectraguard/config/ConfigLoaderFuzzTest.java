package dev.vectraguard.config;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer target: any YAML text is a configuration or one {@link ConfigException} naming the
 * file; no other exception, no stack overflow, no hang.
 */
class ConfigLoaderFuzzTest {
    private static final Path DIR = scratch();

    private static Path scratch() {
        try {
            Path dir = Files.createTempDirectory("vg-config-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "12h", maxExecutions = 10_000_000)
    void anyYamlIsAConfigOrOneError(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        try {
            assertNotNull(ConfigLoader.loadText("fuzz.yaml", yaml, DIR, DIR).config());
        } catch (ConfigException e) {
            assertTrue(e.getMessage().startsWith("fuzz.yaml"), e.getMessage());
            assertTrue(e.getMessage().length() < 2000 && !e.getMessage().contains("\n\tat "), e.getMessage());
        }
    }
}
