package dev.vectraguard.state;

import dev.vectraguard.json.JsonException;
import dev.vectraguard.json.JsonMapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One record of type {@code T}, stored as JSON in a file of the state directory and changed only by
 * locked read-modify-write.
 *
 * <p>The lock is an exclusive {@link FileLock} on a separate {@code NAME.lock} file (so the data
 * file itself can be replaced), plus an in-process lock because file locks are per process. The new
 * content goes to a temporary file in the same directory, is fsynced, atomically renamed over the
 * data file, and the directory is fsynced. Files are mode 0600. A data file that does not map to
 * {@code T} (malformed JSON, a wrong type, an unknown key, a value the record refuses) is renamed to
 * {@code NAME.corrupt-TIMESTAMP} and reported through the warning sink; the read then starts from
 * the empty record.
 *
 * @param <T> the record the file holds ({@link dev.vectraguard.json.JsonMapping} maps it)
 */
public final class StateFile<T> {
    private static final Map<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();
    private static final Set<StandardOpenOption> CREATE_NEW_WRITE =
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    /** The new content to store, and what the update returns to its caller. */
    public record Update<T, R>(T content, R result) {}

    private final Path dir;
    private final Path file;
    private final Path lockFile;
    private final Class<T> type;
    private final Supplier<T> empty;
    private final Consumer<String> warnings;

    /**
     * @param dir      the state directory (created 0700 on first write)
     * @param name     file name, e.g. {@code trust.json}
     * @param type     the record the file holds
     * @param empty    the content of a missing (or set aside) file
     * @param warnings receives one-line messages about files set aside
     */
    public StateFile(Path dir, String name, Class<T> type, Supplier<T> empty, Consumer<String> warnings) {
        this.dir = dir.toAbsolutePath();
        this.file = this.dir.resolve(name);
        this.lockFile = this.dir.resolve(name + ".lock");
        this.type = type;
        this.empty = empty;
        this.warnings = warnings;
    }

    public Path path() {
        return file;
    }

    /** Reads the content, and stores {@code change}'s new content, all under the lock. */
    public <R> R update(Function<T, Update<T, R>> change) {
        return locked(true, change);
    }

    /** The current content, read under the lock (an absent file is the empty record). */
    public T read() {
        return locked(false, content -> new Update<>(content, content));
    }

    private <R> R locked(boolean write, Function<T, Update<T, R>> action) {
        ReentrantLock inProcess = IN_PROCESS_LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        inProcess.lock();
        try {
            StateDir.ensure(dir);
            try (FileChannel lockChannel = openLockFile(); FileLock lock = lock(lockChannel)) {
                assert lock.isValid();
                Update<T, R> update = action.apply(load());
                if (write) {
                    store(update.content());
                }
                return update.result();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file + ": " + StateDir.reason(e, file), e);
        } finally {
            inProcess.unlock();
        }
    }

    /**
     * The exclusive lock. The kernel's deadlock check for POSIX locks sees a whole process, so a
     * process whose threads lock two state files can get EDEADLK although no thread waits for
     * itself: that is retried after a short pause.
     */
    private static FileLock lock(FileChannel channel) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return channel.lock();
            } catch (IOException e) {
                if (attempt >= 100 || e.getMessage() == null || !e.getMessage().contains("deadlock")) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(1, 10));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private FileChannel openLockFile() throws IOException {
        try {
            return FileChannel.open(lockFile, CREATE_NEW_WRITE, PosixFilePermissions.asFileAttribute(StateDir.FILE_MODE));
        } catch (FileAlreadyExistsException exists) {
            return FileChannel.open(lockFile, StandardOpenOption.WRITE);
        }
    }

    private T load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            return empty.get();
        }
        String problem;
        try {
            T content = JsonMapping.read(bytes, type);
            if (content != null) {
                return content;
            }
            problem = "null instead of an object";
        } catch (JsonException e) {
            problem = e.getMessage();
        }
        Path aside = dir.resolve(file.getFileName() + ".corrupt-" + Instant.now().toString().replace(':', '-'));
        while (Files.exists(aside)) {
            aside = dir.resolve(aside.getFileName() + "-" + ThreadLocalRandom.current().nextInt(1000));
        }
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        warnings.accept(file + " could not be read (" + problem + "); kept it as " + aside + " and started a new one");
        return empty.get();
    }

    private void store(T content) throws IOException {
        byte[] bytes = (JsonMapping.writePretty(content) + "\n").getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
        try {
            try (FileChannel out = FileChannel.open(tmp, CREATE_NEW_WRITE, PosixFilePermissions.asFileAttribute(StateDir.FILE_MODE))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ)) {
            dirChannel.force(true);
        }
    }
}
