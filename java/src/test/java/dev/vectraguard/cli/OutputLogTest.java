package dev.vectraguard.cli;

import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sandbox.log_output}, through real vg processes checked from outside: the caller still gets
 * the command's stdout and stderr, and STATE_DIR/output holds a 0600 log of both, bounded, named by
 * the notice and by {@code vg metrics show}; nothing is written with the key off; a project config
 * cannot turn it off; the vg server logs as the CLI does.
 */
class OutputLogTest {
    private static final String BOTH_STREAMS = "echo out; echo err >&2";
    private static final long LIMIT_BYTES = 8L << 20;

    @TempDir
    Path root;

    private List<Path> logs(VgRunner vg) throws Exception {
        Path dir = vg.stateDir.resolve("output");
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private Path onlyLog(VgRunner vg, VgRunner.Result run) throws Exception {
        List<Path> logs = logs(vg);
        assertEquals(1, logs.size(), "one log: " + logs + "; " + run);
        return logs.getFirst();
    }

    @Test
    void bothStreamsReachTheCallerAndThePrivateLogWhichTheMetricsName() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  log_output: true\n");
        VgRunner.Result run = vg.run("exec", "--", "sh", "-c", BOTH_STREAMS);
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("out\n", run.stdout(), run.toString());
        assertTrue(run.stderr().contains("err\n"), run.toString());
        Path log = onlyLog(vg, run);
        assertTrue(log.getFileName().toString().matches("\\d{8}T\\d{6}\\.\\d{3}Z-\\d+\\.log"), log.toString());
        assertTrue(run.stderr().contains("vg: output logged to " + log + "\n"), run.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent())));
        String text = Files.readString(log);
        assertTrue(text.contains("\nout| out\n"), text);
        assertTrue(text.contains("\nerr| err\n"), text);
        assertTrue(text.startsWith("vg| command: sh -c 'echo out; echo err >&2'\n"), text);
        assertTrue(text.endsWith("vg| exit: 0\n"), text);

        VgRunner.Result json = vg.run("metrics", "show", "--json");
        assertTrue(json.stdout().contains("\"output_log\": \"" + log + "\""), json.toString());
        VgRunner.Result shown = vg.run("metrics", "show");
        assertTrue(shown.stdout().contains("    output: " + log + "\n"), shown.toString());
    }

    @Test
    void outputBeyondTheBoundReachesTheCallerButTheLogIsCut() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  log_output: true\n");
        long size = LIMIT_BYTES + (1 << 20);
        VgRunner.Result run = vg.run("exec", "-q", "--", "sh", "-c", "head -c " + size + " /dev/zero | tr '\\0' a; exit 3");
        assertEquals(3, run.exitCode(), run.stderr());
        assertEquals(size, run.stdout().length(), "the caller got all of the output");
        Path log = onlyLog(vg, run);
        assertTrue(Files.size(log) <= LIMIT_BYTES + 1024, "log of " + Files.size(log) + " bytes");
        assertTrue(Files.size(log) >= LIMIT_BYTES, "log of " + Files.size(log) + " bytes");
        String text = Files.readString(log);
        assertTrue(text.contains("\nvg| [cut: the log keeps the first " + LIMIT_BYTES + " bytes"), text.substring(text.length() - 300));
        assertTrue(text.endsWith(" bytes of output not logged\nvg| exit: 3\n"), text.substring(text.length() - 300));
    }

    @Test
    void aTimedOutRunIsLoggedUpToItsEnd() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  log_output: true\n");
        VgRunner.Result run = vg.run("exec", "-q", "--timeout", "2", "--", "sh", "-c", "echo before; sleep 60");
        assertEquals(124, run.exitCode(), run.toString());
        assertEquals("before\n", run.stdout(), run.toString());
        String text = Files.readString(onlyLog(vg, run));
        assertTrue(text.contains("\nout| before\n") && text.endsWith("vg| exit: 124\n"), text);
    }

    @Test
    void aCommandThatDoesNotStartIsLoggedWithItsStatus() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  log_output: true\n");
        VgRunner.Result run = vg.run("exec", "-q", "--", "no-such-command-vg-test");
        assertEquals(127, run.exitCode(), run.toString());
        String text = Files.readString(onlyLog(vg, run));
        assertTrue(text.endsWith("vg| exit: 127\n"), text);
    }

    @Test
    void anExistingLogDirectoryIsMadePrivateAgain() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  log_output: true\n");
        Path dir = Files.createDirectories(vg.stateDir.resolve("output"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        VgRunner.Result run = vg.run("exec", "-q", "--", "true");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(onlyLog(vg, run))));
    }

    @Test
    void nothingIsWrittenWithTheKeyOff() throws Exception {
        VgRunner vg = new VgRunner(root);
        VgRunner.Result run = vg.run("exec", "--", "sh", "-c", BOTH_STREAMS);
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("out\n", run.stdout(), run.toString());
        assertFalse(run.stderr().contains("output logged"), run.toString());
        assertFalse(Files.exists(vg.stateDir.resolve("output")), run.toString());
    }

    @Test
    void withTheKeyOffVgExecLoadsNothingOfIt() throws Exception {
        VgRunner vg = new VgRunner(root);
        Path classLog = root.resolve("classes.log");
        List<String> command = new java.util.ArrayList<>(VgRunner.javaCommand(System.getProperty("java.class.path"),
                List.of("exec", "-q", "--", "true")));
        command.add(1, "-Xlog:class+load=info:file=" + classLog);
        VgRunner.Result run = vg.exec(command, null);
        assertEquals(0, run.exitCode(), run.toString());
        List<String> loaded = Files.readAllLines(classLog);
        assertTrue(loaded.stream().anyMatch(line -> line.contains("dev.vectraguard.guard.Guard ")), "no class log: " + loaded.size());
        assertEquals(List.of(), loaded.stream().filter(line -> line.contains("dev.vectraguard.guard.OutputLog")
                || line.contains("dev.vectraguard.guard.TeedOutput")).toList());
    }

    @Test
    void aProjectConfigCannotTurnItOffButMayTurnItOn() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  log_output: true\n").projectConfig("sandbox:\n  log_output: false\n");
        VgRunner.Result run = vg.run("exec", "--", "sh", "-c", BOTH_STREAMS);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("ignored 1 loosening key (sandbox.log_output)"), run.toString());
        assertTrue(Files.readString(onlyLog(vg, run)).contains("\nout| out\n"), run.toString());

        VgRunner project = new VgRunner(root.resolve("on")).projectConfig("sandbox:\n  log_output: true\n");
        VgRunner.Result on = project.run("exec", "--", "sh", "-c", BOTH_STREAMS);
        assertEquals(0, on.exitCode(), on.toString());
        assertFalse(on.stderr().contains("ignored"), on.toString());
        assertTrue(Files.readString(onlyLog(project, on)).contains("\nerr| err\n"), on.toString());
    }

    @Test
    void theServerLogsAsTheCliDoes() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  log_output: true\n");
        ServedVg served = new ServedVg(root, vg);
        try {
            VgRunner.Result run = vg.exec(List.of(ServedVg.CLIENT.toString(), "exec", "--", "sh", "-c", BOTH_STREAMS + "; exit 5"), null);
            assertEquals(5, run.exitCode(), run.toString());
            assertEquals("out\n", run.stdout(), run.toString());
            assertTrue(run.stderr().contains("err\n"), run.toString());
            assertFalse(served.serverPids().isEmpty(), "served by a vg server");
            Path log = onlyLog(vg, run);
            assertTrue(run.stderr().contains("vg: output logged to " + log + "\n"), run.toString());
            String text = Files.readString(log);
            assertTrue(text.contains("\nout| out\n") && text.contains("\nerr| err\n") && text.endsWith("vg| exit: 5\n"), text);
        } finally {
            served.stopServers();
        }
    }

    /** bubblewrap, docker and podman (as root, against the tests' own engines) log as the native runtime does. */
    @ParameterizedTest
    @ValueSource(strings = {"bubblewrap", "docker", "podman"})
    void theLauncherRuntimesLogToo(String runtime) throws Exception {
        Assumptions.assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).strip()), "runs only as root (the tests' own engines, the workspace given to nobody)");
        VgRunner vg = new VgRunner(root);
        String image = "";
        if (runtime.equals("bubblewrap")) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bwrap is not installed");
            vg.workspaceForBubblewrap();
        } else {
            TestEngines.Engine engine = TestEngines.assumed(runtime);
            engine.environment().forEach(vg::env);
            image = "  image: " + engine.image() + "\n";
        }
        vg.config("guard_level:\n  level: off\nsandbox:\n  log_output: true\n" + image);
        VgRunner.Result run = vg.run("exec", "--runtime", runtime, "--network", "none", "--", "sh", "-c", BOTH_STREAMS + "; exit 4");
        assertEquals(4, run.exitCode(), run.toString());
        assertEquals("out\n", run.stdout(), run.toString());
        assertTrue(run.stderr().contains("err\n") && run.stderr().contains("runtime " + runtime), run.toString());
        Path log = onlyLog(vg, run);
        assertTrue(run.stderr().contains("vg: output logged to " + log + "\n"), run.toString());
        String text = Files.readString(log);
        assertTrue(text.contains("\nout| out\n") && text.contains("\nerr| err\n") && text.endsWith("vg| exit: 4\n"), text);
    }
}
