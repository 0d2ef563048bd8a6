package dev.vectraguard.egress;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.nativecore.EgressCalls;
import dev.vectraguard.nativecore.EgressCalls.ConnectRequest;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Restricted networking of one sandbox, from the sockets the sandbox sent over its egress socket
 * (see {@code VG_SPAWN_EGRESS}): every connect(), bind() and listen() of the sandbox is held by its
 * seccomp filter and decided here, and so is every socket ioctl of the interface family; an allowed TCP connection is redirected to the relay listener in
 * the sandbox's own network namespace and relayed from vg's side to the destination; DNS queries to
 * the sandbox's 127.0.0.1:53 are answered from vg's resolver with private addresses removed.
 *
 * <p>vg makes every TCP connect and bind and every listen of the sandbox itself, on its copy of the
 * socket it checked (where the kernel offers Landlock ABI 4, Landlock refuses the sandbox's own TCP
 * connect and bind, whatever descriptor a second thread swaps in after vg's answer). A socket of
 * vg's own network namespace is never connected, bound or made to listen. The rest (connects of unix
 * sockets and UDP, binds of UDP and unix sockets, disconnects) is let through to the kernel
 * unchanged: the sandbox's network namespace has only its own loopback, so it reaches nothing there.
 */
public final class EgressSession implements AutoCloseable {
    private static final int UPSTREAM_TIMEOUT_MILLIS = 30_000;
    private static final int PEEK_TIMEOUT_MILLIS = 10_000;
    private static final int FIRST_BYTES_MILLIS = 1_000;
    private static final int HANDOVER_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_BLOCKED = 100;
    private static final int ECONNREFUSED = 111;
    private static final int EACCES = 13;
    private static final int EBADF = 9;
    /** {@link #ready}'s {@code which}: the descriptors of a session, in the order the poller watches them. */
    private static final int LISTENER = 0, RELAY = 1, DNS = 2;

    private final EgressPolicy policy;
    private final int listenerFd;
    private final int relayFd;
    private final int dnsFd;
    /** The cookie of the sandbox's network namespace (0 where the kernel cannot tell). */
    private final long sandboxCookie;
    /** Whether allowed connections may be handed over instead of relayed ({@link #handOver}): asked once, when needed. */
    private final BooleanSupplier handOverAllowed;
    private Boolean mayHandOver; // under the session's lock
    private final Map<Integer, CompletableFuture<Upstream>> handovers = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> namesByAddress = new ConcurrentHashMap<>();
    private final Set<Blocked> blocked = new LinkedHashSet<>();
    private final EgressPoller poller;
    private final long id;
    private final Object lock = new Object();
    private boolean watched; // under lock: the poller hands this session its ready descriptors
    private volatile boolean closing;
    private final PrintStream err = Caller.current().err(); // the poller serves the caller that started the sandbox

    /** An upstream connection waiting for the sandbox's redirected socket to be accepted. */
    private record Upstream(int fd, String destination) {}

    private EgressSession(EgressPoller poller, EgressPolicy policy, int listenerFd, int relayFd, int dnsFd, long sandboxCookie,
                          BooleanSupplier handOverAllowed) {
        this.poller = poller;
        this.id = poller.newId();
        this.policy = policy;
        this.listenerFd = listenerFd;
        this.relayFd = relayFd;
        this.dnsFd = dnsFd;
        this.sandboxCookie = sandboxCookie;
        this.handOverAllowed = handOverAllowed;
    }

    /**
     * Takes the sockets the sandbox sent over {@code egressFd} (after a successful spawn) and starts
     * serving them. When {@code handOver} says so, allowed connections are handed over instead of relayed
     * where nothing of their first bytes is checked: only for a sandbox whose kernel and seccomp
     * filter guard a socket of vg's network namespace (see {@code NativeLauncher}).
     */
    public static EgressSession start(EgressPolicy policy, int egressFd, BooleanSupplier handOver) throws NativeCoreException {
        int[] namespaceSockets = EgressCalls.receiveFds(egressFd, 2);
        int[] listener = EgressCalls.receiveFds(egressFd, 1);
        if (namespaceSockets.length != 2 || listener.length != 1) {
            for (int fd : namespaceSockets) {
                NativeCore.close(fd);
            }
            for (int fd : listener) {
                NativeCore.close(fd);
            }
            throw new IllegalStateException("the sandbox did not send its egress sockets");
        }
        long cookie;
        try {
            cookie = EgressCalls.netnsCookie(namespaceSockets[0]);
        } catch (NativeCoreException e) {
            cookie = 0; // before Linux 5.14: every socket counts as the sandbox's
        }
        EgressSession session;
        try {
            session = new EgressSession(EgressPoller.get(), policy, listener[0], namespaceSockets[0], namespaceSockets[1], cookie, handOver);
            synchronized (session.lock) {
                session.poller.watch(session.id, session, session.descriptors());
                session.watched = true;
            }
        } catch (NativeCoreException | RuntimeException e) {
            NativeCore.close(listener[0]);
            NativeCore.close(namespaceSockets[0]);
            NativeCore.close(namespaceSockets[1]);
            throw e;
        }
        return session;
    }

