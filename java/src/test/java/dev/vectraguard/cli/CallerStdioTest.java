package dev.vectraguard.cli;

import dev.vectraguard.sandbox.TestUsers;
import dev.vectraguard.testing.PortableClasspath;
import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtimes that Java starts a launcher for (bubblewrap, docker, podman), through the vg server,
 * when the client's stdin, stdout and stderr are sockets (as Node-based agents give their
 * commands) or pipes the server cannot open again: the input reaches the command, its output and
 * status reach the client, all of the output before the status.
 */
class CallerStdioTest {
    private static final Path CLIENT = ServedVg.CLIENT;
    private static final String COMMAND = "cat; echo out; echo err >&2; exit 3";
    private static final int LARGE = 6_000_000;
    private static final int SLOW = 1_000_000;

    /**
     * Runs a command with socketpair (or pipe) stdio: feeds it this script's stdin, passes its output
     * on, exits with its status. Once the command has exited, only what has already arrived is passed
     * on (FIONREAD): output sent after the status is lost, as for a caller that stops reading then.
     * Mode socket-open keeps the command's stdin open until it exits; socket-slow reads its stdout
     * slowly (16 KiB per 20 ms), so that output is still on its way when the command exits;
     * socket-stuck reads none of its stdout before it exits (which holds at most 32 KiB); file
     * gives it a file as stdout (not appended to), writes "after" to it through its own descriptor
     * when it has exited and passes the file on.
     */
    private static final String HARNESS = """
            import fcntl, os, select, socket, struct, subprocess, sys, termios, threading, time
            mode, command = sys.argv[1], sys.argv[2:]
            if mode.startswith('socket'):
                pairs = [socket.socketpair() for _ in range(3)]
                if mode == 'socket-stuck':
                    pairs[1][1].setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
                ours = [p[0].detach() for p in pairs]
                theirs = [p[1].detach() for p in pairs]
            elif mode == 'file':
                pairs = [socket.socketpair() for _ in range(3)]
                ours = [p[0].detach() for p in pairs]
                theirs = [p[1].detach() for p in pairs]
                os.close(ours[1])
                os.close(theirs[1])
                ours[1] = os.open('stdio-out.txt', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                theirs[1] = os.dup(ours[1])
            else:
                pipes = [os.pipe() for _ in range(3)]
                ours = [pipes[0][1], pipes[1][0], pipes[2][0]]
                theirs = [pipes[0][0], pipes[1][1], pipes[2][1]]
            child = subprocess.Popen(command, stdin=theirs[0], stdout=theirs[1], stderr=theirs[2])
            for fd in theirs:
                os.close(fd)
            exited = threading.Event()
            def feed():
                try:
                    data = memoryview(sys.stdin.buffer.read())
                    while data:
                        data = data[os.write(ours[0], data):]
                except OSError:
                    pass
                if mode == 'socket-open':
                    exited.wait()
                os.close(ours[0])
            def drain(fd, out):
                slow = mode == 'socket-slow' and fd == ours[1]
                if mode == 'socket-stuck' and fd == ours[1]:
                    exited.wait()
                while not exited.is_set():
                    if not select.select([fd], [], [], 0.05)[0]:
                        continue
                    if slow:
                        time.sleep(0.02)
                    chunk = os.read(fd, 16384 if slow else 65536)
                    if not chunk:
                        break
                    out.write(chunk)
                else:
                    left = struct.unpack('i', fcntl.ioctl(fd, termios.FIONREAD, b'0000'))[0]
                    while left > 0:
                        chunk = os.read(fd, left)
                        if not chunk:
                            break
                        out.write(chunk)
                        left -= len(chunk)
                out.flush()
            threads = [threading.Thread(target=drain, args=(ours[2], sys.stderr.buffer))]
            if mode != 'file':
                threads.append(threading.Thread(target=drain, args=(ours[1], sys.stdout.buffer)))
            threading.Thread(target=feed, daemon=True).start()
            for t in threads:
                t.start()
            status = child.wait()
            exited.set()
            for t in threads:
                t.join()
            if mode == 'file':
                os.write(ours[1], b'after\\n')
                with open('stdio-out.txt', 'rb') as written:
                    sys.stdout.buffer.write(written.read())
            sys.exit(status if status >= 0 else 128 - status)
            """;

