package dev.vectraguard.guard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A run for an entry that is not a terminal (the MCP server): the command reads an empty stdin, its
 * stdout and stderr are captured up to a bound each, it starts in a chosen directory, and
 * {@link #cancel} ends it (and everything it started) from any thread, also before it starts.
 * Pass one to {@link Guard#judgeAndRun(GuardRequest, Guard.Reporter, Guard.Approver, CapturedRun)};
 * one instance serves one call.
 */
public final class CapturedRun {
    /** How long the output of a finished command may still be read (a host command's background child may hold it open). */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

    private final Path workingDirectory;
    private final BoundedOutput stdout;
    private final BoundedOutput stderr;
    private final List<Thread> pumps = new ArrayList<>(2);
    private boolean cancelled;
    private Runnable kill;

    /**
     * @param workingDirectory where the command starts (a sandboxed one: only inside the workspace)
     * @param limitBytes       how much of each stream is kept: its first and last halves
     */
    public CapturedRun(Path workingDirectory, int limitBytes) {
        this.workingDirectory = Objects.requireNonNull(workingDirectory);
        this.stdout = new BoundedOutput(limitBytes);
        this.stderr = new BoundedOutput(limitBytes);
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    public BoundedOutput stdout() {
        return stdout;
    }

    public BoundedOutput stderr() {
        return stderr;
    }

    /** Ends the command now (SIGKILL to the whole sandbox), or keeps it from starting. */
    public void cancel() {
        Runnable killer;
        synchronized (this) {
            cancelled = true;
            killer = kill;
        }
        if (killer != null) {
            killer.run();
        }
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /** The command has started: {@code killer} ends it; its output is read from now on. */
    void started(Runnable killer, InputStream out, InputStream err) {
        started(killer, out, err, null);
    }

    /** {@link #started(Runnable, InputStream, InputStream)}, the output also written to {@code log} (null: none). */
    void started(Runnable killer, InputStream out, InputStream err, OutputLog log) {
        pumps.add(pump(out, stdout, 1, log, "vg-stdout"));
        pumps.add(pump(err, stderr, 2, log, "vg-stderr"));
        boolean cancelNow;
        synchronized (this) {
            kill = killer;
            cancelNow = cancelled;
        }
        if (cancelNow) {
            killer.run();
        }
    }

    /**
     * The command has ended: waits until its output is read; whatever still holds the pipes open
     * after {@link #OUTPUT_DRAIN} is ended with {@code leftovers}, then the reading is finished.
     */
    void ended(Runnable leftovers) {
        long deadline = System.nanoTime() + OUTPUT_DRAIN.toNanos();
        boolean drained = joinUntil(deadline);
        if (!drained) {
            leftovers.run();
            joinUntil(Long.MAX_VALUE);
        }
        synchronized (this) {
            kill = null;
        }
    }

    private boolean joinUntil(long deadlineNanos) {
        for (Thread pump : pumps) {
            while (pump.isAlive()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    pump.join(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private static Thread pump(InputStream in, BoundedOutput into, int stream, OutputLog log, String name) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (log != null) {
                        log.write(stream, buffer, n);
                    }
                    into.write(buffer, n);
                }
            } catch (IOException e) {
                into.readFailed(e);
            }
        });
    }

    /**
     * One stream of the command: its first and last {@code limit/2} bytes are kept, the middle is
     * only counted; {@link #text()} marks what was left out.
     */
    public static final class BoundedOutput {
        private final byte[] head;
        private final byte[] tail;
        private int headLength;
        private long total;
        private String readError;

        BoundedOutput(int limitBytes) {
            if (limitBytes < 2) {
                throw new IllegalArgumentException("the output limit must be at least 2 bytes; got " + limitBytes);
            }
            this.head = new byte[limitBytes / 2];
            this.tail = new byte[limitBytes - limitBytes / 2];
        }

        synchronized void write(byte[] bytes, int length) {
            for (int i = 0; i < length; i++) {
                if (headLength < head.length) {
                    head[headLength++] = bytes[i];
                } else {
                    tail[(int) ((total - head.length) % tail.length)] = bytes[i];
                }
                total++;
            }
        }

        synchronized void readFailed(IOException e) {
            readError = e.getMessage();
        }

        /** How many bytes the command wrote. */
        public synchronized long totalBytes() {
            return total;
        }

        public synchronized boolean truncated() {
            return total > head.length + tail.length;
        }

        /**
         * The kept bytes as UTF-8 text (bad bytes replaced); when some were left out, a line
         * {@code [vg: N bytes of output left out]} stands where they were.
         */
        public synchronized String text() {
            long tailLength = Math.max(0, Math.min(total - headLength, tail.length));
            byte[] kept = new byte[(int) (headLength + tailLength)];
            System.arraycopy(head, 0, kept, 0, headLength);
            long tailStart = total - tailLength;
            for (int i = 0; i < tailLength; i++) {
                kept[headLength + i] = tail[(int) ((tailStart + i - head.length) % tail.length)];
            }
            String text;
            if (truncated()) {
                text = new String(kept, 0, headLength, StandardCharsets.UTF_8) + "\n[vg: "
                        + (total - headLength - tailLength) + " bytes of output left out]\n"
                        + new String(kept, headLength, (int) tailLength, StandardCharsets.UTF_8);
            } else {
                text = new String(kept, StandardCharsets.UTF_8);
            }
            return readError == null ? text : text + "\n[vg: reading the output failed: " + readError + "]\n";
        }
    }
}
