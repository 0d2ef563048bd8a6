package dev.vectraguard.sandbox;

import dev.vectraguard.egress.Blocked;
import dev.vectraguard.egress.Cidr;
import dev.vectraguard.egress.EgressPolicy;
import dev.vectraguard.sandbox.namespace.NativeRuntime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Restricted networking, checked with real commands in real sandboxes against servers the test
 * runs itself. Run by {@code EgressTest} (as root and as an unprivileged user) inside a network
 * namespace of the test's own, whose veth pair leads to a second one holding the test servers
 * ({@code TestServers}): 198.51.100.1 and 198.51.100.7 (public, for this test only) and 10.77.0.1
 * (private). The namespace's hosts file names {@code pkg.vgtest.example} and
 * {@code other.vgtest.example} (198.51.100.1) and {@code rebind.vgtest.example} (10.77.0.1).
 * Arguments: the servers' log ({@code accepted ADDRESS} per connection), read to see from outside
 * that a refused connection never arrived, and the C core's test helper (probes a shell cannot make).
 */
public final class EgressChecks {
    static final String PUBLIC = "198.51.100.1";
    static final String UNNAMED_PUBLIC = "198.51.100.7";
    static final String PRIVATE = "10.77.0.1";
    static final String NAMED = "pkg.vgtest.example";
    static final String OTHER = "other.vgtest.example";
    static final String REBIND = "rebind.vgtest.example";
    private static final int PORT = 8080;
    private static final String CURL = "curl -sS -m 10 ";

    private static Path serverLog;
    private static Path helper;

    private EgressChecks() {}

    record Run(int status, String stdout, String stderr, List<Blocked> blocked) {
        @Override
        public String toString() {
            return "status " + status + ", stdout [" + stdout.strip() + "], stderr [" + stderr.strip() + "], blocked " + blocked;
        }
    }

    public static List<IsolationChecks.Check> all() {
        List<IsolationChecks.Check> checks = new ArrayList<>();
        checks.add(new IsolationChecks.Check("the test hosts answer without vg", EgressChecks::testHostsAnswer));
        checks.add(new IsolationChecks.Check("balanced reaches a public host by name and by address", EgressChecks::balancedPublic));
        checks.add(new IsolationChecks.Check("a blocking connect (bash /dev/tcp) reaches a public host", EgressChecks::blockingConnect));
        checks.add(new IsolationChecks.Check("private, metadata and special addresses are refused at balanced and strict",
                EgressChecks::privateRefused));
        checks.add(new IsolationChecks.Check("a name resolving to a private address is refused (DNS rebinding)",
                EgressChecks::rebindingRefused));
        checks.add(new IsolationChecks.Check("the loopback of vg's network is not reachable (v4, v6, v4-mapped)",
                EgressChecks::hostLoopbackUnreachable));
        checks.add(new IsolationChecks.Check("strict: allowed domain reached, others refused by name, address and Host",
                EgressChecks::strictAllowlist));
        checks.add(new IsolationChecks.Check("denied_domains and allow_private_networks", EgressChecks::deniedAndOpened));
        checks.add(new IsolationChecks.Check("nothing listens in vg's network because of a sandbox", EgressChecks::nothingListens));
        checks.add(new IsolationChecks.Check("no raw sockets, no other UDP than DNS to vg", EgressChecks::rawAndUdpContained));
        checks.add(new IsolationChecks.Check("no abstract or path unix socket of vg's side is reachable",
                EgressChecks::hostUnixSocketsUnreachable));
        checks.add(new IsolationChecks.Check("no connection by TCP Fast Open, no socket bound to an interface",
                EgressChecks::fastOpenAndDeviceRefused));
        checks.add(new IsolationChecks.Check("servers and clients on the sandbox's own loopback work (vg makes their calls)",
                EgressChecks::sandboxLoopbackWorks));
        checks.add(new IsolationChecks.Check("a TCP connect the kernel runs for the command itself is refused (Landlock)",
                EgressChecks::kernelRefusesTheCommandsOwnTcpConnect));
        checks.add(new IsolationChecks.Check("a signal interrupts a held connect (EINTR) or restarts it (SA_RESTART)",
                EgressChecks::signalDuringHeldConnect));
        checks.add(new IsolationChecks.Check("a connected socket shows only the sandbox's network interfaces",
                EgressChecks::interfacesOfTheSandboxOnly));
        checks.add(new IsolationChecks.Check("an allowed connection cannot be aimed elsewhere (disconnect, bind, listen, swap)",
                EgressChecks::allowedConnectionNotReaimed));
        checks.add(new IsolationChecks.Check("handed over only where every guard is in place, else relayed",
                EgressChecks::handedOverOnlyWhenGuarded));
        return checks;
    }

