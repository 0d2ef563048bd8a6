package dev.vectraguard.sandbox.namespace;

import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.nativecore.PreparedNamespaces;
import dev.vectraguard.sandbox.Capability;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SeccompProfiles;
import dev.vectraguard.sandbox.SecurityLevel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * User and network namespaces for the next sandboxes, made in the background: a network namespace is
 * the costliest part of a sandbox to make and to free (the kernel registers and unregisters every
 * sysctl of the network stack in it). A JVM starts making pairs at its second sandbox (a one-shot CLI
 * run does not pay for a pair it would never use); a caller that cannot make them (not dumpable) makes
 * its namespaces at spawn time, as without this pool.
 *
 * <p>A pair serves one sandbox at a time, so every running sandbox has a network of its own. When that
 * sandbox is gone (every process of it has exited), its pair serves a later sandbox only if
 * {@link #reusable reusable} and its network namespace holds nothing: no socket open, bound or closing,
 * no connection in TIME_WAIT. The kernel frees a closed socket after an RCU grace period (TCP
 * listeners and UDP sockets, such as the relay and DNS sockets of restricted networking), so the
 * namespace is looked at again for up to {@link #RECHECK_MILLIS about a second} before the pair is freed. What a later sandbox can still observe of an
 * earlier one in the same pair is the namespace's statistics counters ({@code /proc/net/snmp}). A
 * sandbox whose pair may not be reused (paranoid, for one) also takes only a pair that served no
 * sandbox before.
 */
final class NamespacePool {
    /** Pairs kept per ids: enough for a sandbox that starts while its predecessor is being cleaned up. */
    static final int KEPT = 4;

    /** A pair in the pool; {@code used}: it served a sandbox already. */
    private record Ready(PreparedNamespaces pair, boolean used) {}

    private static final Map<Long, Deque<Ready>> READY = new ConcurrentHashMap<>();
    private static final Set<Long> PREPARING = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final AtomicLong SERVED = new AtomicLong();
    private static final AtomicLong REUSED = new AtomicLong();
    /** The pauses before each new look at an ended sandbox's namespace, while sockets are left in it. */
    private static final int[] RECHECK_MILLIS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
    /** Makes pairs and looks again at returned ones: one thread. */
    private static final ScheduledExecutorService PREPARER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "vg-namespace-preparer");
        thread.setDaemon(true);
        return thread;
    });
    private static volatile boolean unavailable;

    private NamespacePool() {}

    /**
     * A pair for these ids, if one is ready (give it back with {@link #giveBack} once the sandbox is
     * gone); else null. {@code freshOnly}: only a pair that served no sandbox yet.
     */
    static PreparedNamespaces take(int uid, int gid, boolean freshOnly) {
        STARTS.incrementAndGet();
        if (unavailable) {
            return null;
        }
        Deque<Ready> ready = ready(key(uid, gid));
        Ready taken = null;
        synchronized (ready) {
            for (var it = ready.descendingIterator(); it.hasNext() && taken == null; ) {
                Ready candidate = it.next();
                if (!freshOnly || !candidate.used()) {
                    taken = candidate;
                    it.remove();
                }
            }
        }
        if (taken == null) {
            return null;
        }
        SERVED.incrementAndGet();
        return taken.pair();
    }

    /** How many sandboxes of this JVM started from prepared namespaces. */
    static long served() {
        return SERVED.get();
    }

    /** How many pairs of this JVM went back to the pool after their sandbox had ended. */
    static long reused() {
        return REUSED.get();
    }

    /**
     * Makes the next pair for these ids in the background, unless one is ready (a fresh one, with
     * {@code freshOnly}) or being made.
     */
    static void replenish(int uid, int gid, boolean freshOnly) {
        long key = key(uid, gid);
        Deque<Ready> ready = ready(key);
        synchronized (ready) {
            boolean available = freshOnly ? ready.stream().anyMatch(r -> !r.used()) : !ready.isEmpty();
            if (unavailable || STARTS.get() < 2 || available || !PREPARING.add(key)) {
                return;
            }
        }
        PREPARER.execute(() -> {
            try {
                PreparedNamespaces pair = NativeCore.prepareNamespaces(uid, gid);
                if (!offer(pair, false)) {
                    pair.close();
                }
            } catch (NativeCoreException | RuntimeException e) {
                unavailable = true; // spawns make their own namespaces, and report any real problem
            } finally {
                PREPARING.remove(key);
            }
        });
    }

    /**
     * Called once every process of the sandbox that used {@code pair} has exited: keeps the pair for a
     * later sandbox when {@code reusable} and its network namespace holds nothing; else closes it.
     */
    static void giveBack(PreparedNamespaces pair, boolean reusable) {
        if (reusable) {
            returnWhenEmpty(pair, 0);
        } else {
            pair.close();
        }
    }

    /** Keeps the pair once its network namespace holds nothing; looks again later while it does. */
    private static void returnWhenEmpty(PreparedNamespaces pair, int looked) {
        try {
            if (!unavailable && pair.socketsLeft() == 0) {
                if (offer(pair, true)) {
                    REUSED.incrementAndGet();
                } else {
                    pair.close();
                }
                return;
            }
            if (!unavailable && looked < RECHECK_MILLIS.length) {
                PREPARER.schedule(() -> returnWhenEmpty(pair, looked + 1), RECHECK_MILLIS[looked], TimeUnit.MILLISECONDS);
                return;
            }
        } catch (NativeCoreException | RuntimeException e) {
            // unreadable statistics are never "nothing left"; a JVM shutting down refuses the task
        }
        pair.close();
    }

    /**
     * Whether the namespaces of a sandbox made from {@code spec} may serve a later one: never at the
     * paranoid level (nothing of one sandbox reaches the next, not even network statistics); else
     * only if nothing in it could change them beyond its sockets: a seccomp profile that denies the
     * kernel keyrings (kept per user namespace; the shipped moderate and strict do) and no capability
     * that administers the network (addresses, routes, firewall, raw packets) or the namespaces.
     */
    static boolean reusable(SandboxSpec spec) throws SandboxException {
        return spec.profile().level() != SecurityLevel.PARANOID
                && SeccompProfiles.deniesKeyrings(spec.seccompProfile())
                && !spec.capabilities().contains(Capability.NET_ADMIN)
                && !spec.capabilities().contains(Capability.NET_RAW)
                && !spec.capabilities().contains(Capability.SYS_ADMIN);
    }

    /** Adds a pair unless {@link #KEPT} are there; a fresh pair takes the place of the oldest used one. */
    private static boolean offer(PreparedNamespaces pair, boolean used) {
        Deque<Ready> ready = ready(key(pair.uid(), pair.gid()));
        synchronized (ready) {
            if (ready.size() >= KEPT) {
                Ready oldestUsed = used ? null : ready.stream().filter(Ready::used).findFirst().orElse(null);
                if (oldestUsed == null) {
                    return false;
                }
                ready.remove(oldestUsed);
                oldestUsed.pair().close();
            }
            ready.addLast(new Ready(pair, used));
            return true;
        }
    }

    private static Deque<Ready> ready(long key) {
        return READY.computeIfAbsent(key, k -> new ArrayDeque<>());
    }

    private static long key(int uid, int gid) {
        return ((long) uid << 32) | (gid & 0xffffffffL);
    }
}
