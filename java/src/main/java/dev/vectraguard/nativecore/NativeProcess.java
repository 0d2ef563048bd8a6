package dev.vectraguard.nativecore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;

/**
 * A running sandbox started by {@link NativeCore#spawn}: the pid of its init (in our pid namespace),
 * a pidfd on it and the pipe on which the init reports the command's status. {@link #release()} (or
 * {@link #close()}) reaps the init and closes both; call it once done.
 */
public final class NativeProcess implements AutoCloseable {

    private final int pid;
    private final int pidfd;
    private final int statusFd;
    private volatile boolean released;
    private volatile long peakMemoryBytes;

    NativeProcess(int pid, int pidfd, int statusFd) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.statusFd = statusFd;
    }

    public int pid() { return pid; }

    public int pidfd() { return pidfd; }

    /**
     * Once {@link #waitFor} saw the sandbox end: the largest resident set that any of its processes
     * had, in bytes (0 when unknown).
     */
    public long peakMemoryBytes() { return peakMemoryBytes; }

    /**
     * Waits up to {@code timeoutMs} (-1 = forever) for the sandbox to end: the command and every other
     * process in it are gone. The kernel may still be tearing down its mounts and namespaces;
     * {@link #release()} waits for that.
     *
     * @return the exit status (exit code, or 128+N when killed by signal N); empty on timeout
     */
    public OptionalInt waitFor(int timeoutMs) throws NativeCoreException {
        checkNotReleased();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment proc = segment(arena);
            MemorySegment status = arena.allocate(vg_core_h.C_INT);
            MemorySegment peak = arena.allocate(vg_core_h.C_INT);
            MemorySegment err = vg_error.allocate(arena);
            int result = NativeCore.call("vg_wait", () -> vg_core_h.vg_wait(proc, timeoutMs, status, peak, err));
            if (result < 0) {
                throw NativeCore.failure("wait", err);
            }
            if (result == 0) {
                return OptionalInt.empty();
            }
            peakMemoryBytes = Integer.toUnsignedLong(peak.get(vg_core_h.C_INT, 0)) * 1024;
            return OptionalInt.of(status.get(vg_core_h.C_INT, 0));
        }
    }

    /** Sends {@code signal} to the command (the sandbox init forwards it); SIGKILL ends the whole sandbox. */
    public void kill(int signal) throws NativeCoreException {
        checkNotReleased();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment proc = segment(arena);
            MemorySegment err = vg_error.allocate(arena);
            if (NativeCore.call("vg_kill", () -> vg_core_h.vg_kill(proc, signal, err)) < 0) {
                throw NativeCore.failure("kill", err);
            }
        }
    }

    /**
     * Kills the sandbox if it still runs, waits until its init has exited (a fraction of a millisecond
     * after {@link #waitFor}: the kernel's teardown), reaps it and closes the descriptors. Idempotent.
     */
    public synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment proc = segment(arena);
            NativeCore.call("vg_release", () -> vg_core_h.vg_release(proc));
        }
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "NativeProcess[pid=" + pid + ", pidfd=" + pidfd + (released ? ", released" : "") + "]";
    }

    private MemorySegment segment(Arena arena) {
        MemorySegment proc = vg_process.allocate(arena);
        vg_process.pid(proc, pid);
        vg_process.pidfd(proc, pidfd);
        vg_process.status_fd(proc, statusFd);
        return proc;
    }

    private void checkNotReleased() {
        if (released) {
            throw new IllegalStateException(this + " was released");
        }
    }
}
