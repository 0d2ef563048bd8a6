package dev.vectraguard.sandbox;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What is left to do once a sandbox has ended — reap its init while the kernel tears down its mounts
 * and namespaces, then hand its cgroups back for reuse — done on one background thread, off the path
 * of the caller's next sandbox. A JVM that exits waits (briefly) for it.
 */
final class SandboxCleanup {
    private static final long DRAIN_SECONDS = 5;
    private static final ExecutorService CLEANER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "vg-sandbox-cleanup");
        thread.setDaemon(true);
        return thread;
    });

    private SandboxCleanup() {}

    /** Runs {@code task} in the background; here and now when the JVM is already shutting down. */
    static void later(Runnable task) {
        try {
            CLEANER.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            task.run();
        }
    }

    /** Waits until everything queued so far is done (tests). */
    static void awaitIdle() throws Exception {
        CLEANER.submit(() -> { }).get();
    }

    /** At JVM exit (ResourceControl's hook): waits for what is queued. */
    static void drain() {
        CLEANER.shutdown();
        try {
            CLEANER.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
