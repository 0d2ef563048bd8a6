package dev.vectraguard.guard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The stdout and stderr of one sandboxed run ({@code sandbox.log_output}), in
 * {@code STATE_DIR/output/<UTC time>-<pid>.log}: mode 0600 in a 0700 directory, both streams in the
 * order vg read them, each line marked with its stream ({@code out| }, {@code err| }; a line the other
 * stream cuts continues on a new marked line), between a {@code vg| } line naming the command and one
 * giving its exit status. At most {@link #LIMIT_BYTES} of the file hold output (a {@code vg| [cut]}
 * line marks where the rest was left out); only the {@link #KEPT} most recent logs are kept.
 */
final class OutputLog {
    static final String DIRECTORY = "output";
    static final long LIMIT_BYTES = 8L << 20;
    static final int KEPT = 100;
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final byte[][] PREFIXES = {null, "out| ".getBytes(StandardCharsets.US_ASCII),
            "err| ".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[] NEWLINE = {'\n'};

    private final Path file;
    private final OutputStream out;
    private long logged;
    private long dropped;
    private boolean cut;
    /** The stream whose line is open in the file (1 or 2), 0 at the start of a line. */
    private int openLine;
    private IOException failure;
    private boolean finished;

    private OutputLog(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** A new log for {@code command}, started at {@code started}, in {@code stateDir}; the oldest beyond {@link #KEPT} are removed. */
    static OutputLog create(Path stateDir, String command, Instant started) throws IOException {
        Path dir = stateDir.resolve(DIRECTORY);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " is not a directory");
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------")); // past the umask, and an older dir's mode
        String stem = NAME_TIME.format(started) + "-" + ProcessHandle.current().pid();
        for (int n = 0; ; n++) {
            Path file = dir.resolve(stem + (n == 0 ? "" : "-" + n) + ".log");
            try {
                OutputStream stream = Channels.newOutputStream(Files.newByteChannel(file,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
                OutputLog log = new OutputLog(file, new BufferedOutputStream(stream));
                log.out.write(("vg| command: " + command.replace("\n", "\\n") + "\nvg| started: " + started + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                log.out.flush();
                prune(dir);
                return log;
            } catch (FileAlreadyExistsException taken) {
                // another request of this vg server started in the same millisecond
            }
        }
    }

    private static void prune(Path dir) throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir)) {
            logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        for (Path old : logs.subList(0, Math.max(0, logs.size() - KEPT))) {
            try {
                Files.delete(old);
            } catch (NoSuchFileException e) {
                // another vg removed it
            }
        }
    }

    Path file() {
        return file;
    }

    /** Records {@code length} bytes the command wrote to {@code stream} (1 stdout, 2 stderr). */
    synchronized void write(int stream, byte[] bytes, int length) {
        if (failure != null || finished) {
            return;
        }
        try {
            int at = 0;
            while (at < length && !cut) {
                if (openLine != stream) {
                    if (openLine != 0 && !put(NEWLINE, 0, 1) || !put(PREFIXES[stream], 0, PREFIXES[stream].length)) {
                        break;
                    }
                    openLine = stream;
                }
                int end = at;
                while (end < length && bytes[end] != '\n') {
                    end++;
                }
                boolean lineEnds = end < length;
                int piece = (lineEnds ? end + 1 : end) - at;
                long room = LIMIT_BYTES - logged;
                if (!put(bytes, at, piece)) {
                    at += (int) room;
                    break;
                }
                at += piece;
                if (lineEnds) {
                    openLine = 0;
                }
            }
            if (at < length) {
                dropped += length - at;
            }
            out.flush();
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Writes as much of the piece as the bound leaves room for; false (and the cut marked) when not all of it. */
    private boolean put(byte[] bytes, int offset, int length) throws IOException {
        long room = LIMIT_BYTES - logged;
        int fits = (int) Math.min(length, Math.max(0, room));
        out.write(bytes, offset, fits);
        logged += fits;
        if (fits < length) {
            cut = true;
            out.write(("\nvg| [cut: the log keeps the first " + LIMIT_BYTES + " bytes; the rest of the output is not logged]\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return false;
        }
        return true;
    }

    /**
     * Ends the log with the exit status (and how much output was not logged) and closes it, once; the
     * problem when the log could not be written whole, else null.
     */
    synchronized String finish(int exitCode) {
        if (finished) {
            return null;
        }
        finished = true;
        try (out) {
            if (failure == null) {
                StringBuilder end = new StringBuilder(openLine != 0 && !cut ? "\n" : "");
                if (dropped > 0) {
                    end.append("vg| ").append(dropped).append(" bytes of output not logged\n");
                }
                end.append("vg| exit: ").append(exitCode).append('\n');
                out.write(end.toString().getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            failure = failure != null ? failure : e;
        }
        return failure == null ? null : "the output log " + file + " is incomplete: " + failure.getMessage();
    }
}
