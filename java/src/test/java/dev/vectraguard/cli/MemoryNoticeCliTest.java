package dev.vectraguard.cli;

import dev.vectraguard.sandbox.bubblewrap.BubblewrapRuntime;
import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A command that runs out of memory in the sandbox is told so, with the key that raises the limit:
 * as the user running this test (root: a memory cgroup) and as an unprivileged user (rlimits, which
 * refuse memory instead of killing).
 */
class MemoryNoticeCliTest {
    private static final int NOBODY = 65534;
    private static final String GREEDY = "my @a; push @a, 'x' x 1048576 while 1;";

    @TempDir
    Path root;

    @Test
    void theNoticeNamesTheLimitAndTheKey() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  memory_limit: 256m\n");
        VgRunner.Result r = vg.run("exec", "--security-level", "strict", "--", "perl", "-e", GREEDY);
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("vg: the command ran out of memory at the sandbox memory limit of 256 MiB")
                && r.stderr().contains("raise it with sandbox.memory_limit in your user config or --config"), r.stderr());
        VgRunner.Result failing = vg.run("exec", "--security-level", "strict", "--", "sh", "-c", "exit 3");
        assertFalse(failing.stderr().contains("out of memory"), "a command that failed on its own: " + failing.stderr());
    }

    /** bubblewrap knows the cgroup's out-of-memory kill but not the largest process: the notice says no size it does not know. */
    @Test
    void bubblewrapTellsTheLimitWithoutASizeItDoesNotKnow() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "runs as root (cgroups; the command runs as uid " + NOBODY + ")");
        assumeTrue(BubblewrapRuntime.executable().isPresent(), "bwrap is not installed");
        VgRunner vg = new VgRunner(root).config("sandbox:\n  memory_limit: 256m\n").workspaceForBubblewrap();
        VgRunner.Result r = vg.run("exec", "--runtime", "bubblewrap", "--network", "none", "--", "perl", "-e", GREEDY);
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("vg: the command ran out of memory at the sandbox memory limit of 256 MiB (cgroup")
                && !r.stderr().contains("largest process"), r.stderr());
    }

    @Test
    void anUnprivilegedUserOnRlimitsIsToldToo() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "runs only as root (it switches to uid " + NOBODY + ")");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        VgRunner vg = new VgRunner(root).config("sandbox:\n  memory_limit: 256m\n");
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                Files.setAttribute(p, "unix:uid", NOBODY);
                Files.setAttribute(p, "unix:gid", NOBODY);
            }
        }
        try (PortableClasspath classpath = PortableClasspath.create()) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
            command.addAll(VgRunner.javaCommand(classpath.classpath(),
                    List.of("exec", "--security-level", "strict", "--", "perl", "-e", GREEDY)));
            VgRunner.Result r = vg.exec(command, null);
            assertNotEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("rlimits"), "expected rlimits for uid " + NOBODY + ": " + r.stderr());
            assertTrue(r.stderr().contains("vg: the command ran out of memory at the sandbox memory limit of 256 MiB")
                    && r.stderr().contains("sandbox.memory_limit"), r.stderr());
        }
    }
}