    /** What was refused so far, in order. */
    public List<Blocked> blocked() {
        synchronized (blocked) {
            return List.copyOf(blocked);
        }
    }

    /** The descriptors the poller watches, in the order of {@link #LISTENER}, {@link #RELAY}, {@link #DNS}. */
    private int[] descriptors() {
        return new int[] {listenerFd, relayFd, dnsFd};
    }

    /**
     * One of this session's descriptors is ready ({@code events}: epoll's bits), on the poller's
     * thread: a connect held by the filter, a connection to the relay, a DNS query. The session stops
     * being served when no process of the sandbox is left (the seccomp listener hangs up) or on close.
     */
    void ready(int which, int events) {
        synchronized (lock) {
            if (!watched) {
                return;
            }
            try {
                boolean readable = (events & EgressCalls.EPOLLIN) != 0;
                switch (which) {
                    case LISTENER -> {
                        if (!readable) {
                            unwatch(); // hung up: the sandbox is gone
                        } else if (EgressCalls.nextConnect(listenerFd, 0) instanceof EgressCalls.Request(ConnectRequest request)) {
                            decide(request);
                        }
                    }
                    case RELAY -> {
                        EgressCalls.Accepted accepted = readable ? EgressCalls.accept(relayFd, 0) : null;
                        if (accepted != null) {
                            Thread.ofPlatform().name("vg-egress-relay").daemon().start(() -> relay(accepted));
                        } else if (!readable) {
                            poller.unwatch(relayFd);
                        }
                    }
                    case DNS -> {
                        EgressCalls.Datagram query = readable ? EgressCalls.datagramReceive(dnsFd, 0) : null;
                        if (query != null) {
                            Thread.ofVirtual().start(() -> answer(query));
                        } else if (!readable) {
                            poller.unwatch(dnsFd);
                        }
                    }
                    default -> throw new IllegalArgumentException("no descriptor " + which);
                }
            } catch (NativeCoreException e) {
                fail(e); // held connects then fail (the filter answers ENOSYS once the listener is closed)
            }
        }
    }

    /** A broken descriptor ends the serving of this session. */
    void fail(Exception e) {
        synchronized (lock) {
            if (watched && !closing) {
                err.println("vg: network: " + e.getMessage());
            }
            unwatch();
        }
    }

    private void unwatch() {
        synchronized (lock) {
            if (watched) {
                watched = false;
                poller.unwatch(descriptors());
                poller.forget(id);
            }
        }
    }

    private void decide(ConnectRequest request) throws NativeCoreException {
        if (request.call() == EgressCalls.IOCTL) {
            try {
                EgressCalls.ioctl(listenerFd, request, sandboxCookie); // the interfaces of the sandbox's network only
            } finally {
                release(request);
            }
            return;
        }
        if (request.call() != EgressCalls.CONNECT) {
            decideLocal(request);
            return;
        }
        if (!request.internet() || request.socketType() != EgressCalls.SOCK_STREAM) {
            release(request);
            EgressCalls.answer(listenerFd, request.id(), 0);
            return;
        }
        if (request.netnsCookie() != sandboxCookie) {
            release(request); // a socket of vg's network: never aimed again by the sandbox
            EgressCalls.answer(listenerFd, request.id(), EACCES);
            return;
        }
        if (AddressRanges.sandboxLocal(request.address())) {
            if (request.tcp()) {
                // Landlock refuses the sandbox's own TCP connect: vg makes it, on the socket it checked
                Thread.ofPlatform().name("vg-egress-local").daemon().start(() -> performAndRelease(request));
            } else {
                release(request);
                EgressCalls.answer(listenerFd, request.id(), 0);
            }
            return;
        }
        String address = literal(request.address());
        String reason = policy.denyAddress(request.address());
        if (reason == null && policy.domainsListed() && allowedName(address) == null) {
            reason = "not in " + EgressPolicy.ALLOWED_KEY;
        }
        if (reason != null) {
            release(request);
            EgressCalls.answer(listenerFd, request.id(), ECONNREFUSED);
            block(destination(address, request.port()), reason);
            return;
        }
        if (request.tcp() && !inspectsNames() && mayHandOver()) {
            Thread.ofPlatform().name("vg-egress-upstream").daemon().start(() -> handOver(request, address));
        } else {
            Thread.ofPlatform().name("vg-egress-upstream").daemon().start(() -> connectUpstream(request, address));
        }
    }

