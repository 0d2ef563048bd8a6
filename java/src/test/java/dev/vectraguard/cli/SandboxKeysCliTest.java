package dev.vectraguard.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upstream sandbox keys whose effect no other test shows, each set in the user's config and
 * checked by what a real command in a real sandbox sees or leaves behind.
 */
class SandboxKeysCliTest {
    private static final String GUARD_OFF = "guard_level:\n  level: off\n";

    @TempDir
    Path root;
    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        vg.config(GUARD_OFF);
    }

    @Test
    void enableCacheFalseLeavesTheKnownCachesOut() throws Exception {
        Path npmCache = Files.createDirectories(vg.home.resolve(".npm/_cacache"));
        Files.writeString(npmCache.resolve("entry"), "cached\n");
        String show = "cat " + npmCache + "/entry || echo absent";
        assertEquals("cached\n", vg.run("exec", "-q", "--", "sh", "-c", show).stdout(), "enable_cache defaults to true");
        vg.config(GUARD_OFF + "sandbox:\n  enable_cache: false\n");
        VgRunner.Result r = vg.run("exec", "-q", "--", "sh", "-c", show);
        assertEquals("absent\n", r.stdout(), r.toString());
    }

    /**
     * Upstream's "host:container" form of a cache dir: vg keeps a cache at its host path, so the
     * host part is shared there and a warning says so (it did nothing, silently, before).
     */
    @Test
    void aCacheDirWithAContainerPathIsSharedAtItsHostPathWithAWarning() throws Exception {
        Path cache = Files.createDirectories(vg.home.resolve(".custom-cache"));
        Files.writeString(cache.resolve("entry"), "cached\n");
        vg.config(GUARD_OFF + "sandbox:\n  cache_dirs: [\"~/.custom-cache:/.custom-cache\"]\n");
        VgRunner.Result r = vg.run("exec", "-q", "--", "sh", "-c", "cat " + cache + "/entry; ls -d /.custom-cache 2>/dev/null");
        assertEquals("cached\n", r.stdout(), r.toString());
        assertTrue(r.stderr().contains(vg.userConfig + ":4:16: warning: 'sandbox.cache_dirs': '~/.custom-cache:/.custom-cache' (vectra-guard) is read "
                + "as '" + cache + "': vg shares a cache at its host path"), r.toString());
    }

    /** What vg exec refuses in bind_mounts and cache_dirs, vg config validate refuses too, in the same words. */
    @Test
    void configValidateRefusesTheWritableLocationsExecRefuses() throws Exception {
        for (String sandbox : new String[] {"bind_mounts: [/etc/ssl]", "cache_dirs: [/etc/ssl]",
                "bind_mounts: [" + root.resolve("missing") + "]"}) {
            Path config = Files.writeString(root.resolve("c.yaml"), "sandbox:\n  " + sandbox + "\n");
            VgRunner.Result exec = vg.run("exec", "--config", config.toString(), "--", "true");
            assertEquals(125, exec.exitCode(), exec.toString());
            VgRunner.Result validate = vg.run("config", "validate", config.toString());
            assertEquals(125, validate.exitCode(), sandbox + ": " + validate);
            assertEquals(exec.stderr().replace("vg: ", "vg: " + config + ": "), validate.stderr(), sandbox);
        }
    }

    @Test
    void timeoutFromTheConfigKillsTheSandboxWith124() throws Exception {
        vg.config(GUARD_OFF + "sandbox:\n  timeout: 2\n");
        long start = System.nanoTime();
        VgRunner.Result r = vg.run("exec", "--", "sh", "-c", "sleep 60; touch late");
        assertEquals(124, r.exitCode(), r.toString());
        assertTrue(System.nanoTime() - start < 40_000_000_000L, "killed long before the command's 60 s: " + r);
        assertTrue(r.stderr().contains("timed out after 2s: sandbox killed"), r.toString());
        assertFalse(Files.exists(vg.workspace.resolve("late")), r.toString());
    }

    @Test
    void capabilitySetIsWhatTheCommandHolds() throws Exception {
        String show = "grep CapEff /proc/self/status";
        vg.config(GUARD_OFF + "sandbox:\n  capability_set: [chown]\n");
        VgRunner.Result chown = vg.run("exec", "-q", "--", "sh", "-c", show);
        assertEquals("CapEff:\t0000000000000001\n", chown.stdout(), chown.toString());
        vg.config(GUARD_OFF + "sandbox:\n  capability_set: none\n");
        VgRunner.Result none = vg.run("exec", "-q", "--", "sh", "-c", show);
        assertEquals("CapEff:\t0000000000000000\n", none.stdout(), none.toString());
    }

    @Test
    void aSeccompProfileFileIsTheFilterTheCommandRunsUnder() throws Exception {
        Path profile = Files.writeString(vg.home.resolve("no-mkdir.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        vg.config(GUARD_OFF + "sandbox:\n  seccomp_profile: " + profile + "\n");
        VgRunner.Result r = vg.run("exec", "-q", "--", "sh", "-c", "mkdir made; touch file");
        assertTrue(r.stderr().contains("Operation not permitted"), r.toString());
        assertFalse(Files.exists(vg.workspace.resolve("made")), r.toString());
        assertTrue(Files.exists(vg.workspace.resolve("file")), "only the profile's calls are refused: " + r);
    }

    @Test
    void enableMetricsFalseRecordsNoRun() throws Exception {
        vg.config(GUARD_OFF + "sandbox:\n  enable_metrics: false\n");
        VgRunner.Result r = vg.run("exec", "-q", "--", "true");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(Files.exists(vg.stateDir.resolve("metrics.json")), r.toString());
        vg.config(GUARD_OFF);
        vg.run("exec", "-q", "--", "true");
        assertTrue(Files.exists(vg.stateDir.resolve("metrics.json")), "recorded by default");
    }

    @Test
    void workspaceDirIsTheOnlyDirectoryWritten() throws Exception {
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        vg.config(GUARD_OFF + "sandbox:\n  workspace_dir: " + elsewhere + "\n");
        VgRunner.Result r = vg.run("exec", "-q", "--", "sh", "-c",
                "pwd; touch " + elsewhere + "/written; touch " + vg.workspace + "/written");
        assertEquals(elsewhere + "\n", r.stdout(), r.toString());
        assertTrue(Files.exists(elsewhere.resolve("written")), r.toString());
        assertFalse(Files.exists(vg.workspace.resolve("written")), "the current directory is not the workspace: " + r);
    }
}
