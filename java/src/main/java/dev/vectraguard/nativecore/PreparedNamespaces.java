package dev.vectraguard.nativecore;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user namespace (ids {@link #uid()}/{@link #gid()} inside, mapped to the caller's) and, owned by it,
 * a network namespace with loopback up, made ahead of time by {@link NativeCore#prepareNamespaces} for
 * one {@link NativeCore#spawn(SpawnRequest, PreparedNamespaces)}. Holds two descriptors until closed.
 */
public final class PreparedNamespaces implements AutoCloseable {
    private final int uid;
    private final int gid;
    private final int usernsFd;
    private final int netnsFd;
    private final AtomicBoolean closed = new AtomicBoolean();

    PreparedNamespaces(int uid, int gid, int usernsFd, int netnsFd) {
        this.uid = uid;
        this.gid = gid;
        this.usernsFd = usernsFd;
        this.netnsFd = netnsFd;
    }

    public int uid() { return uid; }

    public int gid() { return gid; }

    int usernsFd() { return usernsFd; }

    int netnsFd() { return netnsFd; }

    boolean closed() { return closed.get(); }

    /** Closes both descriptors (the namespaces live on in a sandbox that joined them). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            NativeCore.close(usernsFd);
            NativeCore.close(netnsFd);
        }
    }
}