    /**
     * Gives the sandbox a socket of vg's own network namespace, connected to the allowed destination,
     * in place of its own: the kernel carries the bytes, not a relay. Only where nothing of the
     * connection's first bytes is to be checked (no domain lists).
     */
    private void handOver(ConnectRequest request, String address) {
        try {
            if (EgressCalls.handover(listenerFd, request, UPSTREAM_TIMEOUT_MILLIS) == EgressCalls.Handover.NOT_POSSIBLE) {
                connectUpstream(request, address);
                return; // connectUpstream released the request
            }
        } catch (NativeCoreException e) {
            try {
                EgressCalls.answer(listenerFd, request.id(), ECONNREFUSED); // unless answered already
            } catch (NativeCoreException gone) {
                // the sandbox ended
            }
        }
        release(request);
    }

    private boolean mayHandOver() {
        if (mayHandOver == null) {
            mayHandOver = handOverAllowed.getAsBoolean();
        }
        return mayHandOver;
    }

    /** Whether the policy checks the name in a connection's first bytes (TLS SNI, HTTP Host): then it is relayed. */
    private boolean inspectsNames() {
        return policy.domainsListed() || !policy.deniedDomains().isEmpty();
    }

    /**
     * A bind() or listen() of the sandbox. vg makes every TCP bind and every listen itself on the
     * socket it checked: Landlock refuses the sandbox's own TCP bind, and listen() is not Landlock's
     * to check. Other binds (UDP, unix) go to the kernel, which refuses a TCP socket swapped in
     * meanwhile (Landlock again).
     */
    private void decideLocal(ConnectRequest request) throws NativeCoreException {
        if (request.socketFd() < 0) {
            EgressCalls.answer(listenerFd, request.id(), request.call() == EgressCalls.LISTEN ? EBADF : 0);
        } else if (request.netnsCookie() != sandboxCookie) {
            release(request);
            EgressCalls.answer(listenerFd, request.id(), EACCES);
        } else if (request.call() == EgressCalls.LISTEN || request.tcp()) {
            performAndRelease(request);
        } else {
            release(request);
            EgressCalls.answer(listenerFd, request.id(), 0);
        }
    }

    private void performAndRelease(ConnectRequest request) {
        try {
            EgressCalls.perform(listenerFd, request);
        } catch (NativeCoreException e) {
            // the request is gone (its caller was interrupted or the sandbox ended)
        } finally {
            release(request);
        }
    }

    /** Connects to the destination first, so that the sandbox's connect() fails as the real one would. */
    private void connectUpstream(ConnectRequest request, String address) {
        try {
            int upstream;
            try {
                upstream = EgressCalls.tcpConnect(request.family(), request.address(), request.port(), UPSTREAM_TIMEOUT_MILLIS);
            } catch (NativeCoreException failed) {
                EgressCalls.answer(listenerFd, request.id(), failed.errno());
                return;
            }
            int localPort;
            try {
                localPort = EgressCalls.redirect(listenerFd, request, EgressCalls.RELAY_PORT);
            } catch (NativeCoreException e) {
                NativeCore.close(upstream);
                EgressCalls.answer(listenerFd, request.id(), ECONNREFUSED);
                return;
            }
            if (localPort == 0) {
                NativeCore.close(upstream);
                return;
            }
            CompletableFuture<Upstream> waiting = handover(localPort);
            waiting.complete(new Upstream(upstream, destination(address, request.port())));
            if (closing && handovers.remove(localPort, waiting)) {
                NativeCore.close(upstream); // nobody will take it
            }
        } catch (NativeCoreException e) {
            // the request is gone (its caller was interrupted or the sandbox ended)
        } finally {
            release(request);
        }
    }

    private CompletableFuture<Upstream> handover(int localPort) {
        return handovers.computeIfAbsent(localPort, port -> new CompletableFuture<>());
    }

