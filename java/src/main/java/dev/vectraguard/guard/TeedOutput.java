package dev.vectraguard.guard;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The stdout and stderr of a sandboxed command whose output is logged: read from the command's
 * pipes, written to the {@link OutputLog} and on to the caller's own streams. The caller's
 * descriptors (a vg server's client's, or shared with other processes) are written by vg_copy from a
 * pipe of vg's own, so their flags stay as they are. When the caller's stream fails (its reader went
 * away), the command's pipe is closed: its next write fails, as on that stream.
 */
final class TeedOutput {
    /** After a timeout killed the sandbox, how long output the caller does not take is still offered. */
    private static final Duration KILLED_GRACE = Duration.ofSeconds(1);

    private final OutputLog log;
    private final List<Thread> threads = new ArrayList<>(4);
    private int[] abandoned;

    private TeedOutput(OutputLog log) {
        this.log = log;
    }

    /** Starts copying {@code process}'s stdout and stderr (asked as pipes) to {@code log} and the caller. */
    static TeedOutput start(SandboxProcess process, OutputLog log) throws SandboxException {
        TeedOutput tee = new TeedOutput(log);
        Caller caller = Caller.current();
        try {
            OutputStream stdout = tee.destination(caller.stdoutFd(), FileDescriptor.out);
            OutputStream stderr = tee.destination(caller.stderrFd(), FileDescriptor.err);
            tee.pump(process.stdout(), 1, stdout);
            tee.pump(process.stderr(), 2, stderr);
            return tee;
        } catch (NativeCoreException | IOException e) {
            tee.closeOwn();
            throw new SandboxException("cannot pass on the command's output: " + e.getMessage());
        }
    }

    /** Where the caller's descriptor {@code fd} is written: through vg_copy, or (without the C core, in the CLI) directly. */
    private OutputStream destination(int fd, FileDescriptor own) throws NativeCoreException, IOException {
        if (!NativeCore.available()) {
            return new FileOutputStream(own) {
                @Override
                public void close() {
                    // vg's own stdout or stderr stays open
                }
            };
        }
        if (abandoned == null) {
            abandoned = NativeCore.pipe();
        }
        int[] pipe = NativeCore.pipe();
        FileOutputStream into;
        try {
            into = new FileOutputStream("/proc/self/fd/" + pipe[1]);
        } catch (IOException e) {
            NativeCore.close(pipe[0]);
            throw e;
        } finally {
            NativeCore.close(pipe[1]);
        }
        int abandon = abandoned[0];
        threads.add(Thread.ofPlatform().daemon().name("vg-copy-logged").start(() -> {
            try {
                NativeCore.copy(pipe[0], fd, -1, 0, abandon);
            } catch (NativeCoreException e) {
                // the caller's stream failed: the pump's next write fails and closes the command's pipe
            } finally {
                NativeCore.close(pipe[0]);
            }
        }));
        return into;
    }

    private void pump(InputStream in, int stream, OutputStream to) {
        threads.addFirst(Thread.ofPlatform().daemon().name("vg-log-" + (stream == 1 ? "stdout" : "stderr")).start(() -> {
            byte[] buffer = new byte[8192];
            try (in; to) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    log.write(stream, buffer, n);
                    to.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // the command's pipe closed, or the caller's stream failed
            }
        }));
    }

    /**
     * The command has ended: waits until its output is logged and passed on (at most
     * {@link #KILLED_GRACE} for a caller that does not take it after a timeout), then ends the log.
     */
    String finish(boolean timedOut, int exitCode) {
        long deadline = System.nanoTime() + KILLED_GRACE.toNanos();
        for (Thread thread : threads) {
            join(thread, timedOut ? deadline : Long.MAX_VALUE);
        }
        if (abandoned != null) {
            NativeCore.close(abandoned[1]); // the copies still waiting for the caller return at once
        }
        for (Thread thread : threads) {
            join(thread, Long.MAX_VALUE);
        }
        if (abandoned != null) {
            NativeCore.close(abandoned[0]);
        }
        return log.finish(exitCode);
    }

    private void closeOwn() {
        if (abandoned != null) {
            NativeCore.close(abandoned[1]);
            NativeCore.close(abandoned[0]);
        }
    }

    private static void join(Thread thread, long deadlineNanos) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            long left = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                if (left == Long.MAX_VALUE) {
                    thread.join();
                } else {
                    thread.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