    @TempDir
    Path root;
    private VgRunner vg;
    private ServedVg served;
    private Path harness;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        served = new ServedVg(root, vg);
        vg.config("guard_level:\n  level: off\n");
        harness = root.resolve("stdio-harness.py");
        Files.writeString(harness, HARNESS);
        vg.workspaceForBubblewrap();
    }

    @AfterEach
    void stopServers() {
        if (served != null) {
            served.stopServers();
        }
    }

    private static boolean isRoot() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    private static void assumeBubblewrap() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bwrap is not installed");
    }

    private VgRunner.Result run(String mode, String input, String runtime, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("python3", harness.toString(), mode, CLIENT.toString(), "exec", "-q",
                "--runtime", runtime, "--network", "none"));
        line.addAll(List.of(command));
        return vg.exec(line, input);
    }

    private void assertStreamsAndStatus(String runtime) throws Exception {
        VgRunner.Result r = run("socket", "line one\nline two\n", runtime, "--", "sh", "-c", COMMAND);
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("line one\nline two\nout\n", r.stdout(), r.toString());
        assertTrue(r.stderr().startsWith("err\n"), r.toString());

        VgRunner.Result large = run("socket", null, runtime, "--", "sh", "-c",
                "yes 0123456789abcdefghi | head -c " + LARGE + "; echo done >&2");
        assertEquals(0, large.exitCode(), large.stderr());
        assertEquals(LARGE, large.stdout().length(), large.stderr());
        assertEquals("0123456789abcdefghi\n".repeat(LARGE / 20), large.stdout());
        assertEquals("done\n", large.stderr());

        VgRunner.Result slow = run("socket-slow", null, runtime, "--", "sh", "-c", "yes 0123456789abcdefghi | head -c " + SLOW);
        assertEquals(0, slow.exitCode(), slow.stderr());
        assertEquals(SLOW, slow.stdout().length(), "all of the output arrives before the status: " + slow.stderr());
    }

    @Test
    void bubblewrapWithSocketStdio() throws Exception {
        assumeBubblewrap();
        assertStreamsAndStatus("bubblewrap");
        assertEquals(1, served.serverPids().size(), "served: " + served.serverPids());
    }

    @Test
    void dockerWithSocketStdio() throws Exception {
        TestEngines.Engine docker = TestEngines.assumed("docker");
        docker.environment().forEach(vg::env);
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + docker.image() + "\n");
        assertStreamsAndStatus("docker");
    }

    @Test
    void podmanWithSocketStdio() throws Exception {
        TestEngines.Engine podman = TestEngines.assumed("podman");
        podman.environment().forEach(vg::env);
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + podman.image() + "\n");
        assertStreamsAndStatus("podman");
    }

    /** A stdin that never ends holds neither the status nor the timeout; the output before the kill arrives. */
    @Test
    void aStdinThatNeverEndsHoldsNothing() throws Exception {
        assumeBubblewrap();
        long start = System.nanoTime();
        VgRunner.Result ended = run("socket-open", "ignored\n", "bubblewrap", "--", "sh", "-c", "echo started; exit 5");
        assertEquals(5, ended.exitCode(), ended.toString());
        assertEquals("started\n", ended.stdout(), ended.toString());

        VgRunner.Result timedOut = run("socket-open", "", "bubblewrap", "--timeout", "2", "--", "sh", "-c",
                "echo begun; echo begun-err >&2; exec sleep 60");
        assertEquals(124, timedOut.exitCode(), timedOut.toString());
        assertEquals("begun\n", timedOut.stdout(), timedOut.toString());
        assertTrue(timedOut.stderr().startsWith("begun-err\n"), timedOut.toString());
        assertTrue(System.nanoTime() - start < 40_000_000_000L, "took " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /**
     * A file the client writes at its offset, not appended to: the command's output is written there
     * too, so the client's next write follows it instead of landing over it.
     */
    @Test
    void aFileOutputKeepsTheClientsOffset() throws Exception {
        assumeBubblewrap();
        VgRunner.Result r = run("file", "input\n", "bubblewrap", "--", "sh", "-c", COMMAND);
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("input\nout\nafter\n", r.stdout(), r.toString());
        assertTrue(r.stderr().startsWith("err\n"), r.toString());
    }

    /**
     * A caller that takes no output holds the status, as it would hold a command writing to it, until
     * the timeout: 124, also when the command itself has ended and only its output is left.
     */
    @Test
    void aCallerThatTakesNoOutputGetsTheTimeout() throws Exception {
        assumeBubblewrap();
        long start = System.nanoTime();
        // more than the socket holds, less than the socket and vg's pipe (64 KiB) hold
        VgRunner.Result r = run("socket-stuck", null, "bubblewrap", "--timeout", "3", "--", "sh", "-c",
                "head -c 72000 /dev/zero; echo finished >&2");
        assertEquals(124, r.exitCode(), r.stderr());
        assertTrue(r.stderr().startsWith("finished\n"), "the command itself ended: " + r.stderr());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "took " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /**
     * A user's server cannot open again pipes that root made (a pipe's inode is its maker's, mode
     * 0600), as with {@code sudo -u user vg exec ... | less}: the client's pipes still reach the command.
     */
    @Test
    void pipesTheServerCannotOpenAgain() throws Exception {
        assumeBubblewrap();
        Assumptions.assumeTrue(isRoot(), "runs only as root (it runs the client as the user vgtest)");
        int[] ids = TestUsers.vgtest();
        try (PortableClasspath classpath = PortableClasspath.create()) {
            vg.env("VG_LAUNCHER", served.launcher(classpath.classpath(), "").toString());
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.toList()) {
                    Files.setAttribute(path, "unix:uid", ids[0]);
                    Files.setAttribute(path, "unix:gid", ids[1]);
                }
            }
            List<String> line = new ArrayList<>(List.of("python3", harness.toString(), "pipe", "setpriv",
                    "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups", CLIENT.toString(), "exec", "-q", "--runtime",
                    "bubblewrap", "--network", "none", "--", "sh", "-c", COMMAND));
            VgRunner.Result r = vg.exec(line, "through a pipe\n");
            assertEquals(3, r.exitCode(), r.toString());
            assertEquals("through a pipe\nout\n", r.stdout(), r.toString());
            assertTrue(r.stderr().startsWith("err\n"), r.toString());
        } finally {
            served.stopServers();
        }
    }
}
