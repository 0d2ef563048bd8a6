package dev.vectraguard.egress;

import dev.vectraguard.nativecore.EgressCalls;
import dev.vectraguard.nativecore.EgressCalls.EpollEvents;
import dev.vectraguard.nativecore.NativeCoreException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that waits for the egress descriptors of every sandbox of this JVM (started with
 * the first {@link EgressSession}) and hands each ready one to its session. A sandbox that never uses
 * the network costs it two epoll calls, not a thread of its own. Descriptors are unwatched from any
 * thread without waiting for this one (epoll holds no reference to them), so a session closes its
 * sockets, and its network namespace is empty again, as soon as its sandbox is gone.
 */
final class EgressPoller {
    /** A token is the session's id shifted left by this, plus which of its descriptors is ready. */
    static final int WHICH_BITS = 2;

    private static EgressPoller instance; // guarded by EgressPoller.class

    private final int epollFd;
    private final Map<Long, EgressSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();

    private EgressPoller(int epollFd) {
        this.epollFd = epollFd;
    }

    static synchronized EgressPoller get() throws NativeCoreException {
        if (instance == null) {
            EgressPoller poller = new EgressPoller(EgressCalls.epollOpen());
            Thread.ofPlatform().name("vg-egress").daemon().start(poller::serve);
            instance = poller;
        }
        return instance;
    }

    /** A session id never used before in this JVM. */
    long newId() {
        return lastId.incrementAndGet();
    }

    /** Serves {@code fds} of {@code session}: {@code fds[i]} is handed to it as {@code which = i}. */
    void watch(long id, EgressSession session, int[] fds) throws NativeCoreException {
        long[] tokens = new long[fds.length];
        for (int i = 0; i < fds.length; i++) {
            tokens[i] = (id << WHICH_BITS) | i;
        }
        sessions.put(id, session);
        try {
            EgressCalls.epollWatch(epollFd, fds, tokens);
        } catch (NativeCoreException e) {
            sessions.remove(id);
            throw e;
        }
    }

    /** Stops serving {@code fds}; the caller may close them right after. */
    void unwatch(int... fds) {
        EgressCalls.epollUnwatch(epollFd, fds);
    }

    /** Forgets a session whose descriptors are all unwatched. */
    void forget(long id) {
        sessions.remove(id);
    }

    private void serve() {
        try (EpollEvents events = new EpollEvents()) {
            while (true) {
                EgressCalls.epollNext(epollFd, -1, events);
                for (int i = 0; i < events.count(); i++) {
                    long token = events.token(i);
                    EgressSession session = sessions.get(token >>> WHICH_BITS);
                    if (session == null) {
                        continue; // closed meanwhile
                    }
                    try {
                        session.ready((int) (token & ((1 << WHICH_BITS) - 1)), events.events(i));
                    } catch (RuntimeException e) {
                        session.fail(e);
                    }
                }
            }
        } catch (NativeCoreException e) {
            // Cannot happen short of a broken epoll descriptor. Later sandboxes get a poller of their own;
            // held connects of running ones wait until their sandbox ends, so say why.
            synchronized (EgressPoller.class) {
                if (instance == this) {
                    instance = null;
                }
            }
            System.err.println("vg: network: the egress thread stopped: " + e.getMessage());
        }
    }
}
