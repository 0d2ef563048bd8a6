package dev.vectraguard.server;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.cli.Main;
import dev.vectraguard.nativecore.ByteStrings;
import dev.vectraguard.nativecore.EgressCalls;
import dev.vectraguard.nativecore.LocalSockets;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import picocli.CommandLine;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The per-user vg server: a warm JVM that runs vg's command line for the vg client (C, in
 * native/client), so a command does not wait for a JVM to start. Each request runs the same
 * {@link Main#run} the CLI runs, with the client as {@link Caller}: its arguments, environment,
 * working directory, stdin/stdout/stderr and signals; config, trust and environment are read for
 * every request, never kept.
 *
 * <p>Started by the client as {@code VgServer DIR}: DIR is the client's runtime directory (owned by
 * this user, mode 0700); the socket is DIR/server.sock. Only this uid may connect (SO_PEERCRED on
 * both ends). The server exits after {@code VG_SERVER_IDLE_SECONDS} (default 900) without a
 * request, or once the requests it serves have ended after {@code vg server stop} (which removes the
 * socket at once), and tells clients to start a new one when its jar changed (a new build or package).
 */
public final class VgServer {
    static final String SOCKET = "server.sock";
    private static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);
    /** The subcommands served; the others print through System.out and run in-process. */
    private static final Set<String> SERVED = Set.of("exec", "explain", "version", "--version", "-V", "help", "--help", "-h",
            "server", "trust", "metrics", "init");

    private final Path directory;
    private final Path socket;
    private final Duration idle;
    private final int uid = LocalSockets.uid();
    private final BuildStamp build = BuildStamp.ofRunningJar();
    private final AtomicInteger active = new AtomicInteger();
    private final Instant started = Instant.now();
    private volatile Instant lastRequest = started;
    private volatile boolean stale;
    /** Set by {@code vg server stop}: no new request is taken, and the server exits once the last one ends. */
    private volatile boolean stopping;
    /** Notified when the server may have to exit now (stopping, and a request ended). */
    private final Object exitCheck = new Object();
    private Object socketKey;
    /** The next request's command line, built while the server waits (picocli reads every command's annotations). */
    private final BlockingQueue<CommandLine> preparedCommandLine = new ArrayBlockingQueue<>(1);
    private final ExecutorService preparer = Executors.newSingleThreadExecutor(
            task -> Thread.ofPlatform().daemon().name("vg-server-preparer").unstarted(task));

    private VgServer(Path directory, Duration idle) {
        this.directory = directory;
        this.socket = directory.resolve(SOCKET);
        this.idle = idle;
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("vg server: usage: VgServer RUNTIME_DIR");
            System.exit(125);
        }
        try {
            new VgServer(Path.of(args[0]), idleTimeout(System.getenv("VG_SERVER_IDLE_SECONDS"))).serve();
        } catch (IOException | NativeCoreException | RuntimeException e) {
            System.err.println("vg server: " + e.getMessage());
            System.exit(125);
        }
    }

    private static Duration idleTimeout(String seconds) {
        if (seconds == null || seconds.isEmpty()) {
            return DEFAULT_IDLE;
        }
        try {
            long value = Long.parseLong(seconds);
            if (value > 0) {
                return Duration.ofSeconds(value);
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message
        }
        throw new IllegalArgumentException("VG_SERVER_IDLE_SECONDS must be a positive number of seconds; got '" + seconds + "'");
    }

    private void serve() throws IOException, NativeCoreException {
        requirePrivateDirectory();
        if (!NativeCore.available()) {
            throw new IOException("native core unavailable: " + NativeCore.unavailableReason().orElse(""));
        }
        int listener = bindOnce();
        if (listener < 0) {
            return; // another server answers on the socket
        }
        System.err.println("vg server: pid " + ProcessHandle.current().pid() + " listening on " + socket);
        Thread.ofPlatform().daemon().name("vg-server-idle").start(this::exitWhenIdle);
        prepareCommandLine();
        while (true) {
            LocalSockets.Peer peer = LocalSockets.accept(listener);
            if (peer.uid() != uid) {
                System.err.println("vg server: refused a connection from uid " + peer.uid() + " (pid " + peer.pid() + ")");
                NativeCore.close(peer.fd());
                continue;
            }
            active.incrementAndGet();
            lastRequest = Instant.now();
            Thread.ofPlatform().name("vg-request-" + peer.pid()).start(() -> {
                try {
                    handle(peer.fd(), peer.pid());
                } finally {
                    lastRequest = Instant.now();
                    active.decrementAndGet();
                    if (stopping) {
                        checkExitNow();
                    }
                }
            });
        }
    }

    /**
     * The directory must be this user's alone: the client checked it, but a server started by hand
     * checks again (a socket in a shared directory could be replaced under it).
     */
    private void requirePrivateDirectory() throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(directory + " is not a directory");
        }
        int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
        if (owner != uid || !permissions.equals(PosixFilePermissions.fromString("rwx------"))) {
            throw new IOException(directory + " must be owned by uid " + uid + " with mode 0700 (owner " + owner + ", mode "
                    + PosixFilePermissions.toString(permissions) + ")");
        }
    }

    /**
     * Binds the socket unless a live server already answers on it; the lock keeps two servers
     * started at once by two clients from replacing each other's socket.
     */
    private int bindOnce() throws IOException, NativeCoreException {
        try (FileChannel lockFile = FileChannel.open(directory.resolve("server.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            if (answers(socket)) {
                return -1;
            }
            Files.deleteIfExists(socket);
            int fd = LocalSockets.listen(socket);
            socketKey = Files.readAttributes(socket, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
            return fd;
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return channel.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void exitWhenIdle() {
        while (true) {
            try {
                synchronized (exitCheck) {
                    exitCheck.wait(Math.min(1000, idle.toMillis()));
                }
            } catch (InterruptedException e) {
                return;
            }
            boolean idleLongEnough = active.get() == 0 && Duration.between(lastRequest, Instant.now()).compareTo(idle) >= 0;
            if (idleLongEnough || (stale || stopping) && active.get() == 0) {
                removeOwnSocket(); // no new client finds this server now
                try {
                    Thread.sleep(200); // one that connected just before is accepted meanwhile, and served
                    while (active.get() > 0) {
                        Thread.sleep(100);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                System.exit(0);
            }
        }
    }

    private void checkExitNow() {
        synchronized (exitCheck) {
            exitCheck.notifyAll();
        }
    }

    /** This server, for {@code vg server status} and {@code vg server stop}. */
    private final Caller.Server control = new Caller.Server() {
        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public Path socket() {
            return socket;
        }

        @Override
        public Instant started() {
            return started;
        }

        @Override
        public int otherRequests() {
            return Math.max(0, active.get() - 1);
        }

        @Override
        public void stop() {
            stopping = true;
            removeOwnSocket();
            System.err.println("vg server: stopping (vg server stop); " + otherRequests() + " other request(s) still running");
            checkExitNow();
        }
    };

    /** Removes the socket if it is still this server's (a newer server may have replaced it). */
    private synchronized void removeOwnSocket() {
        try {
            Object key = Files.readAttributes(socket, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
            if (key.equals(socketKey)) {
                Files.delete(socket);
            }
        } catch (IOException ignored) {
            // already gone
        }
    }

    private void handle(int socketFd, long peerPid) {
        ClientConnection connection = new ClientConnection(socketFd, control);
        int[] stdio = new int[0];
        try {
            if ((EgressCalls.pollIn(new int[] {socketFd}, 10_000)[0] & EgressCalls.POLLIN) == 0) {
                return;
            }
            stdio = EgressCalls.receiveFds(socketFd, 3);
            if (stdio.length != 3) {
                return;
            }
            DataInputStream in = new DataInputStream(LocalSockets.input(socketFd));
            int length = in.readInt();
            if (length < 0 || length > Protocol.MAX_REQUEST) {
                return;
            }
            Protocol.Request request = Protocol.parse(in.readNBytes(length));
            if (stopping) {
                connection.send(Protocol.RESTART, new byte[0]); // it connected just before the socket was removed
                return;
            }
            if (!request.version().equals(Protocol.VERSION) || build.changed()) {
                stale = true;
                removeOwnSocket();
                connection.send(Protocol.RESTART, new byte[0]);
                return;
            }
            if (!served(request) || !request.workingDirectory().startsWith("/") || !sameNamespaces(peerPid)) {
                connection.send(Protocol.FALLBACK, new byte[0]);
                return;
            }
            Thread.ofPlatform().daemon().name("vg-client-frames").start(() -> connection.readFrames(in));
            int status = run(request, connection, stdio, nextCommandLine());
            connection.sendStatus(status);
        } catch (IOException | NativeCoreException | RuntimeException e) {
            System.err.println("vg server: request failed: " + e);
        } finally {
            for (int fd : stdio) {
                NativeCore.close(fd);
            }
            connection.close();
        }
    }

    /**
     * This server's namespaces by name (read once: they do not change), which a client must share to be
     * served, as a sandbox is made from them. A namespace this kernel lacks is left out; one whose link
     * cannot be read maps to the empty path, which no client's link equals.
     */
    private static final Map<String, Path> OWN_NAMESPACES = ownNamespaces();

    private static Map<String, Path> ownNamespaces() {
        Map<String, Path> own = new LinkedHashMap<>();
        for (String namespace : List.of("net", "mnt", "pid", "user", "ipc", "uts", "cgroup")) {
            Path link = Path.of("/proc/self/ns", namespace);
            if (Files.exists(link)) {
                try {
                    own.put(namespace, Files.readSymbolicLink(link));
                } catch (IOException e) {
                    own.put(namespace, Path.of(""));
                }
            }
        }
        return Map.copyOf(own);
    }

    /**
     * True when the client {@code pid} (as this server sees it) runs in this server's namespaces and root
     * directory. A client in a network namespace of its own (`ip netns exec`, `unshare --net`), a
     * container or a chroot gets its sandbox made in-process from where it runs, not from the server's
     * namespaces: the same decision and the same sandbox as without a server. Anything unreadable counts
     * as different.
     */
    static boolean sameNamespaces(long pid) {
        if (pid <= 0) {
            return false;
        }
        try {
            Path client = Path.of("/proc", Long.toString(pid));
            for (Map.Entry<String, Path> own : OWN_NAMESPACES.entrySet()) {
                if (!own.getValue().equals(Files.readSymbolicLink(client.resolve("ns").resolve(own.getKey())))) {
                    return false;
                }
            }
            return Files.readSymbolicLink(client.resolve("root")).equals(Path.of("/"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean served(Protocol.Request request) {
        return request.arguments().isEmpty() || SERVED.contains(request.arguments().getFirst());
    }

    /**
     * The charset a JVM started with {@code environment} would print in (its locale's codeset:
     * LC_ALL, else LC_CTYPE, else LANG; C and POSIX are ASCII), so notices match the in-process CLI's.
     */
    static Charset localeCharset(Map<String, String> environment) {
        String locale = Stream.of("LC_ALL", "LC_CTYPE", "LANG").map(environment::get).filter(v -> v != null && !v.isEmpty())
                .findFirst().orElse("C");
        int dot = locale.indexOf('.');
        if (dot < 0) {
            return locale.equals("C") || locale.equals("POSIX") ? StandardCharsets.US_ASCII : StandardCharsets.ISO_8859_1;
        }
        String codeset = locale.substring(dot + 1).replaceFirst("@.*", "");
        if (codeset.equalsIgnoreCase("utf8") || codeset.equalsIgnoreCase("utf-8")) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(codeset);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.US_ASCII;
        }
    }

    /** A command line for one request: the one prepared, if ready; the next is then prepared in the background. */
    private CommandLine nextCommandLine() {
        CommandLine prepared = preparedCommandLine.poll();
        prepareCommandLine();
        return prepared != null ? prepared : Main.commandLine();
    }

    private void prepareCommandLine() {
        preparer.execute(() -> {
            if (preparedCommandLine.isEmpty()) {
                preparedCommandLine.offer(Main.commandLine());
            }
        });
    }

    private static int run(Protocol.Request request, ClientConnection connection, int[] stdio, CommandLine commandLine) {
        Charset charset = localeCharset(request.environment());
        PrintStream out = ClientConnection.printStream(stdio[1], charset);
        PrintStream err = ClientConnection.printStream(stdio[2], charset);
        String directory = request.workingDirectory();
        Caller caller = new Caller(request.environment(), Path.of(directory), !ByteStrings.hasEscapedBytes(directory), stdio[0], stdio[1], stdio[2], out, err,
                ClientConnection.terminal(request.interactive(), out, stdio[0]), connection);
        try {
            return Caller.callAs(caller, () -> Main.run(commandLine, request.arguments().toArray(String[]::new)));
        } catch (Exception e) {
            err.println("vg: " + e.getMessage());
            return 125;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
