package dev.vectraguard.cli;

import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upstream key policies.protected_directories: vg config validate accepts it and vg explain applies it. */
class ProtectedDirectoriesCliTest {
    @TempDir
    Path root;

    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    @Test
    void configValidateAcceptsTheKeyAndExplainRatesChangesInsideHigh() throws Exception {
        vg.config("policies:\n  protected_directories: [\"~/ledger\", /srv/vg-archive]\n");
        VgRunner.Result validate = vg.run("config", "validate");
        assertEquals(0, validate.exitCode(), validate.toString());

        Map<String, Object> delete = JsonTrees.object(vg.run("explain", "--json", "rm -rf ~/ledger/2024").stdout());
        assertEquals("high", delete.get("risk"), delete.toString());
        assertEquals("PROTECTED_DIRECTORY_CHANGE", ((Map<?, ?>) ((List<?>) delete.get("findings")).getFirst()).get("code"));
        Map<String, Object> move = JsonTrees.object(vg.run("explain", "--json", "mv /srv/vg-archive/a /tmp/").stdout());
        assertEquals("high", move.get("risk"), move.toString());
        Map<String, Object> read = JsonTrees.object(vg.run("explain", "--json", "cat ~/ledger/2024").stdout());
        assertEquals("low", read.get("risk"), read.toString());
    }

    @Test
    void aProjectFileMayAddProtectedDirectoriesAndABadValueIsOneLine() throws Exception {
        vg.projectConfig("policies:\n  protected_directories: [/srv/vg-archive]\n");
        Map<String, Object> delete = JsonTrees.object(vg.run("explain", "--json", "rm /srv/vg-archive/x").stdout());
        assertEquals("high", delete.get("risk"), delete.toString());

        vg.projectConfig("policies:\n  protected_directories: /srv/vg-archive\n");
        VgRunner.Result validate = vg.run("config", "validate", "vectra-guard.yaml");
        assertEquals(125, validate.exitCode(), validate.toString());
        assertTrue(validate.stderr().contains("vectra-guard.yaml:2:") && validate.stderr().contains("policies.protected_directories"),
                validate.toString());
    }
}
