package dev.vectraguard.sandbox;

import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.nativecore.NativeProcess;

import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The process vg watches for one sandbox, whose end is the sandbox's end: the native core's init,
 * the bubblewrap process, or a container engine's client. {@link SandboxProcess} drives it; a runtime
 * outside this package hands one to {@link SandboxProcess#ofEngine}.
 */
public interface WatchedProcess {
    int pid();

    /**
     * Waits up to {@code timeoutMillis} (-1 = forever) until the sandbox has ended.
     *
     * @return its status (exit code, or 128+N when killed by signal N); empty when it still runs
     */
    OptionalInt waitFor(int timeoutMillis) throws SandboxException;

    /** Passes {@code signal} on to the command; SIGKILL ends everything in the sandbox. */
    void kill(int signal) throws SandboxException;

    /** Once the sandbox has ended: frees what watching it held. Idempotent. */
    void release();

    /** Once the sandbox has ended: the largest resident set any of its processes had, in bytes; 0 when unknown. */
    default long peakMemoryBytes() {
        return 0;
    }

    /**
     * {@link #waitFor} for a JDK {@link Process} (bubblewrap, a container engine's client): its exit
     * value, which the JDK already gives as 128+N for a signal.
     */
    static OptionalInt waitFor(Process process, int timeoutMillis) {
        while (true) {
            try {
                if (timeoutMillis < 0) {
                    return OptionalInt.of(process.waitFor());
                }
                return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
                        : OptionalInt.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The native core's sandbox init. */
    static WatchedProcess of(NativeProcess process) {
        return new WatchedProcess() {
            @Override
            public int pid() {
                return process.pid();
            }

            @Override
            public OptionalInt waitFor(int timeoutMillis) throws SandboxException {
                try {
                    return process.waitFor(timeoutMillis);
                } catch (NativeCoreException e) {
                    throw new SandboxException("cannot wait for the sandbox: " + e.getMessage());
                }
            }

            @Override
            public void kill(int signal) throws SandboxException {
                try {
                    process.kill(signal);
                } catch (NativeCoreException e) {
                    throw new SandboxException("cannot signal the sandbox: " + e.getMessage());
                }
            }

            @Override
            public void release() {
                process.release();
            }

            @Override
            public long peakMemoryBytes() {
                return process.peakMemoryBytes();
            }
        };
    }
}
