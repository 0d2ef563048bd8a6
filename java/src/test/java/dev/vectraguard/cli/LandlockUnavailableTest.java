package dev.vectraguard.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vg on a kernel without Landlock. The child JVM runs under the C tests' helper, whose seccomp
 * filter makes the three Landlock syscalls fail with ENOSYS as a kernel before 5.13 does (the
 * kernel itself, no mock): the levels that need Landlock stop with exit 125 and say why, and run
 * without it only when the config allows a weaker fallback, saying so; balanced runs on its mount
 * plan and says so; {@code vg version} reports it.
 */
class LandlockUnavailableTest {
    @TempDir
    Path root;
    private VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    private VgRunner.Result withoutLandlock(String... args) throws Exception {
        return vg.runUnderHelper("without-landlock", args);
    }

    @Test
    void versionSaysThereIsNoLandlock() throws Exception {
        VgRunner.Result version = withoutLandlock("version");
        assertEquals(0, version.exitCode(), version.toString());
        assertTrue(version.stdout().lines().anyMatch(l -> l.matches("landlock:\\s+no")), version.toString());
    }

    @Test
    void strictAndParanoidStopWithoutRunningTheCommand() throws Exception {
        for (String level : List.of("strict", "paranoid")) {
            VgRunner.Result r = withoutLandlock("exec", "--security-level", level, "--", "sh", "-c", "echo ran > ran-" + level);
            assertEquals(125, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("security level '" + level + "' needs Landlock")
                    && r.stderr().contains("sandbox.allow_weaker_fallback"), r.toString());
            assertFalse(Files.exists(vg.workspace.resolve("ran-" + level)), level + ": the command ran");
        }
    }

    @Test
    void aWeakerFallbackRunsOnlyWhenTheConfigAllowsItAndSaysSo() throws Exception {
        vg.config("sandbox:\n  allow_weaker_fallback: true\n");
        VgRunner.Result r = withoutLandlock("exec", "--security-level", "strict", "--", "sh", "-c", "echo ran > ran");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("Landlock is not available"), r.toString());
        assertTrue(Files.exists(vg.workspace.resolve("ran")));
        // the mount plan still holds: the system directories stay read-only
        VgRunner.Result usr = withoutLandlock("exec", "-q", "--security-level", "strict", "--", "sh", "-c",
                "touch /usr/vg-no-landlock-probe 2>/dev/null && echo written; echo done");
        assertEquals("done\n", usr.stdout(), usr.toString());
        assertFalse(Files.exists(Path.of("/usr/vg-no-landlock-probe")));
    }

    @Test
    void balancedRunsOnItsMountPlanAndSaysSo() throws Exception {
        VgRunner.Result r = withoutLandlock("exec", "--security-level", "balanced", "--", "sh", "-c", "echo ran > ran");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("Landlock is not available: filesystem access is limited by the mount plan only"),
                r.toString());
        assertTrue(Files.exists(vg.workspace.resolve("ran")));
    }
}
