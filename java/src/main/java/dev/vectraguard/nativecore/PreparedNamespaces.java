package dev.vectraguard.nativecore;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user namespace (ids {@link #uid()}/{@link #gid()} inside, mapped to the caller's) and, owned by it,
 * a network namespace with loopback up, made ahead of time by {@link NativeCore#prepareNamespaces} for
 * {@link NativeCore#spawn(SpawnRequest, PreparedNamespaces)}. Holds three descriptors until closed:
 * the two namespaces and the network namespace's socket statistics ({@link #socketsLeft()}).
 */
public final class PreparedNamespaces implements AutoCloseable {
    private final int uid;
    private final int gid;
    private final int usernsFd;
    private final int netnsFd;
    private final int sockstatFd;
    private final AtomicBoolean closed = new AtomicBoolean();

    PreparedNamespaces(int uid, int gid, int usernsFd, int netnsFd, int sockstatFd) {
        this.uid = uid;
        this.gid = gid;
        this.usernsFd = usernsFd;
        this.netnsFd = netnsFd;
        this.sockstatFd = sockstatFd;
    }

    public int uid() { return uid; }

    public int gid() { return gid; }

    int usernsFd() { return usernsFd; }

    int netnsFd() { return netnsFd; }

    boolean closed() { return closed.get(); }

    /**
     * The sockets still open in the network namespace plus its TCP connections in TIME_WAIT: 0 when
     * no sandbox that used it left anything of its network use behind.
     *
     * @throws NativeCoreException when the statistics cannot be read (never read as "nothing left")
     */
    public int socketsLeft() throws NativeCoreException {
        if (closed.get()) {
            throw new IllegalStateException("prepared namespaces already closed");
        }
        return NativeCore.netnsSockets(sockstatFd);
    }

    /** Closes the descriptors (the namespaces live on in a sandbox that joined them). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            NativeCore.close(usernsFd);
            NativeCore.close(netnsFd);
            NativeCore.close(sockstatFd);
        }
    }
}
