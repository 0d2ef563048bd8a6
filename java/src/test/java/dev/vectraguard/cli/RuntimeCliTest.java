package dev.vectraguard.cli;

import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Choosing the runtime: --runtime, VECTRAGUARD_RUNTIME, sandbox.runtime (trusted config only), and the keys that shape it. */
class RuntimeCliTest {

    @TempDir
    Path root;
    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        vg.config("guard_level:\n  level: off\n");
        vg.workspaceForBubblewrap();
    }

    private static boolean isRoot() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    private static void assumeBubblewrap() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bwrap is not installed");
    }

    @Test
    void runtimeFlagRunsBubblewrapAndTheNoticeAndMetricsNameIt() throws Exception {
        assumeBubblewrap();
        VgRunner.Result r = vg.run("exec", "--runtime", "bubblewrap", "--network", "none", "--", "sh", "-c",
                "echo made > out");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("made\n", Files.readString(vg.workspace.resolve("out")));
        assertTrue(r.stderr().contains("runtime bubblewrap"), r.toString());
        VgRunner.Result metrics = vg.run("metrics", "show", "--json");
        assertTrue(metrics.stdout().contains("\"bubblewrap\""), metrics.toString());
    }

    @Test
    void theEnvironmentVariableChoosesTooAndDockerRefusesRestrictedNetworking() throws Exception {
        assumeBubblewrap();
        VgRunner.Result r = vg.env("VECTRAGUARD_RUNTIME", "bubblewrap").run("exec", "--", "touch", "made");
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("runtime bubblewrap cannot give restricted networking"), r.toString());
        assertFalse(Files.exists(vg.workspace.resolve("made")));
        VgRunner.Result docker = vg.run("exec", "--runtime", "docker", "--", "touch", "made");
        assertEquals(125, docker.exitCode(), docker.toString());
        assertTrue(docker.stderr().startsWith("vg: runtime docker cannot give restricted networking (vg's egress policy needs the "
                + "native runtime): use --network none") && docker.stderr().lines().count() == 1, docker.toString());
        assertFalse(Files.exists(vg.workspace.resolve("made")));
    }

    @Test
    void anUnapprovedProjectFileCannotChooseTheRuntime() throws Exception {
        vg.projectConfig("sandbox:\n  runtime: bubblewrap\n  prefer_fast: false\n  read_only_paths: [/srv]\n");
        VgRunner.Result r = vg.run("exec", "--", "sh", "-c", "echo ok");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("ignored 3 loosening keys (sandbox.runtime, sandbox.prefer_fast, sandbox.read_only_paths)"),
                r.toString());
        assertFalse(r.stderr().contains("runtime bubblewrap"), r.toString());
    }

    @Test
    void showRuntimeInfoNamesTheRuntimeAndWhatAutoSkipped() throws Exception {
        vg.config("guard_level:\n  level: off\nsandbox:\n  show_runtime_info: true\n");
        VgRunner.Result r = vg.env("VECTRAGUARD_ENV", "ci").run("exec", "--", "true");
        assertEquals(0, r.exitCode(), r.toString());
        // ci: containers first; the engines the test machine has are not running or have no ubuntu:22.04 (never pulled)
        assertTrue(r.stderr().contains("; runtime native (docker ") && r.stderr().contains("; podman "), r.toString());
        VgRunner.Result dev = vg.env("VECTRAGUARD_ENV", "development").run("exec", "--", "true");
        assertTrue(dev.stderr().contains("; runtime native") && !dev.stderr().contains("runtime native ("),
                "development: native first, nothing skipped: " + dev);
    }

    /**
     * In CI the container runtimes come first; when auto skips them for the native one, the notice
     * says so without show_runtime_info (here the engines are not running, lack ubuntu:22.04, or
     * cannot give restricted networking).
     */
    @Test
    void autoNamesTheSkippedContainerRuntimesWhenCiRunsNative() throws Exception {
        VgRunner.Result r = vg.env("VECTRAGUARD_ENV", "ci").run("exec", "--", "true");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("; runtime native (docker ") && r.stderr().contains("; podman "), r.toString());
        VgRunner.Result dev = vg.env("VECTRAGUARD_ENV", "development").run("exec", "--", "true");
        assertFalse(dev.stderr().contains("runtime native"), "development: native first, nothing to tell: " + dev);
    }

    /** Where a container runtime can give the whole spec, auto runs it first in CI, and with prefer_fast off, and says why. */
    @Test
    void autoRunsAContainerFirstInCiAndWithPreferFastOffAndSaysWhy() throws Exception {
        TestEngines.Engine docker = TestEngines.assumed("docker");
        docker.environment().forEach(vg::env);
        String inImage = "test -e /usr/bin/perl && test ! -e /usr/bin/python3 && echo image";
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + docker.image() + "\n");
        VgRunner.Result ci = vg.env("VECTRAGUARD_ENV", "ci").run("exec", "--network", "none", "--", "sh", "-c", inImage);
        assertEquals("image\n", ci.stdout(), ci.toString());
        assertTrue(ci.stderr().contains("; runtime docker (ci prefers containers)"), ci.toString());
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + docker.image() + "\n  prefer_fast: false\n");
        VgRunner.Result dev = vg.env("VECTRAGUARD_ENV", "development").run("exec", "--network", "none", "--", "sh", "-c", inImage);
        assertEquals("image\n", dev.stdout(), dev.toString());
        assertTrue(dev.stderr().contains("; runtime docker (prefer_fast: false)"), dev.toString());
    }

    @Test
    void autoDetectEnvOffKeepsTheFastRuntimesFirstInCi() throws Exception {
        vg.config("guard_level:\n  level: off\nsandbox:\n  show_runtime_info: true\n  auto_detect_env: false\n");
        VgRunner.Result r = vg.env("VECTRAGUARD_ENV", "ci").run("exec", "--", "true");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("; runtime native") && !r.stderr().contains("runtime native ("),
                "ci without auto_detect_env: native first, no container runtime tried: " + r);
    }

    @Test
    void preferFastOffPutsTheContainerRuntimesFirstInDevelopmentToo() throws Exception {
        vg.config("guard_level:\n  level: off\nsandbox:\n  show_runtime_info: true\n  prefer_fast: false\n");
        VgRunner.Result r = vg.env("VECTRAGUARD_ENV", "development").run("exec", "--", "true");
        assertEquals(0, r.exitCode(), r.toString());
        // the engines the test machine has are not running or have no ubuntu:22.04 (never pulled)
        assertTrue(r.stderr().contains("; runtime native (docker ") && r.stderr().contains("; podman "), r.toString());
    }

    @Test
    void bindMountsInTheObjectFormGoWhereAndAsTheySay() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Files.writeString(data.resolve("file"), "shared\n");
        Path out = Files.createDirectories(root.resolve("out"));
        vg.config("guard_level:\n  level: off\nsandbox:\n  bind_mounts:\n"
                + "    - host_path: " + data + "\n      container_path: /mnt/vg-data\n      read_only: true\n"
                + "    - {host_path: " + out + "}\n");
        VgRunner.Result r = vg.run("exec", "--", "sh", "-c", "cat /mnt/vg-data/file; echo x > /mnt/vg-data/new || echo refused; "
                + "echo written > " + out + "/file");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("shared\nrefused\n", r.stdout(), r.toString());
        assertFalse(Files.exists(data.resolve("new")), r.toString());
        assertEquals("written\n", Files.readString(out.resolve("file")), "read_only defaults to false: " + r);
    }

    /** The refusal vg exec would give, whole: an apostrophe in "vg's" is no quote to cut. */
    @Test
    void configValidateNamesWhatTheRuntimeCannotGiveInFull() throws Exception {
        Path config = Files.writeString(root.resolve("docker.yaml"), "sandbox:\n  runtime: docker\n");
        VgRunner.Result r = vg.run("config", "validate", config.toString());
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().startsWith("vg: " + config + ": runtime docker cannot give restricted networking (vg's egress policy "
                + "needs the native runtime)") && r.stderr().endsWith(": use --network none (or sandbox.network_mode: none), the "
                + "native runtime, or set sandbox.allow_weaker_fallback: true to run with the engine's full network instead\n"), r.toString());
    }

    @Test
    void readOnlyPathsAreVisibleButNotWritable() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Files.writeString(data.resolve("file"), "shared\n");
        vg.config("guard_level:\n  level: off\nsandbox:\n  read_only_paths: [/, /usr, " + data + "]\n");
        VgRunner.Result r = vg.run("exec", "--", "sh", "-c", "cat " + data + "/file; echo x > " + data + "/new; ls /");
        assertTrue(r.stdout().startsWith("shared\n"), r.toString());
        assertFalse(Files.exists(data.resolve("new")), r.toString());
        assertFalse(r.stdout().contains("\nhome\n"), "/ must not be bound: " + r);
    }

    @Test
    void useOverlayfsFalseKeepsTheSystemReadOnlyAtBalanced() throws Exception {
        Assumptions.assumeTrue(isRoot(), "a user cannot write /usr at balanced anyway");
        String marker = "/usr/vg-probe-" + System.nanoTime();
        VgRunner.Result before = vg.run("exec", "--", "sh", "-c", "touch " + marker + " && echo wrote");
        assertEquals("wrote\n", before.stdout(), "root writes the throwaway overlay by default: " + before);
        vg.config("guard_level:\n  level: off\nsandbox:\n  use_overlayfs: false\n");
        VgRunner.Result r = vg.run("exec", "--", "sh", "-c", "touch " + marker + " && echo wrote");
        assertFalse(r.stdout().contains("wrote"), r.toString());
        assertTrue(r.stderr().contains("Read-only file system"), r.toString());
        assertFalse(Files.exists(Path.of(marker)));
    }

    @Test
    void versionListsEveryRuntime() throws Exception {
        VgRunner.Result r = vg.run("version");
        assertEquals(0, r.exitCode(), r.toString());
        String runtimes = r.stdout().substring(r.stdout().indexOf("runtimes:\n"));
        assertTrue(runtimes.contains("\n  native:     vg native core; usable\n"), runtimes);
        assertTrue(runtimes.contains("\n  bubblewrap: " + (Files.isExecutable(Path.of("/usr/bin/bwrap")) ? "bubblewrap " : "not installed")),
                runtimes);
        for (String engine : java.util.List.of("docker", "podman")) {
            String line = runtimes.lines().filter(l -> l.startsWith("  " + engine + ":")).findFirst().orElse("");
            boolean installed = Files.isExecutable(Path.of("/usr/bin", engine)) || Files.isExecutable(Path.of("/usr/local/bin", engine));
            assertTrue(installed ? line.contains("; usable") || line.contains("; not usable: ")
                    : line.endsWith("not installed; not usable: " + engine + " is not installed (package " + (engine.equals("docker")
                            ? "docker.io on Debian/Ubuntu, moby-engine or docker-ce on Fedora/RHEL)" : "podman)")), runtimes);
        }
        VgRunner.Result json = vg.run("version", "--json");
        assertTrue(json.stdout().contains("{\"name\":\"bubblewrap\",\"found\":"), json.toString());
    }

    /**
     * docker and podman are probed with the sandbox.image of the trusted config (the user's, then
     * --config), never one a project config names.
     */
    @Test
    void versionProbesTheConfiguredImage() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")), "podman is not installed");
        vg.config("sandbox:\n  image: localhost/vg-test:from-the-user\n");
        vg.projectConfig("sandbox:\n  image: localhost/vg-test:from-the-project\n");
        String podman = podmanLine(vg.run("version"));
        Assumptions.assumeFalse(podman.contains("cannot run containers"), podman);
        assertTrue(podman.contains("not usable: image localhost/vg-test:from-the-user is not present"), podman);
        Path flagConfig = vg.home.resolve("other.yaml");
        Files.writeString(flagConfig, "sandbox:\n  image: localhost/vg-test:from-the-flag\n");
        String flag = podmanLine(vg.run("version", "--config", flagConfig.toString()));
        assertTrue(flag.contains("not usable: image localhost/vg-test:from-the-flag is not present"), flag);
    }

    private static String podmanLine(VgRunner.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        return r.stdout().lines().filter(l -> l.startsWith("  podman:")).findFirst().orElse(r.toString());
    }

    /**
     * Where the kernel refuses the native core its namespaces (here: inside a bwrap that forbids
     * further user namespaces), auto says why it skipped native, and what stops bubblewrap too.
     */
    @Test
    void autoNamesWhyNativeWasSkippedAndRunsNothingWhenNoRuntimeCan() throws Exception {
        assumeBubblewrap();
        // no pid namespace: a vg that cannot see the host's pids would take other vg processes' cgroups for stale ones
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("/usr/bin/bwrap", "--unshare-user",
                "--disable-userns", "--bind", "/", "/", "--dev", "/dev", "--"));
        command.addAll(VgRunner.javaCommand(System.getProperty("java.class.path"),
                java.util.List.of("exec", "--network", "none", "--", "touch", "made")));
        VgRunner.Result r = vg.exec(command, null);
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().startsWith("vg: no sandbox runtime can run here: native unavailable: cannot create namespaces ("),
                r.toString());
        assertTrue(r.stderr().contains("; bubblewrap unavailable: bwrap cannot make a sandbox here: "), r.toString());
        assertFalse(Files.exists(vg.workspace.resolve("made")));
    }
}
