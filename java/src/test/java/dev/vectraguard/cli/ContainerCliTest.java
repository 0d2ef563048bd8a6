package dev.vectraguard.cli;

import dev.vectraguard.guard.ShellWords;
import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vg exec --runtime docker} as a user runs it, against the tests' own dockerd and the test image. */
class ContainerCliTest {
    @TempDir
    Path root;
    private VgRunner vg;
    private TestEngines.Engine docker;

    @BeforeEach
    void setUp() throws Exception {
        docker = TestEngines.assumed("docker");
        vg = new VgRunner(root);
        docker.environment().forEach(vg::env);
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + docker.image() + "\n");
    }

    @Test
    void theCommandRunsInAContainerWithItsExitCodeAndTheNoticeNamesDocker() throws Exception {
        VgRunner.Result r = vg.run("exec", "--runtime", "docker", "--network", "none", "--", "sh", "-c",
                "echo made > out; test -e /usr/bin/perl && test ! -e /usr/bin/python3 && echo image; exit 7");
        assertEquals(7, r.exitCode(), r.toString());
        assertEquals("image\n", r.stdout(), "the command ran in the test image: " + r);
        assertEquals("made\n", Files.readString(vg.workspace.resolve("out")));
        assertTrue(r.stderr().contains("runtime docker"), r.toString());
    }

    /** An image's ENTRYPOINT does not run in place of the command: the command's own exit code, 127 when the image lacks it. */
    @Test
    void theImagesEntrypointDoesNotWrapTheCommand() throws Exception {
        String image = "vg-test:entrypoint";
        String container = "vg-test-entrypoint-" + ProcessHandle.current().pid();
        engine("create", "--name", container, docker.image(), "true");
        try {
            engine("commit", "--change", "ENTRYPOINT [\"/bin/echo\", \"entrypoint\"]", container, image);
        } finally {
            engine("rm", container);
        }
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + image + "\n");
        VgRunner.Result own = vg.run("exec", "-q", "--runtime", "docker", "--network", "none", "--", "sh", "-c", "echo ran; exit 7");
        assertEquals(7, own.exitCode(), own.toString());
        assertEquals("ran\n", own.stdout(), own.toString());
        VgRunner.Result missing = vg.run("exec", "-q", "--runtime", "docker", "--network", "none", "--", "no-such-command");
        assertEquals(127, missing.exitCode(), missing.toString());
    }

    /**
     * balanced asks for restricted networking, which docker cannot give: refused with 125 naming it,
     * unless the trusted config allows the weaker run, which then runs and says what is weaker.
     */
    @Test
    void aLevelDockerCannotGiveRunsOnlyWhenTrustedConfigAllowsItWeaker() throws Exception {
        VgRunner.Result refused = vg.run("exec", "--runtime", "docker", "--security-level", "balanced", "--", "touch", "refused");
        assertEquals(125, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("runtime docker cannot give restricted networking"), refused.toString());
        assertFalse(Files.exists(vg.workspace.resolve("refused")), "nothing ran");

        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + docker.image() + "\n  allow_weaker_fallback: true\n");
        VgRunner.Result weaker = vg.run("exec", "--runtime", "docker", "--security-level", "balanced", "--", "touch", "weaker");
        assertEquals(0, weaker.exitCode(), weaker.toString());
        assertTrue(Files.exists(vg.workspace.resolve("weaker")), weaker.toString());
        assertTrue(weaker.stderr().contains("network full instead of restricted (docker has no egress policy"), weaker.toString());
    }

    /** The same setting from the project's vectra-guard.yaml (untrusted) is ignored, and the notice says so. */
    @Test
    void aProjectConfigCannotAllowAWeakerRun() throws Exception {
        vg.projectConfig("sandbox:\n  allow_weaker_fallback: true\n");
        VgRunner.Result r = vg.run("exec", "--runtime", "docker", "--security-level", "balanced", "--", "touch", "weaker");
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("sandbox.allow_weaker_fallback"), "the notice names the ignored key: " + r);
        assertTrue(r.stderr().contains("runtime docker cannot give restricted networking"), r.toString());
        assertFalse(Files.exists(vg.workspace.resolve("weaker")), "nothing ran");
    }

    @Test
    void aTerminalGetsOneInsideAndPipedInputIsPassed() throws Exception {
        VgRunner.Result tty = vg.onTerminal("", "exec", "--runtime", "docker", "--network", "none", "--", "sh", "-c",
                "test -t 0 && test -t 1 && echo on-a-terminal");
        assertTrue(tty.stdout().contains("on-a-terminal"), tty.toString());
        VgRunner.Result piped = vg.runWithInput("from-vg\n", "exec", "--runtime", "docker", "--network", "none", "--", "sh", "-c",
                "test -t 0 || read line; echo got-$line");
        assertEquals(0, piped.exitCode(), piped.toString());
        assertEquals("got-from-vg\n", piped.stdout(), piped.toString());
    }

    @Test
    void theTimeoutIs124AndRemovesTheContainer() throws Exception {
        String marker = "61." + System.nanoTime() % 1000;
        VgRunner.Result r = vg.run("exec", "--runtime", "docker", "--network", "none", "--timeout", "2", "--", "sleep", marker);
        assertEquals(124, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("timed out after 2s"), r.toString());
        awaitNoContainerAndNoProcess(marker);
    }

    /** vg killed by SIGKILL (no shutdown hook runs): its watcher removes the container within seconds. */
    @Test
    void aKilledVgLeavesNoContainerRunning() throws Exception {
        String marker = "71." + System.nanoTime() % 1000;
        String probe = "vg-leak-probe-" + System.nanoTime();
        vg.env("VG_LEAK_PROBE", probe);
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + docker.image() + "\n  env_whitelist: [PATH, VG_LEAK_PROBE]\n");
        Process process = startSleepingContainer(marker);
        assertFalse(processesWithArgument(marker).isEmpty(), "the command runs");
        process.destroyForcibly(); // SIGKILL
        process.waitFor();
        awaitNoContainerAndNoProcess(marker);
        // the killed vg's environment file stays until the next vg's container run removes it
        VgRunner.Result next = vg.run("exec", "--runtime", "docker", "--network", "none", "--", "true");
        assertEquals(0, next.exitCode(), next.toString());
        assertEquals(List.of(), filesHolding(Path.of(System.getProperty("java.io.tmpdir")), probe),
                "the killed vg's private files are left in the temporary directory");
    }

    /** vg's files (vg-*, and the files of vg-* directories) in {@code tmp} that contain {@code text}. */
    private static List<Path> filesHolding(Path tmp, String text) throws Exception {
        List<Path> found = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(tmp, "vg-*")) {
            for (Path entry : entries) {
                List<Path> files = new ArrayList<>(List.of(entry));
                if (Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try (var inside = Files.list(entry)) {
                        files = inside.toList();
                    } catch (java.io.IOException unreadable) {
                        continue;
                    }
                }
                for (Path file : files) {
                    if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(file) < (1 << 20)
                            && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text)) {
                        found.add(file);
                    }
                }
            }
        }
        return found;
    }

    /**
     * On a terminal, docker's detach keys (ctrl-p ctrl-q) end its client but not the container: vg
     * removes the container and says so (exit 125), never reports the still running command as done.
     */
    @Test
    void detachingTheTerminalLeavesNoContainerRunning() throws Exception {
        String marker = "81." + System.nanoTime() % 1000;
        String command = VgRunner.javaCommand(System.getProperty("java.class.path"), List.of("exec", "--runtime", "docker",
                "--network", "none", "--", "sleep", marker)).stream().map(ShellWords::quote).collect(Collectors.joining(" "));
        String typing = "(i=0; until docker ps -q --filter label=dev.vectraguard.owner --filter status=running | grep -q . "
                + "|| [ $i -gt 300 ]; do sleep 0.2; i=$((i+1)); done; sleep 1; printf '\\020\\021'; sleep 4)";
        VgRunner.Result r = vg.exec(List.of("sh", "-c", typing + " | script -qec " + ShellWords.quote(command) + " /dev/null"),
                null);
        assertEquals(125, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("vg removed the container"), r.toString());
        awaitNoContainerAndNoProcess(marker);
    }

    /** The engine's client killed by someone else: the container it leaves is removed, and vg says so (exit 125). */
    @Test
    void aKilledEngineClientLeavesNoContainerRunning() throws Exception {
        String marker = "91." + System.nanoTime() % 1000;
        Process process = startSleepingContainer(marker);
        List<ProcessHandle> clients = processesWithArgument(marker).stream().map(ProcessHandle::of).flatMap(Optional::stream)
                .filter(p -> p.info().command().orElse("").endsWith("/docker")).toList();
        assertEquals(1, clients.size(), "docker's client: " + clients);
        clients.getFirst().destroyForcibly(); // SIGKILL
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "vg did not end");
        String err = Files.readString(root.resolve("err"));
        assertEquals(125, process.exitValue(), err);
        assertTrue(err.contains("vg removed the container"), err);
        awaitNoContainerAndNoProcess(marker);
    }

    /** vg running {@code sleep marker} in a container, once the container is up (its output in root/out and root/err). */
    private Process startSleepingContainer(String marker) throws Exception {
        Process process = vg.start(root.resolve("out"), root.resolve("err"), "exec", "--runtime", "docker", "--network", "none",
                "--", "sleep", marker);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!containers().contains(" Up ")) { // the client's own arguments name the marker before the container runs
            assertTrue(process.isAlive(), "vg ended early: " + Files.readString(root.resolve("err")));
            assertTrue(System.nanoTime() < deadline, "the container did not start");
            Thread.sleep(100);
        }
        return process;
    }

    private void awaitNoContainerAndNoProcess(String marker) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String left = containers();
        while ((!left.isBlank() || !processesWithArgument(marker).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            left = containers();
        }
        assertTrue(left.isBlank(), "containers left: " + left);
        assertTrue(processesWithArgument(marker).isEmpty(), "the command still runs");
    }

    /** Runs the docker client with the tests' dockerd; fails the test when it fails. */
    private String engine(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(docker.environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
        return output;
    }

    /** The containers vg labelled, running or not. */
    private String containers() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("docker", "ps", "-a", "--filter", "label=dev.vectraguard.owner",
                "--format", "{{.Names}} {{.Status}}").redirectErrorStream(true);
        builder.environment().putAll(docker.environment());
        Process ps = builder.start();
        String output = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ps.waitFor(), output);
        return output.strip();
    }

    private static List<Long> processesWithArgument(String argument) {
        List<Long> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().arguments().ifPresent(args -> {
            for (String arg : args) {
                if (arg.equals(argument)) {
                    found.add(p.pid());
                }
            }
        }));
        return found;
    }
}
