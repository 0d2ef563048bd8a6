package dev.vectraguard.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What vg says about the network: a refused --network names the level that allows it; a failed run without network says so. */
class NetworkNoticeTest {
    @TempDir
    Path root;

    @Test
    void aRefusedNetworkNamesTheLevelThatAllowsIt() throws Exception {
        VgRunner vg = new VgRunner(root);
        VgRunner.Result full = vg.run("exec", "--security-level", "balanced", "--network", "full", "--", "true");
        assertEquals(125, full.exitCode(), full.toString());
        assertEquals("vg: network 'full' is not allowed at security level 'balanced' (at most 'restricted'); "
                + "permissive allows it (--security-level permissive)", full.stderr().strip());
        VgRunner.Result restricted = vg.run("exec", "--security-level", "paranoid", "--network", "restricted", "--", "true");
        assertEquals(125, restricted.exitCode(), restricted.toString());
        assertTrue(restricted.stderr().contains("permissive, balanced or strict allow it (--security-level strict)"),
                restricted.toString());
    }

    @Test
    void aFailedRunWithoutNetworkSaysWhatTurnedItOff() throws Exception {
        VgRunner vg = new VgRunner(root);
        VgRunner.Result paranoid = vg.run("exec", "--security-level", "paranoid", "--", "sh", "-c", "exit 3");
        assertEquals(3, paranoid.exitCode(), paranoid.toString());
        assertTrue(paranoid.stderr().contains("the command failed and the sandbox had no network (security level paranoid)")
                && paranoid.stderr().contains("--security-level balanced"), paranoid.toString());

        VgRunner.Result flag = vg.run("exec", "--network", "none", "--", "sh", "-c", "exit 4");
        assertEquals(4, flag.exitCode(), flag.toString());
        assertTrue(flag.stderr().contains("had no network (--network none); if it needed the network: leave out --network none"),
                flag.toString());

        vg.config("sandbox:\n  allow_network: false\n");
        VgRunner.Result key = vg.run("exec", "--", "sh", "-c", "exit 5");
        assertEquals(5, key.exitCode(), key.toString());
        assertTrue(key.stderr().contains("had no network (sandbox.allow_network: false, " + vg.userConfig), key.toString());

        VgRunner.Result quiet = vg.run("exec", "-q", "--security-level", "paranoid", "--", "sh", "-c", "exit 3");
        assertEquals(3, quiet.exitCode(), quiet.toString());
        assertEquals("", quiet.stderr(), "-q: no hint either");
        VgRunner.Result signalled = vg.run("exec", "--security-level", "paranoid", "--", "sh", "-c", "kill -TERM $$");
        assertEquals(143, signalled.exitCode(), signalled.toString());
        assertFalse(signalled.stderr().contains("no network"), "a command a signal ended gets no network hint: " + signalled);

        VgRunner.Result fine = vg.run("exec", "--security-level", "paranoid", "--", "true");
        assertEquals(0, fine.exitCode(), fine.toString());
        assertFalse(fine.stderr().contains("no network"), "a run that succeeded gets no network notice: " + fine);
    }
}
