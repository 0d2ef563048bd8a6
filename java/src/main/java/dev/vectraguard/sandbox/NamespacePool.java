package dev.vectraguard.sandbox;

import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.nativecore.PreparedNamespaces;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The user and network namespaces of the next sandbox, made in the background while the current one
 * runs: a network namespace is the costliest part of a sandbox to make (the kernel registers every
 * sysctl of the network stack in it). Each pair serves exactly one sandbox, so every sandbox still
 * has a network of its own. A JVM starts making pairs at its second sandbox (a one-shot CLI run does
 * not pay for a pair it would never use); a caller that cannot make them (not dumpable) makes its
 * namespaces at spawn time, as without this pool.
 */
final class NamespacePool {
    private static final Map<Long, PreparedNamespaces> READY = new ConcurrentHashMap<>();
    private static final Set<Long> PREPARING = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final AtomicLong SERVED = new AtomicLong();
    private static final ExecutorService PREPARER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "vg-namespace-preparer");
        thread.setDaemon(true);
        return thread;
    });
    private static volatile boolean unavailable;

    private NamespacePool() {}

    /** A pair made for these ids, if one is ready (the caller closes it after the spawn); else null. */
    static PreparedNamespaces take(int uid, int gid) {
        STARTS.incrementAndGet();
        PreparedNamespaces pair = unavailable ? null : READY.remove(key(uid, gid));
        if (pair != null) {
            SERVED.incrementAndGet();
        }
        return pair;
    }

    /** How many sandboxes of this JVM started from prepared namespaces. */
    static long served() {
        return SERVED.get();
    }

    /** Makes the next pair for these ids in the background, unless one is ready or being made. */
    static void replenish(int uid, int gid) {
        long key = key(uid, gid);
        if (unavailable || STARTS.get() < 2 || READY.containsKey(key) || !PREPARING.add(key)) {
            return;
        }
        PREPARER.execute(() -> {
            try {
                PreparedNamespaces pair = NativeCore.prepareNamespaces(uid, gid);
                PreparedNamespaces previous = READY.putIfAbsent(key, pair);
                if (previous != null) {
                    pair.close();
                }
            } catch (NativeCoreException | RuntimeException e) {
                unavailable = true; // spawns make their own namespaces, and report any real problem
            } finally {
                PREPARING.remove(key);
            }
        });
    }

    private static long key(int uid, int gid) {
        return ((long) uid << 32) | (gid & 0xffffffffL);
    }
}