    static void testHostsAnswer() throws Exception {
        for (String address : List.of(PUBLIC, UNNAMED_PUBLIC, PRIVATE)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, PORT), 5000);
                socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                expect(answer.endsWith("hello from " + address + "\n"), address + " answered " + answer);
            }
        }
        expect(InetAddress.getByName(NAMED).getHostAddress().equals(PUBLIC), NAMED + " is not " + PUBLIC + " for vg");
    }

    static void balancedPublic() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        Run r = run(SecurityLevel.BALANCED, ws, null, CURL + "http://" + NAMED + ":" + PORT + "/; " + CURL + "http://" + PUBLIC + ":" + PORT + "/");
        expect(r.status == 0 && r.stdout.equals("hello from " + PUBLIC + "\nhello from " + PUBLIC + "\n") && r.blocked.isEmpty(),
                "public host not reached: " + r);
    }

    static void blockingConnect() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        Run r = run(SecurityLevel.BALANCED, ws, null, "bash -c 'exec 3<>/dev/tcp/" + PUBLIC + "/" + PORT
                + " && printf \"GET / HTTP/1.0\\r\\n\\r\\n\" >&3 && cat <&3'");
        expect(r.status == 0 && r.stdout.endsWith("hello from " + PUBLIC + "\n"), "blocking connect failed: " + r);
    }

    static void privateRefused() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        for (SecurityLevel level : List.of(SecurityLevel.BALANCED, SecurityLevel.STRICT)) {
            long before = accepted(PRIVATE);
            Run r = run(level, ws, EgressPolicy.PUBLIC, CURL + "http://" + PRIVATE + ":" + PORT + "/; "
                    + CURL + "'http://[::ffff:" + PRIVATE + "]:" + PORT + "/'; "
                    + CURL + "http://169.254.169.254/; " + CURL + "http://100.64.0.1/; echo end");
            expect(r.stdout.equals("end\n"), level + ": a private address answered: " + r);
            expect(accepted(PRIVATE) == before, level + ": the private server got a connection: " + r);
            List<String> shown = r.blocked.stream().map(Blocked::toString).toList();
            expect(shown.contains(PRIVATE + ":" + PORT + " (private network)")
                            && shown.contains("169.254.169.254:80 (cloud metadata)") && shown.contains("100.64.0.1:80 (private network)"),
                    level + ": not reported: " + r);
        }
    }

    static void rebindingRefused() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        long before = accepted(PRIVATE);
        Run r = run(SecurityLevel.BALANCED, ws, null, "getent hosts " + REBIND + " || echo no-address; "
                + CURL + "http://" + REBIND + ":" + PORT + "/ || echo refused");
        expect(r.stdout.equals("no-address\nrefused\n"), "rebinding name resolved or reached: " + r);
        expect(accepted(PRIVATE) == before, "the private server got a connection: " + r);
        expect(r.blocked.stream().anyMatch(b -> b.destination().equals(REBIND + " -> " + PRIVATE)
                && b.reason().equals("resolves to private network")), "not reported: " + r);
    }

    static void hostLoopbackUnreachable() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        for (SecurityLevel level : List.of(SecurityLevel.BALANCED, SecurityLevel.STRICT)) {
            try (ServerSocket v4 = new ServerSocket(0, 5, InetAddress.ofLiteral("127.0.0.1"));
                 ServerSocket v6 = new ServerSocket(0, 5, InetAddress.ofLiteral("::1"))) {
                v4.setSoTimeout(300);
                v6.setSoTimeout(300);
                Run r = run(level, ws, EgressPolicy.PUBLIC, CURL + "http://127.0.0.1:" + v4.getLocalPort() + "/; "
                        + CURL + "'http://[::1]:" + v6.getLocalPort() + "/'; "
                        + CURL + "'http://[::ffff:127.0.0.1]:" + v4.getLocalPort() + "/'; "
                        + CURL + "http://localhost:" + v4.getLocalPort() + "/; echo end");
                expect(r.stdout.equals("end\n"), level + ": loopback answered: " + r);
                for (ServerSocket server : List.of(v4, v6)) {
                    try (Socket ignored = server.accept()) {
                        throw new AssertionError(level + ": vg's loopback accepted a connection from the sandbox: " + r);
                    } catch (SocketTimeoutException expected) {
                        // nothing came in
                    }
                }
            }
        }
    }

    static void strictAllowlist() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        EgressPolicy policy = new EgressPolicy(List.of("pkg.vgtest.*"), List.of(), List.of());
        Run allowed = run(SecurityLevel.STRICT, ws, policy, CURL + "http://" + NAMED + ":" + PORT + "/");
        expect(allowed.status == 0 && allowed.stdout.equals("hello from " + PUBLIC + "\n") && allowed.blocked.isEmpty(),
                "allowed domain not reached: " + allowed);

        long before = accepted(PUBLIC) + accepted(UNNAMED_PUBLIC);
        Run byName = run(SecurityLevel.STRICT, ws, policy, CURL + "http://" + OTHER + ":" + PORT + "/ || echo refused");
        expect(byName.stdout.equals("refused\n") && byName.blocked.contains(new Blocked(OTHER, "not in sandbox.allowed_domains")),
                "a domain outside the list was reached or not reported: " + byName);
        Run byAddress = run(SecurityLevel.STRICT, ws, policy, CURL + "http://" + PUBLIC + ":" + PORT + "/ || echo refused");
        expect(byAddress.stdout.equals("refused\n")
                        && byAddress.blocked.contains(new Blocked(PUBLIC + ":" + PORT, "not in sandbox.allowed_domains")),
                "an address no allowed name resolved to was reached: " + byAddress);
        // An allowed Host header does not open an address no allowed name resolves to ...
        Run fakeName = run(SecurityLevel.STRICT, ws, policy, CURL + "--resolve " + NAMED + ":" + PORT + ":" + UNNAMED_PUBLIC
                + " http://" + NAMED + ":" + PORT + "/ || echo refused");
        expect(fakeName.stdout.equals("refused\n"), "a fake name reached another address: " + fakeName);
        expect(accepted(PUBLIC) + accepted(UNNAMED_PUBLIC) == before, "a refused connection reached a server");
        // ... and a Host header outside the list is refused on an allowed name's address.
        Run otherHost = run(SecurityLevel.STRICT, ws, policy, CURL + "-H 'Host: " + OTHER + "' http://" + NAMED + ":" + PORT
                + "/ || echo refused");
        expect(!otherHost.stdout.contains("hello") && otherHost.blocked.contains(new Blocked(OTHER + ":" + PORT,
                "not in sandbox.allowed_domains")), "a Host outside the list was relayed: " + otherHost);
    }

    static void deniedAndOpened() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        EgressPolicy denied = new EgressPolicy(List.of(), List.of("other.*"), List.of());
        Run r = run(SecurityLevel.BALANCED, ws, denied, CURL + "http://" + OTHER + ":" + PORT + "/ || echo refused; "
                + CURL + "http://" + NAMED + ":" + PORT + "/");
        expect(r.stdout.equals("refused\nhello from " + PUBLIC + "\n")
                && r.blocked.contains(new Blocked(OTHER, "in sandbox.denied_domains")), "denied_domains not applied: " + r);
        EgressPolicy opened = new EgressPolicy(List.of(), List.of(), List.of(Cidr.parse("10.77.0.0/24")));
        Run open = run(SecurityLevel.BALANCED, ws, opened, CURL + "http://" + PRIVATE + ":" + PORT + "/");
        expect(open.stdout.equals("hello from " + PRIVATE + "\n"), "allow_private_networks did not open the range: " + open);
    }

    /** Sockets listening (TCP) or bound (UDP) in vg's network namespace: the same while a sandbox runs as before. */
    static void nothingListens() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        List<String> before = listening();
        try (SandboxProcess process = new NativeRuntime().start(IsolationChecks.spec(SecurityLevel.BALANCED, ws,
                List.of("sh", "-c", CURL + "http://" + NAMED + ":" + PORT + "/ >/dev/null; echo up; exec sleep 30")).build())) {
            byte[] up = process.stdout().readNBytes(3);
            expect(new String(up, StandardCharsets.US_ASCII).equals("up\n"), "the sandbox did not start");
            List<String> during = listening();
            expect(during.equals(before), "listening in vg's network during the run: " + during + " before: " + before);
        }
    }

    static void rawAndUdpContained() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        for (SecurityLevel level : List.of(SecurityLevel.BALANCED, SecurityLevel.STRICT)) {
            Run r = run(level, ws, EgressPolicy.PUBLIC,
                    "perl -MSocket -e 'socket(S, PF_INET, SOCK_RAW, 1) and print \"raw\\n\"; "
                            + "socket(U, PF_INET, SOCK_DGRAM, 0) or die; "
                            + "send(U, \"x\", 0, pack_sockaddr_in(53, inet_aton(\"" + PUBLIC + "\"))) and print \"udp\\n\"; "
                            + "print \"end\\n\"'");
            expect(r.stdout.equals("end\n"), level + ": raw socket or UDP datagram out of the sandbox: " + r);
        }
    }

    static void hostUnixSocketsUnreachable() throws Exception {
        Path dir = IsolationChecks.tempDir("egress-sock");
        String abstractName = "vg-egress-" + ProcessHandle.current().pid();
        String path = dir.resolve("s").toString();
        String listen = "use Socket; use IO::Select; my $sel = IO::Select->new; "
                + "for my $a (\"\\0" + abstractName + "\", \"" + path + "\") { my $s; socket($s, PF_UNIX, SOCK_STREAM, 0) or die; "
                + "bind($s, pack_sockaddr_un($a)) or die \"bind: $!\"; listen($s, 5) or die; $sel->add($s) } "
                + "$sel->add(\\*STDIN); $| = 1; print \"ready\\n\"; my @r = $sel->can_read(120); "
                + "print((grep { $_ != \\*STDIN } @r) ? \"accepted\\n\" : \"none\\n\")";
        Process listener = new ProcessBuilder("perl", "-e", listen).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8))) {
            expect("ready".equals(out.readLine()), "the unix socket listener did not start");
            Path ws = IsolationChecks.tempDir("egress");
            for (SecurityLevel level : List.of(SecurityLevel.BALANCED, SecurityLevel.STRICT)) {
                Run r = run(level, ws, EgressPolicy.PUBLIC, "perl -MSocket -e 'for $a (\"\\0" + abstractName + "\", \"" + path
                        + "\") { socket(S, PF_UNIX, SOCK_STREAM, 0) or die; connect(S, pack_sockaddr_un($a)) and print \"reached $a\\n\" } "
                        + "print \"end\\n\"'");
                expect(r.stdout.equals("end\n"), level + ": a unix socket of vg's side was reached: " + r);
            }
            listener.getOutputStream().close(); // the listener says whether anything came in, then ends
            String after = out.readLine();
            expect("none".equals(after), "the unix socket listener got a connection: " + after);
        } finally {
            listener.destroyForcibly();
        }
    }

    /** TCP Fast Open opens a connection with its first data, without a connect() vg holds. */
    static void fastOpenAndDeviceRefused() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        Path probe = helperIn(ws);
        long before = accepted(PUBLIC);
        for (SecurityLevel level : List.of(SecurityLevel.BALANCED, SecurityLevel.STRICT)) {
            Run r = run(level, ws, EgressPolicy.PUBLIC, probe + " fastopen " + PUBLIC + " " + PORT);
            List<String> lines = r.stdout.lines().toList();
            expect(lines.size() == 8 && lines.stream().allMatch(l -> l.endsWith(" EPERM")), level + ": not refused: " + r);
        }
        expect(accepted(PUBLIC) == before, "a Fast Open connection reached the public server");
    }

    static void sandboxLoopbackWorks() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        Path probe = helperIn(ws);
        String devServer = "cd " + ws + " && perl -MIO::Socket::INET -e '"
                + "my $s = IO::Socket::INET->new(LocalAddr => \"127.0.0.1:8099\", Listen => 5, ReuseAddr => 1) or die \"listen: $!\\n\"; "
                + "open(my $f, \">\", \"ready\"); close $f; my $c = $s->accept; my $line = <$c>; "
                + "print $c \"HTTP/1.0 200 OK\\r\\n\\r\\ndev server\\n\"; close $c' & "
                + "for i in $(seq 100); do [ -e " + ws + "/ready ] && break; sleep 0.05; done; " + CURL + "http://127.0.0.1:8099/; wait; ";
        for (SecurityLevel level : List.of(SecurityLevel.BALANCED, SecurityLevel.STRICT)) {
            Run r = run(level, ws, EgressPolicy.PUBLIC, "rm -f " + ws + "/ready; " + devServer
                    + probe + " loopback; " + probe + " loopback-nonblock; " + probe + " bind 8100; " + probe + " bind 80");
            String privileged = level == SecurityLevel.BALANCED ? "bind ok" : "bind EACCES"; // NET_BIND_SERVICE at balanced only
            expect(r.stdout.equals("dev server\nconnected\nconnect EINPROGRESS\nconnected\nbind ok\n" + privileged + "\n"),
                    level + ": the sandbox's own loopback did not work: " + r);
        }
    }

    /**
     * vg lets a UDP connect through to the kernel, which looks the descriptor up again afterwards: a
     * second thread swaps a TCP socket in meanwhile. Landlock (ABI 4) refuses that TCP connect; vg's
     * own connects of TCP sockets, made on the socket it checked, never end in EACCES.
     */
    static void kernelRefusesTheCommandsOwnTcpConnect() throws Exception {
        if (dev.vectraguard.nativecore.NativeCore.probe().landlockAbi() < 4) {
            return; // no Landlock network rules: vg does not hand connections over there
        }
        Path ws = IsolationChecks.tempDir("egress");
        Run r = run(SecurityLevel.BALANCED, ws, EgressPolicy.PUBLIC, helperIn(ws) + " race-connect 9 20000");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ok (\\d+) ECONNREFUSED (\\d+) EACCES (\\d+) other 0\n").matcher(r.stdout);
        expect(m.matches() && Integer.parseInt(m.group(3)) > 0, "no swapped-in TCP connect was refused by the kernel: " + r);
    }

    static void signalDuringHeldConnect() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        Path probe = helperIn(ws);
        String silent = "198.51.100.9"; // on the test hosts' link, answered by no one: vg's upstream connect waits
        Run r = run(SecurityLevel.BALANCED, ws, EgressPolicy.PUBLIC, probe + " connect-signal " + silent + " " + PORT + "; "
                + probe + " connect-signal " + silent + " " + PORT + " restart");
        List<String> lines = r.stdout.lines().toList();
        expect(lines.size() == 2, "connect-signal did not report: " + r);
        String[] interrupted = lines.getFirst().split(" ");
        expect(interrupted[0].equals("EINTR") && Long.parseLong(interrupted[1]) < 2000 && interrupted[3].equals("1"),
                "a held connect was not interrupted by the signal: " + r);
        String[] restarted = lines.getLast().split(" ");
        expect(!restarted[0].equals("EINTR") && !restarted[0].equals("ok") && restarted[3].equals("1"),
                "a held connect with SA_RESTART did not restart: " + r);
    }

    /** A socket of vg's network handed to the sandbox would answer interface ioctls in vg's network. */
    static void interfacesOfTheSandboxOnly() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        Run r = run(SecurityLevel.BALANCED, ws, EgressPolicy.PUBLIC, helperIn(ws) + " ifconf " + PUBLIC + " " + PORT);
        // relayed: the sandbox's own socket shows its loopback; handed over: vg's socket answers none
        expect(r.stdout.equals("connect ok\ninterface lo\nindex2 ENODEV\nethtool EPERM\n")
                        || r.stdout.equals("connect ok\nifconf EPERM\nindex2 EPERM\nethtool EPERM\n"),
                "interfaces outside the sandbox shown: " + r);
    }

    /**
     * A connection vg hands over is a socket of vg's network in the sandbox: disconnected and aimed
     * again, bound, made to listen or swapped under a descriptor whose connect vg lets through, it
     * must reach nothing of vg's network (checked here, outside, on vg's loopback).
     */
    static void allowedConnectionNotReaimed() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        Path probe = helperIn(ws);
        try (ServerSocket loopback = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"))) {
            loopback.setSoTimeout(300);
            int port = loopback.getLocalPort();
            List<String> before = listening();
            Run r = run(SecurityLevel.BALANCED, ws, EgressPolicy.PUBLIC, probe + " reaim " + PUBLIC + " " + PORT + " " + port);
            List<String> lines = r.stdout.lines().toList();
            expect(lines.size() == 7 && lines.getFirst().equals("connect ok") && lines.getLast().endsWith(" ENOTCONN")
                    && lines.stream().skip(2).noneMatch(l -> l.endsWith(" ok")), "the socket was aimed again: " + r);
            expect(listening().equals(before), "listening in vg's network after the run: " + listening());
            try (Socket ignored = loopback.accept()) {
                throw new AssertionError("vg's loopback accepted a connection from the sandbox: " + r);
            } catch (SocketTimeoutException expected) {
                // nothing came in
            }
        }
    }

    /** The peer a sandboxed connect to the public host sees: the destination when handed over, vg's relay (127.0.0.1:1) when relayed. */
    static void handedOverOnlyWhenGuarded() throws Exception {
        Path ws = IsolationChecks.tempDir("egress");
        String relayed = "peer 127.0.0.1:1\n";
        String handedOver = "peer " + PUBLIC + ":" + PORT + "\n";
        boolean landlockNet = dev.vectraguard.nativecore.NativeCore.probe().landlockAbi() >= 4;
        String balanced = peer(IsolationChecks.spec(SecurityLevel.BALANCED, ws, peerScript(PUBLIC)));
        expect(balanced.equals(landlockNet ? handedOver : relayed), "balanced (Landlock network rules "
                + (landlockNet ? "" : "not ") + "available): " + balanced);
        String ioUring = peer(IsolationChecks.spec(SecurityLevel.BALANCED, ws, peerScript(PUBLIC)).seccompProfile("minimal"));
        expect(ioUring.equals(relayed), "a profile allowing io_uring got the connection handed over: " + ioUring);
        String named = peer(IsolationChecks.spec(SecurityLevel.STRICT, ws, peerScript(NAMED))
                .egressPolicy(new EgressPolicy(List.of("pkg.vgtest.*"), List.of(), List.of())));
        expect(named.equals(relayed), "a connection whose name is checked in its first bytes was handed over: " + named);
    }

    private static List<String> peerScript(String host) {
        return List.of("perl", "-MSocket", "-e", "my ($addr) = (gethostbyname(\"" + host + "\"))[4]; socket(S, PF_INET, SOCK_STREAM, 0) or die; "
                + "connect(S, pack_sockaddr_in(" + PORT + ", $addr)) or die \"connect: $!\\n\"; "
                + "my ($port, $ip) = unpack_sockaddr_in(getpeername(S)); print \"peer \", inet_ntoa($ip), \":$port\\n\"");
    }

    private static String peer(SandboxSpec.Builder spec) throws Exception {
        try (SandboxProcess process = new NativeRuntime().start(spec.build())) {
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.stderr()));
            String out = readAll(process.stdout());
            process.waitFor();
            return out + err.join();
        }
    }

    private static Path helperIn(Path ws) throws IOException {
        Path probe = ws.resolve("helper");
        if (!Files.exists(probe)) {
            Files.copy(helper, probe);
            Files.setPosixFilePermissions(probe, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return probe;
    }

    // ---- helpers -------------------------------------------------------------------------

    static Run run(SecurityLevel level, Path ws, EgressPolicy policy, String script) throws Exception {
        SandboxSpec spec = IsolationChecks.spec(level, ws, List.of("sh", "-c", script)).egressPolicy(policy).build();
        expect(spec.network() == NetworkMode.RESTRICTED, "not restricted at " + level);
        try (SandboxProcess process = new NativeRuntime().start(spec)) {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.stdout()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.stderr()));
            int status = process.waitFor();
            return new Run(status, out.join(), err.join(), process.blockedDestinations());
        }
    }

    private static String readAll(InputStream in) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e.getMessage() + ">";
        }
    }

    private static long accepted(String address) throws IOException {
        return Files.readAllLines(serverLog).stream().filter(l -> l.equals("accepted " + address)).count();
    }

    private static List<String> listening() throws IOException {
        List<String> sockets = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            for (String line : Files.readAllLines(Path.of("/proc/net", table)).stream().skip(1).toList()) {
                String[] f = line.strip().split("\\s+");
                if (table.startsWith("udp") || f[3].equals("0A")) {
                    sockets.add(table + " " + f[1]);
                }
            }
        }
        return sockets;
    }

    private static void expect(boolean condition, String message) {
        IsolationChecks.expect(condition, message);
    }

    /** Runs every check and prints {@code PASS name} or {@code FAIL name: reason}. */
    public static void main(String[] args) {
        serverLog = Path.of(args[0]);
        helper = Path.of(args[1]);
        int failed = 0;
        for (IsolationChecks.Check check : all()) {
            try {
                check.body().run();
                System.out.println("PASS " + check.name());
            } catch (Throwable e) {
                failed++;
                System.out.println("FAIL " + check.name() + ": " + e);
            }
            System.out.flush();
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
