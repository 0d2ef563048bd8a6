package dev.vectraguard.cli;

import dev.vectraguard.guard.ShellWords;
import dev.vectraguard.sandbox.TestUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native client (target/native/vg-client) and the per-user vg server, as real processes: the
 * status, signals and stdio of the command are the client's, decisions are the CLI's, only this
 * user is served, and vg still works when no server can run.
 */
class ServerClientTest {
    private static final Path CLIENT = ServedVg.CLIENT;

    @TempDir
    Path root;
    private VgRunner vg;
    private ServedVg served;
    private Path socketDir;

    @BeforeEach
    void setUp() throws IOException {
        vg = new VgRunner(root);
        served = new ServedVg(root, vg);
        socketDir = served.socketDir;
    }

    @AfterEach
    void stopServers() {
        served.stopServers();
    }

    private VgRunner.Result client(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(CLIENT.toString()));
        command.addAll(List.of(args));
        return vg.exec(command, null);
    }

    private VgRunner.Result inProcess(String... args) throws Exception {
        vg.env("VG_NO_SERVER", "1");
        try {
            return client(args);
        } finally {
            vg.env("VG_NO_SERVER", "");
        }
    }

    /**
     * Sends the request {@code arguments} to the server as {@code user} (uid, gid), past the 0700
     * directory through a hard link to the socket in a directory open to all, so that only the
     * server's uid check is left; returns what the sending program printed ("answer N" with the
     * bytes it got back, or Python's error).
     */
    private String requestAs(int[] user, String... arguments) throws Exception {
        Path shared = Files.createTempDirectory("vg-shared");
        Path link = shared.resolve("sock");
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.createLink(link, socketDir.resolve("server.sock"));
            Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rwxrwxrwx"));
            String probe = "import socket,array,sys\n"
                    + "s=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\n"
                    + "s.sendmsg([b'V'],[(socket.SOL_SOCKET,socket.SCM_RIGHTS,array.array('i',[0,1,2]))])\n"
                    + "body=b'vg-server-1\\0/\\0\\0' + b'" + arguments.length + "\\0" + String.join("\\0", arguments) + "\\0'\n"
                    + "s.sendall(len(body).to_bytes(4,'big')+body)\n"
                    + "print('answer', len(s.recv(100)))\n";
            Process other = new ProcessBuilder("setpriv", "--reuid=" + user[0], "--regid=" + user[1], "--clear-groups",
                    "/usr/bin/python3", "-c", probe, link.toString()).redirectErrorStream(true).start();
            String said = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
            return said;
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(shared);
        }
    }

    /** Host pids whose command line contains {@code marker}. */
    private static List<Long> processesWith(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)
                && !p.info().commandLine().orElseThrow().contains("vg-client")).map(ProcessHandle::pid).toList();
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    @Test
    void statusAndOutputComeThroughTheServer() throws Exception {
        VgRunner.Result hello = client("exec", "-q", "--", "sh", "-c", "echo out; echo err >&2; exit 7");
        assertEquals(7, hello.exitCode(), hello.toString());
        assertEquals("out\n", hello.stdout(), hello.toString());
        assertEquals("err\n", hello.stderr(), hello.toString());
        assertEquals(1, served.serverPids().size(), "the first request started one server: " + served.serverPids());
        assertTrue(Files.exists(socketDir.resolve("server.sock")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDir)));

        VgRunner.Result killed = client("exec", "-q", "--", "sh", "-c", "kill -9 $$");
        assertEquals(128 + 9, killed.exitCode(), killed.toString());
        assertEquals(1, served.serverPids().size(), "the second request used the same server");
    }

    @Test
    void aClientInANetworkNamespaceOfItsOwnGetsItsSandboxFromThere() throws Exception {
        Assumptions.assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "unshare --net needs root");
        assertEquals(0, client("exec", "-q", "--", "true").exitCode()); // a server runs in the test's namespace
        assertFalse(served.serverPids().isEmpty());
        // permissive shares the caller's network namespace: it must be the client's, not the server's
        VgRunner.Result run = vg.exec(List.of("unshare", "--net", "sh", "-c", "readlink /proc/self/ns/net; "
                + ShellWords.quote(CLIENT.toString()) + " exec -q --security-level permissive -- readlink /proc/self/ns/net"), null);
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.stdout().lines().toList();
        assertEquals(2, lines.size(), run.toString());
        assertEquals(lines.get(0), lines.get(1), "the sandbox ran in the server's network namespace: " + run);
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), lines.get(1), run.toString());
    }

    @Test
    void theCommandGetsTheClientsOwnDescriptors() throws Exception {
        Path out = root.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder(CLIENT.toString(), "exec", "-q", "--", "sh", "-c",
                "cat; readlink /proc/self/fd/1; echo to-stderr >&2")
                .directory(vg.workspace.toFile()).redirectOutput(out.toFile());
        builder.environment().clear();
        builder.environment().putAll(env());
        Process process = builder.start();
        try (var stdin = process.getOutputStream()) {
            stdin.write("from-stdin\n".getBytes(StandardCharsets.UTF_8));
        }
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), stderr);
        assertEquals("to-stderr\n", stderr, "stderr is the client's pipe");
        assertEquals("from-stdin\n" + out + "\n", Files.readString(out),
                "stdin is the client's pipe and stdout the client's own file (not a copy through the server)");
    }

    private java.util.Map<String, String> env() throws Exception {
        VgRunner.Result printed = vg.exec(List.of("env", "-0"), null);
        java.util.Map<String, String> env = new java.util.HashMap<>();
        for (String variable : printed.stdout().split("\0")) {
            int equals = variable.indexOf('=');
            if (equals > 0) {
                env.put(variable.substring(0, equals), variable.substring(equals + 1));
            }
        }
        return env;
    }

    @Test
    void decisionsAreTheInProcessCLIsOwn() throws Exception {
        vg.config("guard_level:\n  level: low\npolicies:\n  denylist: [\"echo forbidden*\"]\n");
        List<List<String>> commands = List.of(
                List.of("exec", "--", "true"),
                List.of("exec", "--", "sh", "-c", "exit 3"),
                List.of("exec", "--", "echo", "forbidden", "thing"),
                List.of("exec", "--", "sh", "-c", "curl -s http://127.0.0.1:9/x | sh"),
                List.of("exec", "--", "rm", "-rf", "/"),
                List.of("exec", "--", "no-such-command-anywhere"),
                List.of("exec", "--security-level", "bogus", "--", "true"),
                List.of("exec", "--workspace", "sub", "--", "pwd"),
                List.of("explain", "rm -rf /tmp/x; curl x | sh"),
                List.of("--version"),
                List.of("version"),
                List.of("exec", "--help"));
        Files.createDirectories(vg.workspace.resolve("sub"));
        for (List<String> command : commands) {
            String[] args = command.toArray(String[]::new);
            VgRunner.Result server = client(args);
            VgRunner.Result cli = inProcess(args);
            assertEquals(cli.toString(), server.toString(), "vg " + command + " through the server");
        }
        vg.env("LANG", "");
        VgRunner.Result asciiServer = client("exec", "--", "rm", "-rf", "/");
        assertEquals(inProcess("exec", "--", "rm", "-rf", "/").toString(), asciiServer.toString(), "in the C locale");
        assertTrue(asciiServer.stderr().contains("vg: blocked - "), asciiServer.toString());
        assertEquals(1, served.serverPids().size());
    }

    @Test
    void configAndTrustAreReadForEveryRequest() throws Exception {
        assertEquals(0, client("exec", "-q", "--", "echo", "forbidden").exitCode());
        vg.projectConfig("policies:\n  denylist: [\"echo forbidden*\"]\n");
        VgRunner.Result denied = client("exec", "-q", "--", "echo", "forbidden");
        assertEquals(77, denied.exitCode(), "the project file written since the last request applies: " + denied);
        Files.delete(vg.workspace.resolve("vectra-guard.yaml"));
        assertEquals(0, client("exec", "-q", "--", "echo", "forbidden").exitCode());

        String pipeToShell = "curl -s http://127.0.0.1:9/x | sh";
        assertEquals(77, client("exec", "--", "sh", "-c", pipeToShell).exitCode());
        assertEquals(0, client("trust", "add", "sh -c '" + pipeToShell + "'", "--duration", "1h").exitCode());
        VgRunner.Result trusted = client("exec", "--", "sh", "-c", pipeToShell);
        assertNotEquals(77, trusted.exitCode(), "trust added since the last request applies: " + trusted);

        vg.config("sandbox:\n  mode: auto\nguard_level:\n  level: low\n");
        vg.env("VG_SERVER_MARKER", "first");
        assertEquals("first\n", client("exec", "--", "sh", "-c", "echo $VG_SERVER_MARKER").stdout());
        vg.env("VG_SERVER_MARKER", "second");
        VgRunner.Result host = client("exec", "--", "sh", "-c", "echo $VG_SERVER_MARKER; pwd");
        assertEquals("second\n" + vg.workspace + "\n", host.stdout(), "a host run has the client's environment and directory: " + host);
        assertEquals(1, served.serverPids().size());
    }

    @Test
    void approvalIsAskedOnTheClientsTerminal() throws Exception {
        String pipeToShell = "echo approved-and-ran; curl -s http://127.0.0.1:9/x | sh";
        for (String answer : List.of("n", "y")) {
            String command = ShellWords.quote(CLIENT.toString()) + " exec -- sh -c " + ShellWords.quote(pipeToShell);
            String typing = "(printf '%s\\n' " + answer + "; sleep 4)";
            VgRunner.Result result = vg.exec(List.of("sh", "-c", typing + " | script -qec " + ShellWords.quote(command + "; echo status=$?")
                    + " /dev/null"), null);
            assertTrue(result.stdout().contains("run it? [y] once"), "the prompt is on the client's terminal: " + result);
            if (answer.equals("n")) {
                assertTrue(result.stdout().contains("vg: cancelled") && result.stdout().contains("status=77"), result.toString());
                assertFalse(result.stdout().contains("approved-and-ran\r\n"), result.toString());
            } else {
                assertTrue(result.stdout().contains("approved-and-ran\r\n") && result.stdout().contains("status=0"), result.toString());
            }
        }
        assertEquals(1, served.serverPids().size(), "the server asked");
    }

    @Test
    void signalsReachTheSandboxAndTheStatusSaysSo() throws Exception {
        String marker = "3" + (System.nanoTime() % 100000) + ".5";
        Process client = startClient("exec", "-q", "--", "sleep", marker);
        assertTrue(waitUntil(() -> !processesWith("sleep " + marker).isEmpty(), 30_000), "the command started");
        new ProcessBuilder("kill", "-TERM", Long.toString(client.pid())).start().waitFor();
        assertTrue(client.waitFor(30, TimeUnit.SECONDS));
        assertEquals(128 + 15, client.exitValue(), "TERM to vg ends the command; vg exits 128+15");
        assertTrue(waitUntil(() -> processesWith("sleep " + marker).isEmpty(), 10_000), "the sandboxed command is gone");
    }

    @Test
    void killingTheClientKillsTheSandbox() throws Exception {
        String marker = "4" + (System.nanoTime() % 100000) + ".5";
        Process client = startClient("exec", "-q", "--", "sh", "-c", "trap '' TERM HUP INT; sleep " + marker + "; sleep " + marker);
        assertTrue(waitUntil(() -> !processesWith("sleep " + marker).isEmpty(), 30_000), "the command started");
        List<Long> sandboxed = processesWith("sleep " + marker);
        client.destroyForcibly();
        assertTrue(client.waitFor(10, TimeUnit.SECONDS));
        assertTrue(waitUntil(() -> sandboxed.stream().noneMatch(pid -> ProcessHandle.of(pid).isPresent())
                && processesWith("sleep " + marker).isEmpty(), 10_000), "the sandbox died with its client: " + sandboxed);
        assertEquals(1, served.serverPids().size(), "the server itself keeps running");
    }

    private Process startClient(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("setsid", CLIENT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(vg.workspace.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(root.resolve("client.out").toFile()).redirectError(root.resolve("client.err").toFile());
        builder.environment().clear();
        builder.environment().putAll(env());
        return builder.start();
    }

    @Test
    void concurrentClientsAreServedAtOnce() throws Exception {
        client("exec", "-q", "--", "true");
        List<Process> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            ProcessBuilder builder = new ProcessBuilder(CLIENT.toString(), "exec", "-q", "--", "sh", "-c", "sleep 2; echo " + i)
                    .directory(vg.workspace.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(env());
            clients.add(builder.start());
        }
        for (int i = 0; i < clients.size(); i++) {
            Process process = clients.get(i);
            assertEquals(i + "\n", new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue());
        }
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 8, "four 2 s commands ran side by side");
        assertEquals(1, served.serverPids().size());
    }

    @Test
    void anotherUserCannotUseTheServer() throws Exception {
        assertEquals(0, client("exec", "-q", "--", "true").exitCode());
        int[] vgtest = TestUsers.vgtest();
        String said = requestAs(vgtest, "exec", "-q", "true");
        assertTrue(said.contains("answer 0") || said.contains("ConnectionResetError") || said.contains("BrokenPipe"),
                "the server hangs up on another uid without answering: " + said);
        assertTrue(Files.readString(socketDir.resolve("server.log")).contains("refused a connection from uid " + vgtest[0]));

        // The client refuses a socket served by another uid (and runs in-process).
        Path fakeDir = Files.createTempDirectory("vg-fake");
        Files.setPosixFilePermissions(fakeDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path fake = fakeDir.resolve("sock");
        Process listener = new ProcessBuilder("setpriv", "--reuid=" + vgtest[0], "--regid=" + vgtest[1], "--clear-groups",
                "/usr/bin/python3", "-c", "import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen()\n"
                        + "print('ready',flush=True)\ntime.sleep(60)\n", fake.toString()).start();
        try {
            assertTrue(new String(listener.getInputStream().readNBytes(6), StandardCharsets.UTF_8).startsWith("ready"));
            served.serverPids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            assertTrue(waitUntil(() -> served.serverPids().isEmpty(), 10_000));
            Files.deleteIfExists(socketDir.resolve("server.sock"));
            Files.createLink(socketDir.resolve("server.sock"), fake);
            VgRunner.Result refused = client("exec", "-q", "--", "echo", "still-works");
            assertEquals(0, refused.exitCode(), refused.toString());
            assertEquals("still-works\n", refused.stdout());
            assertTrue(refused.stderr().contains("is served by uid " + vgtest[0]), refused.toString());
        } finally {
            listener.destroyForcibly();
            Files.deleteIfExists(fake);
            Files.deleteIfExists(fakeDir);
        }
    }

    @Test
    void serverStopEndsTheServerAndRemovesItsSocket() throws Exception {
        VgRunner.Result none = client("server", "status");
        assertEquals(3, none.exitCode(), none.toString());
        assertTrue(none.stdout().startsWith("vg server: none runs for uid "), none.toString());
        assertTrue(served.serverPids().isEmpty(), "vg server status starts no server");

        assertEquals(0, client("exec", "-q", "--", "true").exitCode());
        long pid = served.serverPids().getFirst();
        VgRunner.Result status = client("server", "status");
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(status.stdout().startsWith("vg server: pid " + pid + ", socket " + socketDir.resolve("server.sock")), status.toString());

        VgRunner.Result stop = client("server", "stop");
        assertEquals(0, stop.exitCode(), stop.toString());
        assertEquals("vg server: pid " + pid + " stopped\n", stop.stdout(), stop.toString());
        assertTrue(exited(pid), "the server still runs after vg server stop");
        assertFalse(Files.exists(socketDir.resolve("server.sock")), "the socket is left");
        assertTrue(Files.isDirectory(socketDir), "the runtime directory stays");

        VgRunner.Result again = client("server", "stop");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("none runs") && again.stdout().contains("nothing to stop"), again.toString());
        assertTrue(served.serverPids().isEmpty(), "vg server stop starts no server");
        assertEquals(0, client("exec", "-q", "--", "true").exitCode(), "the next vg starts a new server");
        assertEquals(1, served.serverPids().size());
    }

    @Test
    void serverStopLetsTheCommandsItRunsFinish() throws Exception {
        assertEquals(0, client("exec", "-q", "--", "true").exitCode());
        long pid = served.serverPids().getFirst();
        Path marker = vg.workspace.resolve("started");
        ProcessBuilder running = new ProcessBuilder(CLIENT.toString(), "exec", "-q", "--", "sh", "-c",
                "touch started; sleep 3; echo finished").directory(vg.workspace.toFile());
        running.environment().clear();
        running.environment().putAll(env());
        Process command = running.start();
        assertTrue(waitUntil(() -> Files.exists(marker), 30_000), "the command did not start");

        ProcessBuilder stopping = new ProcessBuilder(CLIENT.toString(), "server", "stop").directory(vg.workspace.toFile());
        stopping.environment().clear();
        stopping.environment().putAll(env());
        Process stop = stopping.start();
        assertTrue(waitUntil(() -> !Files.exists(socketDir.resolve("server.sock")), 10_000), "the socket is removed at once");
        VgRunner.Result meanwhile = client("exec", "-q", "--", "echo", "new-server");
        assertEquals("new-server\n", meanwhile.stdout(), "a vg meanwhile starts a new server: " + meanwhile);

        assertEquals("finished\n", new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                "the running command was not let finish");
        assertTrue(command.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, command.exitValue());
        String said = new String(stop.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(stop.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, stop.exitValue(), said);
        assertEquals("vg server: pid " + pid + " stops once the 1 command(s) it is running have ended\nvg server: pid " + pid
                + " stopped\n", said);
        assertTrue(exited(pid), "the stopped server still runs");
        assertEquals(1, served.serverPids().size(), "the new server still serves");
        assertTrue(Files.exists(socketDir.resolve("server.sock")), "the new server's socket is not removed by the old one");
    }

    @Test
    void anotherUserCannotStopTheServer() throws Exception {
        assertEquals(0, client("exec", "-q", "--", "true").exitCode());
        long pid = served.serverPids().getFirst();
        int[] vgtest = TestUsers.vgtest();
        String said = requestAs(vgtest, "server", "stop");
        assertTrue(said.contains("answer 0") || said.contains("ConnectionResetError") || said.contains("BrokenPipe"), said);
        Thread.sleep(1500); // a stopping server would be gone by now
        assertFalse(exited(pid), "another user stopped the server");
        assertTrue(Files.exists(socketDir.resolve("server.sock")));
        VgRunner.Result status = client("server", "status");
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(status.stdout().startsWith("vg server: pid " + pid), status.toString());
    }

    @Test
    void trustMetricsAndInitRunInTheServerAsInProcess() throws Exception {
        assertEquals(0, client("exec", "-q", "--", "true").exitCode(), "starts the server and records a run");
        String launcher = served.launcher(System.getProperty("java.class.path"), "").toString();
        // While the served runs: an in-process vg fails, so what succeeds was served.
        Path noInProcess = root.resolve("no-in-process");
        Files.writeString(noInProcess, "#!/bin/sh\necho 'vg ran in-process' >&2\nexit 99\n");
        Files.setPosixFilePermissions(noInProcess, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path project = vg.workspace.resolve("vectra-guard.yaml");
        List<Path> state = List.of(project, vg.stateDir.resolve("trust.json"), vg.stateDir.resolve("metrics.json"));
        List<List<String>> commands = List.of(
                List.of("trust", "add", "npm install", "--note", "deps"),
                List.of("trust", "list"),
                List.of("trust", "list", "--json"),
                List.of("trust", "remove", "not trusted"),
                List.of("metrics"),
                List.of("metrics", "--json"),
                List.of("init", "--preset", "developer"),
                List.of("init", "--preset", "developer"),
                List.of("init", "--preset", "no-such-preset"),
                List.of("trust", "remove", "npm install"),
                List.of("metrics", "reset"));
        for (List<String> command : commands) {
            java.util.Map<Path, byte[]> before = snapshot(state);
            vg.env("VG_LAUNCHER", noInProcess.toString());
            VgRunner.Result served = client(command.toArray(String[]::new));
            java.util.Map<Path, byte[]> afterServed = snapshot(state);
            restore(before);
            vg.env("VG_LAUNCHER", launcher);
            VgRunner.Result local = inProcess(command.toArray(String[]::new));
            assertFalse(served.stderr().contains("vg ran in-process"), command + " was not served: " + served);
            assertEquals(withoutTimes(local.toString()), withoutTimes(served.toString()), command + ": through the server and in-process");
            assertEquals(withoutTimes(text(snapshot(state))), withoutTimes(text(afterServed)), command + ": the files it changed");
        }
        VgRunner.Result forced = client("init", "--preset", "developer", "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(forced.stdout().startsWith("wrote " + project + " (preset developer)\n"), "init writes the client's ./vectra-guard.yaml: "
                + forced);
    }

    private static java.util.Map<Path, byte[]> snapshot(List<Path> files) throws IOException {
        java.util.Map<Path, byte[]> contents = new java.util.LinkedHashMap<>();
        for (Path file : files) {
            contents.put(file, Files.exists(file) ? Files.readAllBytes(file) : null);
        }
        return contents;
    }

    private static void restore(java.util.Map<Path, byte[]> contents) throws IOException {
        for (var entry : contents.entrySet()) {
            if (entry.getValue() == null) {
                Files.deleteIfExists(entry.getKey());
            } else {
                Files.write(entry.getKey(), entry.getValue());
            }
        }
    }

    private static String text(java.util.Map<Path, byte[]> contents) {
        return contents.entrySet().stream().map(e -> e.getKey() + ": " + (e.getValue() == null ? "absent"
                : new String(e.getValue(), StandardCharsets.UTF_8))).collect(Collectors.joining("\n"));
    }

    /** Timestamps (creation, expiry) differ between two runs a second apart; nothing else may. */
    private static String withoutTimes(String text) {
        return text.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "TIME");
    }

    /** Whether {@code pid} has exited: gone, or a zombie its new parent has not reaped yet. */
    private static boolean exited(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void anUnsafeSocketDirectoryIsNotUsed() throws Exception {
        Files.createDirectories(socketDir);
        Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        VgRunner.Result result = client("exec", "-q", "--", "echo", "in-process");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("in-process\n", result.stdout());
        assertTrue(result.stderr().contains("must be a directory owned by uid") && result.stderr().contains("mode 0755"), result.toString());
        assertTrue(served.serverPids().isEmpty(), "no server in a directory others can reach");
    }

    @Test
    void idleServerExits() throws Exception {
        vg.env("VG_SERVER_IDLE_SECONDS", "2");
        assertEquals(0, client("exec", "-q", "--", "true").exitCode());
        assertEquals(1, served.serverPids().size());
        assertTrue(waitUntil(() -> served.serverPids().isEmpty(), 15_000), "the server exits after 2 s without a request");
        assertFalse(Files.exists(socketDir.resolve("server.sock")), "and removes its socket");
        assertEquals(0, client("exec", "-q", "--", "true").exitCode(), "the next request starts a new one");
        assertEquals(1, served.serverPids().size());
    }

    @Test
    void aNewBuildReplacesTheServer() throws Exception {
        Path jar = root.resolve("vg-test.jar");
        String jarTool = Path.of(System.getProperty("java.home"), "bin", "jar").toString();
        Process pack = new ProcessBuilder(jarTool, "--create", "--file", jar.toString(), "-C", "target/classes", ".")
                .inheritIO().start();
        assertTrue(pack.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, pack.exitValue());
        String dependencies = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar")).collect(Collectors.joining(File.pathSeparator));
        vg.env("VG_LAUNCHER", served.launcher(jar + File.pathSeparator + dependencies, "").toString());
        assertEquals(0, client("exec", "-q", "--", "true").exitCode());
        List<Long> first = served.serverPids();
        assertEquals(1, first.size());

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
        VgRunner.Result after = client("exec", "-q", "--", "echo", "new-build");
        assertEquals(0, after.exitCode(), after.toString());
        assertEquals("new-build\n", after.stdout());
        assertTrue(waitUntil(() -> ProcessHandle.of(first.getFirst()).isEmpty(), 10_000), "the stale server exited");
        List<Long> second = served.serverPids();
        assertEquals(1, second.size(), "a new server serves the new build");
        assertNotEquals(first, second);
    }

    @Test
    void withoutAServerVgRunsInProcess() throws Exception {
        VgRunner.Result noServer = inProcess("exec", "-q", "--", "echo", "no-server");
        assertEquals(0, noServer.exitCode(), noServer.toString());
        assertEquals("no-server\n", noServer.stdout());
        assertTrue(served.serverPids().isEmpty(), "VG_NO_SERVER=1 starts no server");

        vg.env("VG_LAUNCHER", served.launcher(System.getProperty("java.class.path"), "exit 1\n").toString());
        VgRunner.Result failed = client("exec", "-q", "--", "echo", "fallback");
        assertEquals(0, failed.exitCode(), failed.toString());
        assertEquals("fallback\n", failed.stdout());
        assertTrue(failed.stderr().contains("the vg server did not start"), failed.toString());
        assertEquals(Set.of(), Set.copyOf(served.serverPids()));
    }
}
