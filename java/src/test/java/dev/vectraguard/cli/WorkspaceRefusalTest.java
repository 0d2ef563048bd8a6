package dev.vectraguard.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `vg exec --workspace` into a system directory: exit 125, one line naming the path and why, nothing written. */
class WorkspaceRefusalTest {
    @TempDir
    Path root;

    @Test
    void systemDirectoryWorkspaceIsRefused() throws Exception {
        VgRunner vg = new VgRunner(root);
        Path planted = Path.of("/etc/cron.d", "vg-probe-" + System.nanoTime());
        try {
            VgRunner.Result r = vg.run("exec", "--workspace", "/etc/cron.d", "--", "touch", planted.toString());
            assertEquals(125, r.exitCode(), r.toString());
            assertEquals(1, r.stderr().lines().count(), r.toString());
            assertTrue(r.stderr().startsWith("vg: ") && r.stderr().contains("/etc/cron.d")
                    && r.stderr().contains("system directory /etc"), r.toString());
            assertFalse(Files.exists(planted), "the sandbox wrote " + planted + " on the host");
        } finally {
            Files.deleteIfExists(planted);
        }
    }
}
