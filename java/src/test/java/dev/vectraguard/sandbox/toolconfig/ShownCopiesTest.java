package dev.vectraguard.sandbox.toolconfig;

import dev.vectraguard.sandbox.ToolConfigMode;
import dev.vectraguard.sandbox.VgCacheDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs of one JVM share a copy while the file shows the same text: a changed file, or a copy
 * changed since vg wrote it, gets a new copy; a replaced copy goes once no run still holds it.
 */
class ShownCopiesTest {
    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private ToolConfigFiles.Copy npmrcCopy(ToolConfigCopies copies) {
        assertEquals(1, copies.copies().size(), copies.toString());
        return copies.copies().getFirst();
    }

    @Test
    void anUnchangedFileIsCopiedOnceAndAChangedOneIsSeenByTheNextRun() throws Exception {
        Path npmrc = home.resolve(".npmrc");
        Files.writeString(npmrc, "fund=false\n_authToken=secret\n");
        ToolConfigCopies first = ToolConfigFiles.write(home, ToolConfigMode.FILTERED, home.resolve(VgCacheDir.DEFAULT), scratch);
        first.delete();
        ToolConfigCopies second = ToolConfigFiles.write(home, ToolConfigMode.FILTERED, home.resolve(VgCacheDir.DEFAULT), scratch);
        Path copy = npmrcCopy(first).copy();
        assertEquals(copy, npmrcCopy(second).copy(), "the same copy serves the next run");
        assertEquals(npmrc, npmrcCopy(second).target());
        assertEquals("fund=false\n", Files.readString(copy));

        Files.writeString(npmrc, "fund=true\n_authToken=secret\n");
        ToolConfigCopies changed = ToolConfigFiles.write(home, ToolConfigMode.FILTERED, home.resolve(VgCacheDir.DEFAULT), scratch);
        Path newCopy = npmrcCopy(changed).copy();
        assertNotEquals(copy, newCopy);
        assertEquals("fund=true\n", Files.readString(newCopy));
        assertTrue(Files.exists(copy), "still held by the second run, which may not have mounted it yet");
        second.delete();
        assertFalse(Files.exists(copy), "replaced and no longer held");
        changed.delete();
        assertTrue(Files.exists(newCopy), "kept for the next run");

        ToolConfigCopies full = ToolConfigFiles.write(home, ToolConfigMode.FULL, home.resolve(VgCacheDir.DEFAULT), scratch);
        assertEquals("fund=true\n_authToken=secret\n", Files.readString(npmrcCopy(full).copy()), "full is not the filtered text");
        full.delete();
    }

    @Test
    void aCopyChangedSinceItWasWrittenIsNotShownAgain() throws Exception {
        Files.writeString(home.resolve(".npmrc"), "fund=false\n//registry.example/:_authToken=secret\n");
        ToolConfigCopies first = ToolConfigFiles.write(home, ToolConfigMode.FILTERED, home.resolve(VgCacheDir.DEFAULT), scratch);
        Path copy = npmrcCopy(first).copy();
        first.delete();
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(copy, "fund=falsX\n"); // the same size, written at once: only the content tells

        ToolConfigCopies next = ToolConfigFiles.write(home, ToolConfigMode.FILTERED, home.resolve(VgCacheDir.DEFAULT), scratch);
        Path fresh = npmrcCopy(next).copy();
        assertNotEquals(copy, fresh);
        assertEquals("fund=false\n", Files.readString(fresh));
        next.delete();
    }
}
