package dev.vectraguard.config;

import dev.vectraguard.policy.GuardLevel;
import dev.vectraguard.policy.SandboxMode;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SecurityLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresetsTest {
    @TempDir
    Path home;

    static Path presetsDir() {
        return Path.of(System.getProperty("vg.repo.root", "..")).resolve("presets");
    }

    static Stream<Path> presetFiles() throws IOException {
        try (Stream<Path> files = Files.list(presetsDir())) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("presetFiles")
    void everyPresetFileValidatesWithoutWarnings(Path file) throws Exception {
        LoadedConfig loaded = ConfigLoader.loadText(file.toString(), Files.readString(file), file.getParent(), home);
        assertEquals(List.of(), loaded.warnings());
    }

    @Test
    void namesMatchTheFiles() throws IOException {
        List<String> files = presetFiles().map(p -> p.getFileName().toString().replace(".yaml", "")).sorted().toList();
        assertEquals(files, Presets.names().stream().sorted().toList());
    }

    @Test
    void balancedIsExactlyTheDefaultsWithEveryKeyWritten() throws Exception {
        LoadedConfig balanced = Presets.load("balanced", home);
        assertEquals(VgConfig.defaults(), balanced.config());
        for (Setting s : balanced.settings().values()) {
            assertTrue(s.source() instanceof ConfigSource.File, "balanced.yaml writes out " + s.key());
        }
    }

    @Test
    void presetsSayWhatTheyPromise() throws Exception {
        VgConfig dev = Presets.load("developer", home).config();
        assertEquals(SandboxMode.AUTO, dev.sandbox().mode());
        assertEquals(GuardLevel.MEDIUM, dev.guardLevel());
        assertTrue(dev.sandbox().enableCache());

        VgConfig ci = Presets.load("ci-cd", home).config();
        assertEquals(SandboxMode.ALWAYS, ci.sandbox().mode());
        assertEquals(GuardLevel.HIGH, ci.guardLevel());
        assertEquals(SecurityLevel.STRICT, ci.sandbox().securityLevel());

        VgConfig prod = Presets.load("production", home).config();
        assertEquals(GuardLevel.PARANOID, prod.guardLevel());
        assertEquals(SecurityLevel.PARANOID, prod.sandbox().securityLevel());
        assertEquals(NetworkMode.NONE, prod.sandbox().effectiveNetworkMode());
        assertFalse(prod.policies().denylist().isEmpty());
        assertFalse(prod.sandbox().allowWeakerFallback());
    }

    @Test
    void unknownPresetSuggests() {
        ConfigException e = assertThrows(ConfigException.class, () -> Presets.read("prodution"));
        assertEquals("unknown preset 'prodution' (did you mean 'production'?); presets: balanced, developer, ci-cd, production", e.getMessage());
    }
}
