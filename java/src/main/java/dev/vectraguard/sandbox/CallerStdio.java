package dev.vectraguard.sandbox;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The caller's standard streams for a sandbox launcher that Java starts (bubblewrap, a container
 * engine's client). In the CLI the launcher inherits vg's own. A vg server's client's streams are
 * descriptors of the server, and Java cannot hand a child an arbitrary descriptor: each one is
 * opened again through /proc (the same terminal, pipe or file; a file is appended to). One that
 * cannot be (a socket, as Node-based agents give their commands, or a pipe or terminal of another
 * user), or a file the caller writes at its offset, reaches the launcher through a pipe of vg's own
 * instead, which a thread copies to or from the caller's descriptor (whose flags stay as they are:
 * other processes share it).
 *
 * <p>The sandbox ends when the launcher has ended and its output has been copied out
 * ({@link #watch}), so the status never comes before the output; the stdin copy stops when the
 * launcher ends (a stdin that never ends holds nothing). As with the command's own descriptors, a
 * caller that does not take the output holds the status until the timeout (124) or a signal from
 * vg, and after vg killed the sandbox, output the caller does not take within a second is dropped.
 */
public final class CallerStdio {
    /** After the launcher exited, how long an output copy waits for bytes still on their way. */
    private static final int END_WAIT_MILLIS = 100;
    private static final Duration KILLED_GRACE = Duration.ofSeconds(1);
    private static final int SIGKILL = 9;
    private static final int O_APPEND = 02000;
    private static final List<String> STREAMS = List.of("stdin", "stdout", "stderr");

    private final ProcessBuilder.Redirect[] redirects = new ProcessBuilder.Redirect[3];
    private final Copy[] copies = new Copy[3];
    /** The pipe ends vg holds; copy threads close theirs, so guarded by itself (never held while joining). */
    private final List<Integer> openFds = new ArrayList<>();
    /** Hangs up (its write end closed) when the launcher has ended: the copies finish. */
    private int[] ended;
    /** Hangs up when the output copies are to stop at once. */
    private int[] abandoned;
    /** The copies have finished and the pipes are closed. */
    private boolean finished;

    /** One stream copied through a pipe: the launcher's end is opened again through /proc, vg's end is copied. */
    private static final class Copy {
        final int stream;
        final int callerFd;
        final int launcherEnd;
        final int ownEnd;
        Thread thread;

        Copy(int stream, int callerFd, int launcherEnd, int ownEnd) {
            this.stream = stream;
            this.callerFd = callerFd;
            this.launcherEnd = launcherEnd;
            this.ownEnd = ownEnd;
        }
    }

    private CallerStdio() {}

    /** Decides how each stream reaches the launcher; the pipes of the copies are made here. */
    public static CallerStdio of(SandboxSpec spec) throws SandboxException {
        Caller caller = Caller.current();
        CallerStdio stdio = new CallerStdio();
        try {
            stdio.redirects[0] = switch (spec.stdin()) {
                case INHERIT -> Caller.isRemote() ? stdio.remote(0, caller.stdinFd()) : ProcessBuilder.Redirect.INHERIT;
                case PIPE -> ProcessBuilder.Redirect.PIPE;
                case DISCARD -> ProcessBuilder.Redirect.from(new File("/dev/null"));
            };
            stdio.redirects[1] = stdio.output(spec.stdout(), 1, caller.stdoutFd());
            stdio.redirects[2] = stdio.output(spec.stderr(), 2, caller.stderrFd());
            return stdio;
        } catch (SandboxException | RuntimeException e) {
            stdio.discard();
            throw e;
        }
    }

    private ProcessBuilder.Redirect output(Stdio stdio, int stream, int callerFd) throws SandboxException {
        return switch (stdio) {
            case INHERIT -> Caller.isRemote() ? remote(stream, callerFd) : ProcessBuilder.Redirect.INHERIT;
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case DISCARD -> ProcessBuilder.Redirect.DISCARD;
        };
    }

    private ProcessBuilder.Redirect remote(int stream, int callerFd) throws SandboxException {
        boolean output = stream != 0;
        if (!NativeCore.available() || reopens(callerFd, output) && !(output && writesAtItsOffset(callerFd))) {
            return redirect(callerFd, output);
        }
        try {
            if (ended == null) {
                ended = track(NativeCore.pipe());
                abandoned = track(NativeCore.pipe());
            }
            int[] pipe = track(NativeCore.pipe());
            Copy copy = output ? new Copy(stream, callerFd, pipe[1], pipe[0]) : new Copy(stream, callerFd, pipe[0], pipe[1]);
            copies[stream] = copy;
            return redirect(copy.launcherEnd, output);
        } catch (NativeCoreException e) {
            throw new SandboxException("sandbox setup failed: cannot make a pipe for the command's " + STREAMS.get(stream)
                    + ": " + e.getMessage());
        }
    }

    /** Whether the caller's descriptor opens again through /proc as the JDK will open it (a socket does not). */
    private static boolean reopens(int fd, boolean output) {
        try {
            int probe = NativeCore.open("/proc/self/fd/" + fd,
                    (output ? NativeCore.O_WRONLY : NativeCore.O_RDONLY) | NativeCore.O_NONBLOCK | NativeCore.O_NOCTTY);
            NativeCore.close(probe);
            return true;
        } catch (NativeCoreException e) {
            return false;
        }
    }

    /**
     * Whether the caller writes a regular file at its own offset (no O_APPEND): an opening of the
     * launcher's own would append instead, and the caller's next write would land over the command's
     * output ({@code { vg exec -- echo one; echo two; } > file}). A copy writes through the caller's
     * descriptor, at its offset.
     */
    private static boolean writesAtItsOffset(int fd) {
        try {
            if (!Files.isRegularFile(Path.of("/proc/self/fd/" + fd))) {
                return false;
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring("flags:".length()).strip(), 8) & O_APPEND) == 0;
                }
            }
            return false;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static ProcessBuilder.Redirect redirect(int fd, boolean output) {
        File file = new File("/proc/self/fd/" + fd);
        return output ? ProcessBuilder.Redirect.appendTo(file) : ProcessBuilder.Redirect.from(file);
    }

    private int[] track(int[] pipe) {
        synchronized (openFds) {
            openFds.add(pipe[0]);
            openFds.add(pipe[1]);
        }
        return pipe;
    }

    /** Whether {@code stream} (0 stdin, 1 stdout, 2 stderr) goes through a copy rather than the caller's own descriptor. */
    public boolean copies(int stream) {
        return copies[stream] != null;
    }

    /** Gives {@code builder} the three streams. */
    public ProcessBuilder applyTo(ProcessBuilder builder) {
        return builder.redirectInput(redirects[0]).redirectOutput(redirects[1]).redirectError(redirects[2]);
    }

    /**
     * The launcher started: closes vg's copies of its ends of the pipes and starts the copies. The
     * launcher's end is the returned process's end, which waits for them.
     */
    public WatchedProcess watch(WatchedProcess launcher) {
        boolean any = false;
        for (Copy copy : copies) {
            if (copy != null) {
                any = true;
                closeTracked(copy.launcherEnd);
                copy.thread = Thread.ofPlatform().daemon().name("vg-copy-" + STREAMS.get(copy.stream)).start(() -> run(copy));
            }
        }
        return any ? new Copied(launcher) : launcher;
    }

    private void run(Copy copy) {
        try {
            if (copy.stream == 0) {
                NativeCore.copy(copy.callerFd, copy.ownEnd, -1, 0, ended[0]);
            } else {
                NativeCore.copy(copy.ownEnd, copy.callerFd, ended[0], END_WAIT_MILLIS, abandoned[0]);
            }
        } catch (NativeCoreException e) {
            // the caller's stream closed (EPIPE), or its reader went away: the command sees its own end fail
        } finally {
            // stdin: the command reads EOF; stdout/stderr: the command's further writes fail, as on the caller's stream
            closeTracked(copy.ownEnd);
        }
    }

    /**
     * The launcher ended: lets the copies finish within {@code maxWait} (null: as long as they take):
     * stdin stops at once, output is copied out, for at most {@link #KILLED_GRACE} more once vg
     * killed the sandbox. True once all have finished (what is left is closed then).
     */
    private synchronized boolean settle(boolean killed, Duration maxWait) {
        if (finished) {
            return true;
        }
        long start = System.nanoTime();
        closeTracked(ended[1]);
        join(copies[0], null);
        if (killed) {
            join(copies[1], KILLED_GRACE, start);
            join(copies[2], KILLED_GRACE, start);
            abandon();
        }
        join(copies[1], maxWait, start);
        join(copies[2], maxWait, start);
        for (Copy copy : copies) {
            if (copy != null && copy.thread != null && copy.thread.isAlive()) {
                return false;
            }
        }
        finished = true;
        discard();
        return true;
    }

    /** The output copies stop at once. */
    private void abandon() {
        closeTracked(abandoned[1]);
    }

    private static void join(Copy copy, Duration maxWait) {
        join(copy, maxWait, System.nanoTime());
    }

    /** Waits for {@code copy} until {@code maxWait} after {@code startNanos} (null: for as long as it takes). */
    private static void join(Copy copy, Duration maxWait, long startNanos) {
        if (copy == null || copy.thread == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                if (maxWait == null) {
                    copy.thread.join();
                } else {
                    long left = maxWait.toNanos() - (System.nanoTime() - startNanos);
                    if (left > 0) {
                        copy.thread.join(Duration.ofNanos(left));
                    }
                }
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeTracked(int fd) {
        synchronized (openFds) {
            if (openFds.remove((Integer) fd)) {
                NativeCore.close(fd);
            }
        }
    }

    /** Closes every pipe end vg still holds: for a launcher that did not start, or once the copies are done. */
    public void discard() {
        synchronized (openFds) {
            for (Integer fd : List.copyOf(openFds)) {
                closeTracked(fd);
            }
        }
    }

    /**
     * The launcher, whose end is the end of the copies too: until its output has been copied out,
     * the sandbox has not ended (so the timeout still applies), and a signal then (vg told to stop
     * the command, which is gone) drops what the caller has not taken.
     */
    private final class Copied implements WatchedProcess {
        private final WatchedProcess launcher;
        private volatile boolean killed;
        private volatile boolean launcherEnded;

        Copied(WatchedProcess launcher) {
            this.launcher = launcher;
        }

        @Override
        public int pid() {
            return launcher.pid();
        }

        @Override
        public OptionalInt waitFor(int timeoutMillis) throws SandboxException {
            long start = System.nanoTime();
            OptionalInt status = launcher.waitFor(timeoutMillis);
            if (status.isEmpty()) {
                return status;
            }
            launcherEnded = true;
            Duration left = timeoutMillis < 0 ? null
                    : Duration.ofMillis(timeoutMillis).minusNanos(System.nanoTime() - start);
            return settle(killed, left) ? status : OptionalInt.empty();
        }

        @Override
        public void kill(int signal) throws SandboxException {
            if (signal == SIGKILL) {
                killed = true;
            }
            if (launcherEnded) {
                abandon();
            }
            launcher.kill(signal);
        }

        @Override
        public void release() {
            settle(true, null);
            launcher.release();
        }

        @Override
        public long peakMemoryBytes() {
            return launcher.peakMemoryBytes();
        }
    }
}
