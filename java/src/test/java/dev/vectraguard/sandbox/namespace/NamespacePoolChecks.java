package dev.vectraguard.sandbox.namespace;

import dev.vectraguard.sandbox.IsolationChecks;
import dev.vectraguard.sandbox.IsolationChecks.Result;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.Stdio;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.vectraguard.sandbox.IsolationChecks.awaitCleanup;
import static dev.vectraguard.sandbox.IsolationChecks.expect;
import static dev.vectraguard.sandbox.IsolationChecks.run;
import static dev.vectraguard.sandbox.IsolationChecks.spec;
import static dev.vectraguard.sandbox.IsolationChecks.tempDir;

/**
 * The isolation checks of the native runtime's namespace pool ({@link NamespacePool}), part of
 * {@link IsolationChecks#all()} when the runtime under test is the native one (so they run as root
 * and as an unprivileged user too).
 */
public final class NamespacePoolChecks {
    private static final NativeRuntime NATIVE = new NativeRuntime();

    private NamespacePoolChecks() {}

    public static List<IsolationChecks.Check> all() {
        return List.of(
                new IsolationChecks.Check("namespaces made ahead: a network of its own per sandbox",
                        NamespacePoolChecks::preparedNamespaces),
                new IsolationChecks.Check("namespaces serve a later sandbox only when no socket is left in them (never at paranoid)",
                        NamespacePoolChecks::namespacesReusedOnlyWhenClean),
                new IsolationChecks.Check("restricted networking's namespaces serve a later sandbox once vg's sockets in them are freed",
                        NamespacePoolChecks::restrictedNamespacesReused));
    }

