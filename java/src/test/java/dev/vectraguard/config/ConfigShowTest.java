package dev.vectraguard.config;

import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigShowTest {
    @TempDir
    Path tmp;

    @Test
    void textShowsSourcesAndReadsBackToTheSameConfig() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadText("a.yaml", "sandbox:\n  mode: auto\n  memory_limit: 512m\npolicies:\n  denylist: [\"rm -rf *\"]\n", tmp, tmp);
        String text = ConfigShow.text(loaded);
        assertTrue(text.contains("sandbox:\n"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  mode: auto ") && l.endsWith("# from a.yaml:2")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  enabled: true ") && l.endsWith("# default")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  network_mode: null ") && l.endsWith("# default (from sandbox.security_level): restricted")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("  memory_limit: 512m ")), text);
        assertTrue(text.contains("\"*_TOKEN\""), "globs starting with * are quoted: " + text);
        assertEquals(loaded.config(), ConfigLoader.loadText("show.yaml", text, tmp, tmp).config());
    }

    @Test
    void defaultsReadBackToTheDefaults() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadText("empty.yaml", "", tmp, tmp);
        assertEquals(VgConfig.defaults(), ConfigLoader.loadText("show.yaml", ConfigShow.text(loaded), tmp, tmp).config());
    }

    @Test
    void jsonHasValueAndSourcePerKey() throws Exception {
        LoadedConfig loaded = ConfigLoader.loadText("a.yaml", "sandbox:\n  mode: never\n", tmp, tmp);
        Map<String, Object> json = JsonTrees.object(ConfigShow.json(loaded));
        assertEquals(Map.of("value", "never", "source", "from a.yaml:2", "trust", "trusted"), json.get("sandbox.mode"));
        assertEquals(Map.of("value", "always", "source", "default", "trust", "trusted"),
                JsonTrees.object(ConfigShow.json(ConfigLoader.loadText("b.yaml", "", tmp, tmp))).get("sandbox.mode"));
        assertEquals(ConfigSchema.KEYS.keySet(), json.keySet());
    }
}
