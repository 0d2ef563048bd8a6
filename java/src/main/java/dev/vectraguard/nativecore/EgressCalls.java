package dev.vectraguard.nativecore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The C core's mechanism of restricted networking (see vg_core.h): fd passing, held connect()
 * calls of a sandbox, upstream connections, the relay and datagrams. Raw descriptors, closed with
 * {@link NativeCore#close}. The policy lives in {@code dev.vectraguard.egress}.
 */
public final class EgressCalls {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    /** The relay listener's port on the sandbox's 127.0.0.1. */
    public static final int RELAY_PORT = vg_core_h.VG_EGRESS_RELAY_PORT();
    /** Peer addresses of {@link #datagramReceive} are this many bytes (a sockaddr_in6). */
    public static final int PEER_BYTES = 28;

    private EgressCalls() {}

    public static final int IPPROTO_TCP = 6;
    /** {@link ConnectRequest#call()}: which call the sandbox made. */
    public static final int CONNECT = vg_core_h.VG_NET_CONNECT(), BIND = vg_core_h.VG_NET_BIND(), LISTEN = vg_core_h.VG_NET_LISTEN(),
            IOCTL = vg_core_h.VG_NET_IOCTL();

    /**
     * A held connect(), bind() or listen() of the sandbox ({@code call}): answer it with {@link #answer},
     * {@link #redirect} or {@link #perform}. {@code port} and {@code address} are the destination of a
     * connect, the local address of a bind; {@code netnsCookie} tells whose network namespace the socket is in.
     */
    public record ConnectRequest(long id, int pid, int call, int family, int socketFd, int socketType, int socketProtocol,
                                 long netnsCookie, int port, byte[] address, int backlog, int fdNumber, int ioctlCmd,
                                 long ioctlArg) {
        /** Whether the address is an internet address (family AF_INET or AF_INET6). */
        public boolean internet() {
            return family == AF_INET || family == AF_INET6;
        }

        /** Whether the socket is a TCP socket (Landlock's network rules cover TCP only). */
        public boolean tcp() {
            return socketType == SOCK_STREAM && socketProtocol == IPPROTO_TCP;
        }
    }

    /** A received datagram and its sender. */
    public record Datagram(byte[] data, byte[] peer) {}

    /** What {@link #nextConnect} found. */
    public sealed interface Next permits Request, Timeout, Gone {}

    public record Request(ConnectRequest request) implements Next {}

    public record Timeout() implements Next {}

    /** No process of the sandbox is left. */
    public record Gone() implements Next {}

    /** A SOCK_SEQPACKET unix socket pair, O_CLOEXEC. */
    public static int[] socketPair() throws NativeCoreException {
        NativeCore.requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(vg_core_h.C_INT, 2);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_socketpair", () -> vg_core_h.vg_socketpair(fds, err)) < 0) {
                throw NativeCore.failure("socketpair", err);
            }
            return fds.toArray(ValueLayout.JAVA_INT);
        }
    }

    /** One message of descriptors waiting on {@code socketFd} (empty when none). */
    public static int[] receiveFds(int socketFd, int capacity) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(vg_core_h.C_INT, capacity);
            MemorySegment err = vg_error.allocate(arena);
            int count = NativeCore.call("vg_receive_fds", () -> vg_core_h.vg_receive_fds(socketFd, fds, capacity, err));
            if (count < 0) {
                throw NativeCore.failure("receive descriptors", err);
            }
            return Arrays.copyOf(fds.toArray(ValueLayout.JAVA_INT), count);
        }
    }

    public static Next nextConnect(int listenerFd, int timeoutMillis) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = vg_connect_request.allocate(arena);
            MemorySegment err = vg_error.allocate(arena);
            int rc = NativeCore.call("vg_connect_next", () -> vg_core_h.vg_connect_next(listenerFd, timeoutMillis, out, err));
            if (rc < 0) {
                throw NativeCore.failure("receive a connect", err);
            }
            if (rc == 0) {
                return new Timeout();
            }
            if (rc == 2) {
                return new Gone();
            }
            int family = vg_connect_request.family(out);
            byte[] address = vg_connect_request.address(out).toArray(ValueLayout.JAVA_BYTE);
            return new Request(new ConnectRequest(vg_connect_request.id(out), vg_connect_request.pid(out),
                    vg_connect_request.call(out), family, vg_connect_request.socket_fd(out), vg_connect_request.socket_type(out),
                    vg_connect_request.socket_protocol(out), vg_connect_request.netns_cookie(out), vg_connect_request.port(out),
                    family == AF_INET ? Arrays.copyOf(address, 4) : address, vg_connect_request.backlog(out),
                    vg_connect_request.fd_number(out), vg_connect_request.ioctl_cmd(out), vg_connect_request.ioctl_arg(out)));
        }
    }

    public static final int POLLIN = 0x1;
    public static final int POLLHUP = 0x10;

    /** Waits until one of {@code fds} is readable or hung up (-1 = forever); their poll revents (all 0 on timeout). */
    public static int[] pollIn(int[] fds, int timeoutMillis) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_INT, fds);
            MemorySegment revents = arena.allocate(vg_core_h.C_INT, fds.length);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_poll_in", () -> vg_core_h.vg_poll_in(in, fds.length, timeoutMillis, revents, err)) < 0) {
                throw NativeCore.failure("poll", err);
            }
            return revents.toArray(ValueLayout.JAVA_INT);
        }
    }

    public static final int EPOLLIN = 0x1;
    public static final int EPOLLERR = 0x8;
    public static final int EPOLLHUP = 0x10;

    /** A new epoll instance (O_CLOEXEC): one thread waits on it for the descriptors of many sandboxes. */
    public static int epollOpen() throws NativeCoreException {
        NativeCore.requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = vg_error.allocate(arena);
            int fd = NativeCore.call("vg_epoll_open", () -> vg_core_h.vg_epoll_open(err));
            if (fd < 0) {
                throw NativeCore.failure("epoll", err);
            }
            return fd;
        }
    }

    /** Watches {@code fds} for input, {@code fds[i]} reported with {@code tokens[i]}; all or none. */
    public static void epollWatch(int epollFd, int[] fds, long[] tokens) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fdArray = arena.allocateFrom(ValueLayout.JAVA_INT, fds);
            MemorySegment tokenArray = arena.allocateFrom(ValueLayout.JAVA_LONG, tokens);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_epoll_watch", () -> vg_core_h.vg_epoll_watch(epollFd, fdArray, tokenArray, fds.length, err)) < 0) {
                throw NativeCore.failure("watch descriptors", err);
            }
        }
    }

    /** Stops watching {@code fds} (from any thread); they may be closed right after. */
    public static void epollUnwatch(int epollFd, int[] fds) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fdArray = arena.allocateFrom(ValueLayout.JAVA_INT, fds);
            NativeCore.call("vg_epoll_unwatch", () -> {
                vg_core_h.vg_epoll_unwatch(epollFd, fdArray, fds.length);
                return 0;
            });
        }
    }

    /** The buffers of {@link #epollNext}, owned by the one thread that waits. */
    public static final class EpollEvents implements AutoCloseable {
        private static final int CAPACITY = 64;
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment tokens = arena.allocate(ValueLayout.JAVA_LONG, CAPACITY);
        private final MemorySegment events = arena.allocate(ValueLayout.JAVA_INT, CAPACITY);
        private final MemorySegment err = vg_error.allocate(arena);
        private int count;

        /** How many descriptors the last {@link #epollNext} reported. */
        public int count() {
            return count;
        }

        public long token(int i) {
            return tokens.getAtIndex(ValueLayout.JAVA_LONG, i);
        }

        /** {@link #EPOLLIN}, {@link #EPOLLHUP}, {@link #EPOLLERR} bits. */
        public int events(int i) {
            return events.getAtIndex(ValueLayout.JAVA_INT, i);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** Waits up to {@code timeoutMillis} (-1 = forever) for watched descriptors; {@code into} tells which. */
    public static void epollNext(int epollFd, int timeoutMillis, EpollEvents into) throws NativeCoreException {
        int count = NativeCore.call("vg_epoll_next", () -> vg_core_h.vg_epoll_next(epollFd, timeoutMillis, into.tokens, into.events,
                EpollEvents.CAPACITY, into.err));
        if (count < 0) {
            into.count = 0;
            throw NativeCore.failure("wait for descriptors", into.err);
        }
        into.count = count;
    }

    /** Lets the connect go ahead as asked ({@code errno} 0) or fails it with {@code errno}. */
    public static void answer(int listenerFd, long id, int errno) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_connect_answer", () -> vg_core_h.vg_connect_answer(listenerFd, id, errno, err)) < 0) {
                throw NativeCore.failure("answer a connect", err);
            }
        }
    }

    /**
     * Connects the request's socket to the relay on the sandbox's loopback and answers the request;
     * the socket's local port, or 0 when that connect failed (answered with its error).
     */
    public static int redirect(int listenerFd, ConnectRequest request, int relayPort) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = segment(arena, request);
            MemorySegment err = vg_error.allocate(arena);
            int port = NativeCore.call("vg_connect_redirect", () -> vg_core_h.vg_connect_redirect(listenerFd, req, relayPort, err));
            if (port < 0) {
                throw NativeCore.failure("redirect a connect", err);
            }
            return port;
        }
    }

    /**
     * Makes the request's call on vg's copy of the socket, as asked, and answers the request with its
     * result (the kernel does not run the held call). A blocking socket's connect blocks.
     */
    public static void perform(int listenerFd, ConnectRequest request) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = segment(arena, request);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_net_perform", () -> vg_core_h.vg_net_perform(listenerFd, req, err)) < 0) {
                throw NativeCore.failure("perform a socket call", err);
            }
        }
    }

    /** What {@link #handover} did. */
    public enum Handover {
        /** The sandbox's socket was replaced by a connected socket of vg's network namespace. */
        HANDED_OVER,
        /** The connect failed; the request was answered with its errno. */
        FAILED,
        /** This socket cannot be handed over (not TCP, bound to a port, O_ASYNC): not answered, relay it. */
        NOT_POSSIBLE
    }

    /**
     * Connects a socket of vg's network namespace to the request's destination and installs it in
     * the sandbox in place of the request's socket (see vg_connect_handover). Blocks up to the timeout.
     */
    public static Handover handover(int listenerFd, ConnectRequest request, int timeoutMillis) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = segment(arena, request);
            MemorySegment err = vg_error.allocate(arena);
            int rc = NativeCore.call("vg_connect_handover", () -> vg_core_h.vg_connect_handover(listenerFd, req, timeoutMillis, err));
            return switch (rc) {
                case 1 -> Handover.HANDED_OVER;
                case 0 -> Handover.FAILED;
                case 2 -> Handover.NOT_POSSIBLE;
                default -> throw NativeCore.failure("hand a connection over", err);
            };
        }
    }

    /** Answers a held socket ioctl so that it shows only the network namespace of {@code sandboxCookie} (see vg_net_ioctl). */
    public static void ioctl(int listenerFd, ConnectRequest request, long sandboxCookie) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = segment(arena, request);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_net_ioctl", () -> vg_core_h.vg_net_ioctl(listenerFd, req, sandboxCookie, err)) < 0) {
                throw NativeCore.failure("answer a socket ioctl", err);
            }
        }
    }

    /** The cookie of the network namespace socket {@code fd} lives in. */
    public static long netnsCookie(int fd) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cookie = arena.allocate(vg_core_h.C_LONG);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_netns_cookie", () -> vg_core_h.vg_netns_cookie(fd, cookie, err)) < 0) {
                throw NativeCore.failure("network namespace cookie", err);
            }
            return cookie.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    private static MemorySegment segment(Arena arena, ConnectRequest request) {
        MemorySegment req = vg_connect_request.allocate(arena);
        vg_connect_request.id(req, request.id());
        vg_connect_request.pid(req, request.pid());
        vg_connect_request.call(req, request.call());
        vg_connect_request.family(req, request.family());
        vg_connect_request.socket_fd(req, request.socketFd());
        vg_connect_request.socket_type(req, request.socketType());
        vg_connect_request.socket_protocol(req, request.socketProtocol());
        vg_connect_request.netns_cookie(req, request.netnsCookie());
        vg_connect_request.port(req, request.port());
        MemorySegment.copy(request.address(), 0, vg_connect_request.address(req), ValueLayout.JAVA_BYTE, 0, request.address().length);
        vg_connect_request.backlog(req, request.backlog());
        vg_connect_request.fd_number(req, request.fdNumber());
        vg_connect_request.ioctl_cmd(req, request.ioctlCmd());
        vg_connect_request.ioctl_arg(req, request.ioctlArg());
        return req;
    }

    /** A TCP connection from vg's own network namespace; the failure's errno says why not. */
    public static int tcpConnect(int family, byte[] address, int port, int timeoutMillis) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(16);
            MemorySegment.copy(address, 0, addr, ValueLayout.JAVA_BYTE, 0, address.length);
            MemorySegment err = vg_error.allocate(arena);
            int fd = NativeCore.call("vg_tcp_connect", () -> vg_core_h.vg_tcp_connect(family, addr, port, timeoutMillis, err));
            if (fd < 0) {
                throw NativeCore.failure("connect", err);
            }
            return fd;
        }
    }

    /** An accepted connection and its peer's port. */
    public record Accepted(int fd, int peerPort) {}

    /** The next connection, or null when none came within the timeout. */
    public static Accepted accept(int listenerFd, int timeoutMillis) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment peerPort = arena.allocate(vg_core_h.C_INT);
            MemorySegment err = vg_error.allocate(arena);
            int fd = NativeCore.call("vg_accept", () -> vg_core_h.vg_accept(listenerFd, timeoutMillis, peerPort, err));
            if (fd < 0) {
                if (vg_error.errnum(err) == 11 /* EAGAIN */ || vg_error.errnum(err) == 4 /* EINTR */) {
                    return null;
                }
                throw NativeCore.failure("accept", err);
            }
            return new Accepted(fd, peerPort.get(ValueLayout.JAVA_INT, 0));
        }
    }

    /** Copies both ways until both ended; bytes {@code [a to b, b to a]}. Blocks: run it on its own platform thread. */
    public static long[] relay(int fdA, int fdB) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(vg_core_h.C_LONG, 2);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_relay", () -> vg_core_h.vg_relay(fdA, fdB, bytes, err)) < 0) {
                throw NativeCore.failure("relay", err);
            }
            return bytes.toArray(ValueLayout.JAVA_LONG);
        }
    }

    /** What the peer sent so far without consuming it, waiting up to the timeout for {@code wanted} bytes. */
    public static byte[] peek(int fd, int timeoutMillis, int wanted, int capacity) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(capacity);
            MemorySegment err = vg_error.allocate(arena);
            int n = NativeCore.call("vg_peek", () -> vg_core_h.vg_peek(fd, timeoutMillis, wanted, buf, capacity, err));
            if (n < 0) {
                throw NativeCore.failure("peek", err);
            }
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** The next datagram, or null when none came within the timeout. */
    public static Datagram datagramReceive(int fd, int timeoutMillis) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(65536);
            MemorySegment peer = arena.allocate(PEER_BYTES);
            MemorySegment err = vg_error.allocate(arena);
            int n = NativeCore.call("vg_datagram_receive", () -> vg_core_h.vg_datagram_receive(fd, timeoutMillis, buf, 65536, peer, err));
            if (n < 0) {
                if (vg_error.errnum(err) == 11 /* EAGAIN */ || vg_error.errnum(err) == 4 /* EINTR */) {
                    return null;
                }
                throw NativeCore.failure("receive a datagram", err);
            }
            return new Datagram(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), peer.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    public static void datagramSend(int fd, byte[] data, byte[] peer) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
            MemorySegment to = arena.allocateFrom(ValueLayout.JAVA_BYTE, peer);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_datagram_send", () -> vg_core_h.vg_datagram_send(fd, buf, data.length, to, err)) < 0) {
                throw NativeCore.failure("send a datagram", err);
            }
        }
    }
}
