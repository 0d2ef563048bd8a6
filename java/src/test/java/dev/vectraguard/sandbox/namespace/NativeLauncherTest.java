package dev.vectraguard.sandbox.namespace;

import dev.vectraguard.sandbox.CacheDirsTest;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The native launcher between its mount plan and the spawn: a cache dir gone by then is skipped. */
class NativeLauncherTest {
    @TempDir
    Path dir;

    @Test
    void aCacheDirGoneBeforeMountingIsSkipped() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(home.resolve(".npm"));
        SandboxSpec spec = CacheDirsTest.spec(dir, home, cache, "test -e " + cache + " && echo present || echo skipped").build();
        try (SandboxProcess process = NativeLauncher.start(spec, () -> {
            try {
                Files.delete(cache);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        })) {
            String out = new String(process.stdout().readAllBytes());
            String err = new String(process.stderr().readAllBytes());
            assertEquals(0, process.waitFor(), err);
            assertEquals("skipped\n", out, err);
            process.close();
            assertEquals(0, process.cacheAdditions().get().added());
        }
        assertFalse(Files.exists(cache), "the merge must not bring a vanished cache dir back");
        CacheDirsTest.assertLayersGone(home);
    }
}
