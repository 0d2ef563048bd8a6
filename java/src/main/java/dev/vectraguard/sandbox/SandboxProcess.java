package dev.vectraguard.sandbox;

import dev.vectraguard.egress.Blocked;
import dev.vectraguard.egress.EgressSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A running sandbox. Closing it kills whatever is still running inside and releases its resources
 * (the kernel's teardown and the removal of its cgroups finish in the background).
 * Exit status: the command's exit code, 128+N when killed by signal N, 124 when its timeout expired.
 */
public final class SandboxProcess implements AutoCloseable {
    public static final int TIMEOUT_STATUS = 124;
    private static final int SIGKILL = 9;

    private final WatchedProcess process;
    private final ResourceControl resources;
    private final Runnable afterExit;
    private final CacheLayers cacheLayers;
    private final CompletableFuture<CacheAdditions> cacheAdditions = new CompletableFuture<>();
    private final EgressSession egress;
    private final Duration timeout;
    private final long startNanos;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final List<String> notices;
    /** Guards signalling against the release of the process handle; never held while waiting. */
    private final Object signalLock = new Object();
    private volatile Integer status;
    private boolean timedOut;
    private boolean closed;

    private SandboxProcess(WatchedProcess process, ResourceControl resources, Runnable afterExit, CacheLayers cacheLayers,
                           EgressSession egress, Duration timeout,
                           OutputStream stdin, InputStream stdout, InputStream stderr, List<String> notices) {
        this.process = process;
        this.resources = resources;
        this.afterExit = afterExit;
        this.cacheLayers = cacheLayers;
        this.egress = egress;
        this.timeout = timeout;
        this.startNanos = System.nanoTime();
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.notices = new java.util.concurrent.CopyOnWriteArrayList<>(notices);
    }

    /**
     * A sandbox that vg's native core started: {@code egress} is its restricted networking (or null);
     * {@code afterExit} (or null) runs on the cleanup thread once every process of the sandbox has
     * exited and its egress session is closed, before its cgroups are released (the native runtime
     * hands the sandbox's prepared namespaces back to its pool there).
     */
    public static SandboxProcess ofNativeCore(WatchedProcess process, ResourceControl resources, CacheLayers cacheLayers,
                                              EgressSession egress, Runnable afterExit, Duration timeout,
                                              OutputStream stdin, InputStream stdout, InputStream stderr, List<String> notices) {
        return new SandboxProcess(process, resources, afterExit, cacheLayers, egress, timeout, stdin, stdout, stderr, notices);
    }

    /**
     * A sandbox that a launcher outside the native core started (bubblewrap): vg watches
     * {@code process}, and {@code resources} (the cgroups it joined) are released when it is closed.
     */
    public static SandboxProcess ofWatched(WatchedProcess process, ResourceControl resources, CacheLayers cacheLayers,
                                           Duration timeout, OutputStream stdin, InputStream stdout, InputStream stderr,
                                           List<String> notices) {
        return new SandboxProcess(process, resources, null, cacheLayers, null, timeout, stdin, stdout, stderr, notices);
    }

    /**
     * A sandbox that an engine outside vg runs (docker, podman): {@code process} is what vg watches,
     * and the engine applies {@code limits} itself ({@code limitsDescription} says how).
     */
    public static SandboxProcess ofEngine(WatchedProcess process, ResourceLimits limits, String limitsDescription,
                                          Duration timeout, OutputStream stdin, InputStream stdout, InputStream stderr,
                                          List<String> notices) {
        return new SandboxProcess(process, ResourceControl.byEngine(limits, limitsDescription), null,
                CacheLayers.create(List.of(), java.nio.file.Path.of("/")), null, timeout, stdin, stdout, stderr, notices);
    }

    /** Pid of the sandbox's init process, in the caller's pid namespace. */
    public int pid() {
        return process.pid();
    }

    /** The command's standard input, when it was asked as {@link Stdio#PIPE}. */
    public OutputStream stdin() {
        return require(stdin, "stdin");
    }

    /** The command's standard output, when it was asked as {@link Stdio#PIPE}. */
    public InputStream stdout() {
        return require(stdout, "stdout");
    }

    /** The command's standard error, when it was asked as {@link Stdio#PIPE}. */
    public InputStream stderr() {
        return require(stderr, "stderr");
    }

    /** What was weakened or worth knowing about this run (one line each). */
    public List<String> notices() {
        return List.copyOf(notices);
    }

    /** Adds a line to {@link #notices()}, first (which runtime ran it, and why that one). */
    public void addFirstNotice(String notice) {
        notices.addFirst(notice);
    }

    /** The destinations restricted networking refused so far (empty for other network modes). */
    public List<Blocked> blockedDestinations() {
        return egress == null ? List.of() : egress.blocked();
    }

    /** The limits of this sandbox (for tests in this package). */
    ResourceControl resources() {
        return resources;
    }

    /** Which resource limits were applied and how (cgroup v1, v2 or rlimits). */
    public String limitsDescription() {
        return resources.description();
    }

    /** Waits for the sandbox to end, enforcing the spec's timeout. */
    public synchronized int waitFor() throws SandboxException {
        while (status == null) {
            int waitMillis = -1;
            if (timeout != null) {
                long left = timeout.toMillis() - Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
                if (left <= 0) {
                    timedOut = true;
                    kill(SIGKILL);
                    nativeWait(-1);
                    status = TIMEOUT_STATUS;
                    break;
                }
                waitMillis = (int) Math.min(left, Integer.MAX_VALUE);
            }
            OptionalInt result = nativeWait(waitMillis);
            if (result.isPresent()) {
                status = result.getAsInt();
            }
        }
        return status;
    }

    /** Waits at most {@code limit}; empty when the sandbox is still running. */
    public synchronized OptionalInt waitFor(Duration limit) throws SandboxException {
        if (status == null) {
            OptionalInt result = nativeWait((int) Math.min(limit.toMillis(), Integer.MAX_VALUE));
            if (result.isEmpty()) {
                return result;
            }
            status = result.getAsInt();
        }
        return OptionalInt.of(status);
    }

    public boolean isAlive() {
        return status == null;
    }

    /** True when the timeout killed the sandbox. */
    public synchronized boolean timedOut() {
        return timedOut;
    }

    /**
     * True when the command ended because it hit the memory limit: with a memory cgroup, the kernel
     * killed a process of it for lack of memory; with rlimits (where a process is refused memory
     * instead), the command failed after one of its processes came within a quarter of the limit.
     */
    public boolean memoryLimitHit() {
        Integer ended = status;
        return resources.memoryLimitHit(ended, process.peakMemoryBytes());
    }

    /** Once the sandbox ended: the largest resident set any of its processes had, in bytes (0 when unknown). */
    public long peakMemoryBytes() {
        return process.peakMemoryBytes();
    }

    /**
     * Sends a signal to the command (SIGKILL ends everything in the sandbox at once). Safe from any
     * thread, also while another one waits in {@link #waitFor()}; does nothing once the sandbox ended.
     */
    public void signal(int signal) throws SandboxException {
        synchronized (signalLock) {
            if (status == null && !closed) {
                kill(signal);
            }
        }
    }

    /** Kills everything in the sandbox. */
    public void kill() throws SandboxException {
        signal(SIGKILL);
    }

    private void kill(int signal) throws SandboxException {
        process.kill(signal);
    }

    private OptionalInt nativeWait(int timeoutMillis) throws SandboxException {
        return process.waitFor(timeoutMillis);
    }

    @Override
    public synchronized void close() throws SandboxException {
        if (closed) {
            return;
        }
        synchronized (signalLock) {
            closed = true;
        }
        boolean ended = false;
        try {
            if (status == null) {
                kill(SIGKILL);
                OptionalInt result = nativeWait(-1);
                status = result.orElse(128 + SIGKILL);
            }
            ended = true;
        } finally {
            closeQuietly(stdin);
            closeQuietly(stdout);
            closeQuietly(stderr);
            // No process of the sandbox is left once its status is known: a command that wrote nothing
            // into the caches is done now, not after the teardown below.
            boolean nothingToMerge = ended && cacheLayers.nothingToMerge();
            if (nothingToMerge) {
                cacheAdditions.complete(CacheAdditions.NONE);
            }
            SandboxCleanup.later(() -> {
                process.release(); // every process of the sandbox has exited
                if (egress != null) {
                    egress.close(); // before the namespaces go back: it holds sockets in them
                }
                if (afterExit != null) {
                    afterExit.run();
                }
                resources.close();
                try {
                    if (!nothingToMerge) {
                        cacheAdditions.complete(cacheLayers.merge());
                    }
                } catch (RuntimeException e) {
                    cacheAdditions.completeExceptionally(e);
                } catch (Error e) {
                    cacheAdditions.completeExceptionally(e);
                    throw e;
                }
                cacheLayers.remove(); // after the additions are in: nobody waits for it
            });
        }
    }

    /**
     * Completes once the sandbox is closed and gone and the new files its command wrote into the
     * shared caches have been added to them (as additions only: existing entries are never
     * changed); a new file that does not match its hash is refused and listed.
     */
    public CompletableFuture<CacheAdditions> cacheAdditions() {
        return cacheAdditions;
    }

    private static <T> T require(T stream, String name) {
        if (stream == null) {
            throw new IllegalStateException(name + " was not asked for as Stdio.PIPE");
        }
        return stream;
    }

    private static void closeQuietly(AutoCloseable stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (Exception ignored) {
                // the stream belongs to a finished process
            }
        }
    }
}
