package dev.vectraguard.cli;

import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to a real vg: one clear line on stderr, a documented exit code, nothing run by accident. */
class BadInputTest {
    @TempDir
    Path root;
    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    private static void assertOneLine(String expected, VgRunner.Result result) {
        assertEquals(List.of(expected), result.stderr().lines().toList(), result.toString());
    }

    @Test
    void deeplyNestedYamlIsOneLineWithFileAndLine() throws Exception {
        vg.config("a: " + "[".repeat(2000) + "]".repeat(2000) + "\n");
        VgRunner.Result result = vg.run("exec", "--", "true");
        assertEquals(125, result.exitCode(), result.toString());
        assertOneLine("vg: " + vg.userConfig + ":1:67: nested too deeply (more than 64 levels)", result);

        StringBuilder block = new StringBuilder();
        for (int depth = 0; depth < 2000; depth++) {
            block.append(" ".repeat(depth)).append("k:\n");
        }
        vg.config(block.toString());
        VgRunner.Result blockResult = vg.run("config", "validate");
        assertEquals(125, blockResult.exitCode(), blockResult.toString());
        assertEquals(1, blockResult.stderr().lines().count(), blockResult.toString());
        assertTrue(blockResult.stderr().contains("nested too deeply"), blockResult.toString());
    }

    @Test
    void absurdTimeoutsAreRefusedBeforeAnythingRuns() throws Exception {
        VgRunner.Result flag = vg.run("exec", "--timeout", "9223372036854775807", "--", "touch", "ran");
        assertEquals(125, flag.exitCode(), flag.toString());
        assertOneLine("vg: --timeout must be 1 to 31536000 seconds (365 days); got 9223372036854775807", flag);
        assertFalse(Files.exists(vg.workspace.resolve("ran")), "the command ran");
        VgRunner.Result longest = vg.run("exec", "-q", "--timeout", "31536000", "--", "echo", "ok");
        assertEquals(0, longest.exitCode(), longest.toString());

        vg.config("sandbox:\n  timeout: 9999999999999d\n");
        VgRunner.Result config = vg.run("exec", "--", "touch", "ran");
        assertEquals(125, config.exitCode(), config.toString());
        assertEquals(1, config.stderr().lines().count(), config.toString());
        assertTrue(config.stderr().contains(vg.userConfig + ":2:12: 'sandbox.timeout' must be"), config.toString());
        assertFalse(Files.exists(vg.workspace.resolve("ran")), "the command ran");
    }

    @Test
    void anEmptyCommandNameIsNotFound() throws Exception {
        VgRunner.Result result = vg.run("exec", "--", "");
        assertEquals(127, result.exitCode(), result.toString());
        assertOneLine("vg: the command name is empty: nothing to run", result);
    }

    @Test
    void negativeRecentIsRefused() throws Exception {
        assertEquals(0, vg.run("exec", "-q", "--", "true").exitCode());
        VgRunner.Result result = vg.run("metrics", "show", "--recent", "-1");
        assertEquals(125, result.exitCode(), result.toString());
        assertOneLine("vg: --recent must be 0 or more (got -1)", result);
        assertEquals(0, vg.run("metrics", "show", "--recent", "0").exitCode());
    }

    @Test
    void explainTakesTheWordsAfterTheCommandAsExecDoes() throws Exception {
        VgRunner.Result unquoted = vg.run("explain", "rm", "-rf", "/tmp/x");
        assertEquals(0, unquoted.exitCode(), unquoted.toString());
        assertEquals(vg.run("explain", "rm -rf /tmp/x").stdout(), unquoted.stdout());
        assertTrue(unquoted.stdout().startsWith("command:  rm -rf /tmp/x\n"), unquoted.toString());
    }

    @Test
    void aReadOnlyStateDirSaysWhy() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare(1)");
        Files.createDirectories(vg.stateDir);
        Path lock = vg.stateDir.resolve("trust.json.lock");
        // vg in a mount namespace of its own where the state dir is a read-only bind of itself
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$@\"", vg.stateDir.toString()));
        command.addAll(VgRunner.javaCommand(System.getProperty("java.class.path"), List.of("trust", "add", "ls -la")));
        VgRunner.Result readOnly = vg.exec(command, null);
        Assumptions.assumeFalse(readOnly.stderr().contains("mount:") || readOnly.stderr().contains("unshare:"),
                "cannot make a read-only mount here: " + readOnly);
        assertEquals(125, readOnly.exitCode(), readOnly.toString());
        assertOneLine("vg: cannot update " + vg.stateDir.resolve("trust.json") + ": " + lock + ": read-only file system", readOnly);
    }

    @Test
    void aStateDirTheUserCannotWriteSaysWhy() throws Exception {
        Assumptions.assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "switches to uid 65534, needs root");
        Files.createDirectories(vg.stateDir); // root's, mode 755
        try (PortableClasspath classpath = PortableClasspath.create()) {
            for (Path dir : List.of(vg.home, vg.workspace, root)) {
                Files.setAttribute(dir, "unix:uid", 65534);
            }
            for (String[] args : List.of(new String[] {"trust", "add", "ls -la"}, new String[] {"trust", "list", "--state-dir", vg.stateDir + "/sub"})) {
                List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
                command.addAll(VgRunner.javaCommand(classpath.classpath(), List.of(args)));
                VgRunner.Result result = vg.exec(command, null);
                assertEquals(125, result.exitCode(), result.toString());
                assertOneLine(args[1].equals("add")
                        ? "vg: cannot update " + vg.stateDir.resolve("trust.json") + ": " + vg.stateDir.resolve("trust.json.lock") + ": permission denied"
                        : "vg: cannot create the state directory " + vg.stateDir.resolve("sub") + ": permission denied", result);
            }
        }
    }
}