    private void relay(EgressCalls.Accepted accepted) {
        CompletableFuture<Upstream> waiting = handover(accepted.peerPort());
        Upstream upstream = null;
        try {
            Upstream offered = waiting.get(HANDOVER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (handovers.remove(accepted.peerPort(), waiting)) { // else close() took it
                upstream = offered;
                if (namedDestinationAllowed(accepted.fd(), upstream)) {
                    EgressCalls.relay(accepted.fd(), upstream.fd());
                }
            }
        } catch (Exception e) {
            // no upstream for this connection (the sandbox connected to the relay port itself), or a relay error
            handovers.remove(accepted.peerPort(), waiting);
        } finally {
            NativeCore.close(accepted.fd());
            if (upstream != null) {
                NativeCore.close(upstream.fd());
            }
        }
    }

    /** The name in the connection's first bytes (TLS SNI, HTTP Host), when the policy lists names, must be allowed. */
    private boolean namedDestinationAllowed(int fd, Upstream upstream) throws NativeCoreException {
        if (!inspectsNames()) {
            return true;
        }
        // A protocol whose server speaks first sends nothing: its address already came from an allowed name.
        byte[] first = EgressCalls.peek(fd, FIRST_BYTES_MILLIS, 1, RequestedName.PEEK_BYTES);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PEEK_TIMEOUT_MILLIS);
        int needed = RequestedName.bytesNeeded(first);
        while (first.length > 0 && needed > first.length && System.nanoTime() < deadline) {
            first = EgressCalls.peek(fd, 50, needed, RequestedName.PEEK_BYTES);
            needed = RequestedName.bytesNeeded(first);
        }
        String name = RequestedName.of(first);
        if (name == null) {
            return true; // no name in the protocol: the address came from an allowed name (checked at connect)
        }
        String reason = policy.denyName(name);
        if (reason != null) {
            String port = upstream.destination().substring(upstream.destination().lastIndexOf(':') + 1);
            block(name + ":" + port, reason);
            return false;
        }
        return true;
    }

    private void answer(EgressCalls.Datagram datagram) {
        DnsMessage.Query query = DnsMessage.parse(datagram.data());
        byte[] response = query == null ? DnsMessage.formatError(datagram.data()) : resolve(query);
        try {
            EgressCalls.datagramSend(dnsFd, response, datagram.peer());
        } catch (NativeCoreException e) {
            // the asker is gone
        }
    }

    private byte[] resolve(DnsMessage.Query query) {
        String name = query.name().toLowerCase(java.util.Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return DnsMessage.answer(query, DnsMessage.RCODE_OK,
                    List.of(new byte[] {127, 0, 0, 1}, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
        }
        String reason = policy.denyName(name);
        if (reason != null) {
            block(name, reason);
            return DnsMessage.answer(query, DnsMessage.RCODE_NAME_ERROR, List.of());
        }
        if (query.type() != DnsMessage.TYPE_A && query.type() != DnsMessage.TYPE_AAAA) {
            return DnsMessage.answer(query, DnsMessage.RCODE_OK, List.of());
        }
        InetAddress[] found;
        try {
            found = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            return DnsMessage.answer(query, DnsMessage.RCODE_NAME_ERROR, List.of());
        }
        int wanted = query.type() == DnsMessage.TYPE_A ? 4 : 16;
        List<byte[]> allowed = new ArrayList<>();
        for (InetAddress address : found) {
            byte[] bytes = address.getAddress();
            if (bytes.length != wanted) {
                continue;
            }
            String refused = policy.denyAddress(bytes);
            if (refused != null) {
                block(name + " -> " + address.getHostAddress(), "resolves to " + refused);
                continue;
            }
            namesByAddress.computeIfAbsent(literal(bytes), k -> ConcurrentHashMap.newKeySet()).add(name);
            allowed.add(bytes);
        }
        return DnsMessage.answer(query, DnsMessage.RCODE_OK, allowed);
    }

    /** A name vg resolved to this address that the policy allows, or null. */
    private String allowedName(String address) {
        for (String name : namesByAddress.getOrDefault(address, Set.of())) {
            if (policy.denyName(name) == null) {
                return name;
            }
        }
        return null;
    }

    private String destination(String address, int port) {
        Set<String> names = namesByAddress.getOrDefault(address, Set.of());
        String shown = names.isEmpty() ? (address.indexOf(':') >= 0 ? "[" + address + "]" : address) : names.iterator().next();
        return shown + ":" + port;
    }

    private void block(String destination, String reason) {
        synchronized (blocked) {
            if (blocked.size() < MAX_BLOCKED) {
                blocked.add(new Blocked(destination, reason));
            }
        }
    }

    private static void release(ConnectRequest request) {
        if (request.socketFd() >= 0) {
            NativeCore.close(request.socketFd());
        }
    }

    static String literal(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return HexFormat.of().formatHex(address);
        }
    }

    /** Stops serving (the sandbox has ended) and closes every socket vg held in its network namespace. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            unwatch(); // waits for nothing: a descriptor the poller is handling holds the lock
            NativeCore.close(listenerFd);
            NativeCore.close(relayFd);
            NativeCore.close(dnsFd);
        }
        for (Map.Entry<Integer, CompletableFuture<Upstream>> entry : handovers.entrySet()) {
            if (handovers.remove(entry.getKey(), entry.getValue())) {
                Upstream upstream = entry.getValue().getNow(null);
                if (upstream != null) {
                    NativeCore.close(upstream.fd());
                }
            }
        }
    }
}