    /**
     * From the second sandbox of a JVM on, the user and network namespaces are made ahead of time
     * (NamespacePool): each sandbox must still get a network of its own. The sandboxes stay alive
     * together while their namespaces are compared (a freed namespace's inode number is reused).
     */
    private static void preparedNamespaces() throws Exception {
        Path ws = tempDir("ws");
        String hostNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        long servedBefore = NamespacePool.served();
        List<SandboxProcess> running = new ArrayList<>();
        Set<String> networks = new HashSet<>();
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String script = "readlink /proc/self/ns/net; "
                    + "echo x > /dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo reached-host; "
                    + "perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(Listen => 1, LocalAddr => \"127.0.0.1\") or die; "
                    + "IO::Socket::INET->new(PeerAddr => \"127.0.0.1\", PeerPort => $s->sockport) or die; print \"own-loopback\\n\"'; "
                    + "echo done; exec sleep 30";
            for (int i = 0; i < 5; i++) {
                SandboxProcess process = NATIVE.start(spec(SecurityLevel.BALANCED, ws, List.of("bash", "-c", script)).build());
                running.add(process);
                BufferedReader out = new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.UTF_8));
                List<String> lines = new ArrayList<>();
                for (String line; (line = out.readLine()) != null && !line.equals("done"); ) {
                    lines.add(line);
                }
                expect(lines.size() == 2 && lines.get(1).equals("own-loopback"), "run " + i + ": " + lines);
                networks.add(lines.getFirst());
                Thread.sleep(30); // time for the next pair to be made
            }
        } finally {
            for (SandboxProcess process : running) {
                process.close();
            }
        }
        expect(NamespacePool.served() > servedBefore, "no sandbox was started from prepared namespaces");
        expect(networks.size() == 5 && !networks.contains(hostNet) && networks.stream().allMatch(n -> n.startsWith("net:[")),
                "every sandbox needs a network namespace of its own: " + networks + " (host " + hostNet + ")");
    }

    /**
     * The namespaces of an ended sandbox serve a later one (NamespacePool.giveBack), but only when it
     * left nothing in its network namespace. Seen from outside: the test holds the network namespace
     * of each sandbox open (so no inode number is recycled) and finds a later sandbox in the same one;
     * then a sandbox leaves a connection in TIME_WAIT on a fixed port, and no later sandbox sees that
     * connection or is refused that port.
     */
    private static void namespacesReusedOnlyWhenClean() throws Exception {
        Path ws = tempDir("ws");
        long reusedBefore = NamespacePool.reused();
        List<FileChannel> held = new ArrayList<>();
        try {
            Set<String> seen = new HashSet<>();
            boolean again = false;
            for (int i = 0; i < 12 && !again; i++) {
                again = !seen.add(heldNetwork(SecurityLevel.BALANCED, ws, held));
            }
            expect(again && NamespacePool.reused() > reusedBefore, "no sandbox ran in the namespaces of an ended one "
                    + "(reused " + (NamespacePool.reused() - reusedBefore) + ")");
            // paranoid: never in the namespaces of an earlier sandbox
            Set<String> paranoid = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                String name = heldNetwork(SecurityLevel.PARANOID, ws, held);
                expect(!seen.contains(name) && paranoid.add(name), "paranoid sandbox " + i + " ran in used namespaces");
            }
        } finally {
            for (FileChannel channel : held) {
                channel.close();
            }
        }

        int port = 47000 + (int) (ProcessHandle.current().pid() % 1000);
        String bind = "$l = IO::Socket::INET->new(Listen => 1, LocalAddr => \"127.0.0.1\", LocalPort => " + port
                + ", ReuseAddr => 0) or die \"bind: $!\\n\"; ";
        String timeWait = "perl -MIO::Socket::INET -e '" + bind
                + "$c = IO::Socket::INET->new(PeerAddr => \"127.0.0.1\", PeerPort => " + port + ") or die \"connect: $!\\n\"; "
                + "$s = $l->accept or die; close $s; sysread($c, $b, 1); close $c; print \"left\\n\"'; "
                + "grep -c ' 06 ' /proc/net/tcp";
        long servedBefore = NamespacePool.served();
        Result dirty = run(SecurityLevel.BALANCED, ws, timeWait);
        awaitCleanup();
        expect(dirty.status() == 0 && dirty.stdout().equals("left\n1\n"), "the TIME_WAIT connection was not made: " + dirty);
        expect(NamespacePool.served() > servedBefore, "the sandbox did not run in reusable namespaces");
        // every TCP socket but vg's relay listener (127.0.0.1:1, listening) of restricted networking
        String after = "perl -MIO::Socket::INET -e '" + bind + "print \"bound\\n\"'; tail -n +2 /proc/net/tcp | grep -vc ': 0100007F:0001 00000000:0000 0A ' || true";
        for (int i = 0; i < 3; i++) {
            Result later = run(SecurityLevel.BALANCED, ws, after);
            awaitCleanup();
            expect(later.status() == 0 && later.stdout().equals("bound\n0\n"),
                    "run " + i + " after the TIME_WAIT sees it (namespaces reused although not empty): " + later);
        }
    }

    /**
     * Runs one sandbox of {@code level} until its cleanup is done; its network namespace stays open in
     * {@code held} (so no later namespace gets its inode number). Returns the namespace's name.
     */
    /**
     * Restricted networking leaves vg's relay and DNS sockets in the sandbox's network namespace until
     * vg closes them after the sandbox, and the kernel frees such sockets only after an RCU grace
     * period: the pair must still go back to the pool once they are freed. Sandboxes back to back, as
     * an agent or a build runs them: (nearly) every pooled pair is kept for a later sandbox.
     */
    private static void restrictedNamespacesReused() throws Exception {
        Path ws = tempDir("ws");
        SandboxSpec spec = spec(SecurityLevel.BALANCED, ws, List.of("/bin/true")).stdout(Stdio.DISCARD).stderr(Stdio.DISCARD).build();
        expect(spec.network() == NetworkMode.RESTRICTED, "balanced runs with " + spec.network());
        long servedBefore = NamespacePool.served();
        long reusedBefore = NamespacePool.reused();
        for (int i = 0; i < 16; i++) {
            try (SandboxProcess process = NATIVE.start(spec)) {
                expect(process.waitFor() == 0, "run " + i + " failed");
            }
        }
        awaitCleanup();
        long served = NamespacePool.served() - servedBefore;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (NamespacePool.reused() - reusedBefore < served - 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long reused = NamespacePool.reused() - reusedBefore;
        expect(served >= 8, "only " + served + " of 16 sandboxes ran in pooled namespaces");
        // one pair may be freed because the pool already holds as many as it keeps
        expect(reused >= served - 1, "of " + served + " pooled pairs only " + reused + " were kept for a later sandbox");
    }

    private static String heldNetwork(SecurityLevel level, Path ws, List<FileChannel> held) throws Exception {
        String name;
        try (SandboxProcess process = NATIVE.start(spec(level, ws, List.of("sleep", "5")).build())) {
            Path net = Path.of("/proc", Integer.toString(process.pid()), "ns", "net");
            held.add(FileChannel.open(net));
            name = Files.readSymbolicLink(net).toString();
        }
        awaitCleanup();
        return name;
    }
}
