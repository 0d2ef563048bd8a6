package dev.vectraguard.mcp;

import dev.vectraguard.guard.CapturedRun;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The runs of the tool calls in progress, by JSON-RPC request id, so that a cancellation can end one. */
final class InFlightCalls {
    private final Map<Object, CapturedRun> runs = new ConcurrentHashMap<>();

    /** A request id as a map key: the number 7 and the string "7" differ, 7 and 7L do not. */
    static Object key(Object requestId) {
        return requestId instanceof Number number ? (Object) number.longValue() : String.valueOf(requestId);
    }

    void add(Object requestId, CapturedRun run) {
        runs.put(key(requestId), run);
    }

    void remove(Object requestId) {
        synchronized (runs) {
            runs.remove(key(requestId));
            runs.notifyAll();
        }
    }

    /** Cancels the run of call {@code key}; false when no such call is in progress. */
    boolean cancel(Object key) {
        CapturedRun run = runs.get(key);
        if (run == null) {
            return false;
        }
        run.cancel();
        return true;
    }

    /** Cancels every run (the client has gone) and waits at most {@code limit} for the calls to end. */
    void cancelAll(Duration limit) {
        runs.values().forEach(CapturedRun::cancel);
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (runs) {
            while (!runs.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    runs.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
