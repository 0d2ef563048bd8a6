package dev.vectraguard.sandbox.toolconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The copies of one JVM in a directory of {@code scratch} that only the caller can enter, kept for
 * the JVM's lifetime: a run whose file shows the same text as the last run's gets the same copy, so
 * a JVM that starts sandboxes one after another writes each copy once instead of creating,
 * writing and deleting it on every run. A copy is written again when its text changes, or when the
 * copy no longer holds what vg wrote into it (read back before each reuse, which costs far less
 * than writing it: nothing may carry over from one run into the next). A copy that a newer one replaced is deleted once no run
 * that was given it is still being set up; the directory goes when the JVM exits.
 */
public final class ShownCopies {
    private static final Map<Path, ShownCopies> BY_SCRATCH = new HashMap<>();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path scratch;
    private Path dir;
    /** The current copy of each known file, by its path and whether it is filtered. */
    private final Map<String, Shown> current = new HashMap<>();
    /** Copies handed to runs that are still being set up, and how many of them hold each. */
    private final Map<Path, Integer> inUse = new HashMap<>();
    /** Copies a newer one replaced, deleted when no run holds them. */
    private final Set<Path> replaced = new HashSet<>();
    private long nextName;

    /** One copy: {@code source} the host file's text, {@code shown} what the copy holds. */
    record Shown(String source, String shown, Path copy) {}

    private ShownCopies(Path scratch) {
        this.scratch = scratch;
    }

    static synchronized ShownCopies in(Path scratch) {
        return BY_SCRATCH.computeIfAbsent(scratch, ShownCopies::new);
    }

    /** The text last shown for {@code key} when its host file still reads {@code source}, else null. */
    synchronized String shownFor(String key, String source) {
        Shown shown = current.get(key);
        return shown != null && shown.source().equals(source) ? shown.shown() : null;
    }

    /**
     * A copy holding {@code shown} for {@code key}: the current one when it still holds that text,
     * else a new one. The caller gives it back with {@link #release}.
     */
    synchronized Path acquire(String key, String source, String shown) throws IOException {
        Shown last = current.get(key);
        if (last != null && last.shown().equals(shown) && holdsWhatWasWritten(last)) {
            if (!last.source().equals(source)) {
                current.put(key, new Shown(source, shown, last.copy()));
            }
            return hold(last.copy());
        }
        Path copy = directory().resolve(Long.toString(nextName++));
        Files.deleteIfExists(copy);
        Files.writeString(copy, shown, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--r--r--"));
        current.put(key, new Shown(source, shown, copy));
        if (last != null) {
            replaced.add(last.copy());
            deleteIfUnused(last.copy());
        }
        return hold(copy);
    }

    /** The run given {@code copies} has mounted them, or never will. */
    synchronized void release(List<Path> copies) {
        for (Path copy : copies) {
            inUse.computeIfPresent(copy, (path, holders) -> holders == 1 ? null : holders - 1);
            deleteIfUnused(copy);
        }
    }

    private Path hold(Path copy) {
        inUse.merge(copy, 1, Integer::sum);
        return copy;
    }

    private static boolean holdsWhatWasWritten(Shown shown) {
        try {
            return Files.readString(shown.copy(), StandardCharsets.UTF_8).equals(shown.shown());
        } catch (IOException | RuntimeException goneOrNotText) {
            return false;
        }
    }

    private void deleteIfUnused(Path copy) {
        if (replaced.contains(copy) && !inUse.containsKey(copy)) {
            replaced.remove(copy);
            try {
                Files.deleteIfExists(copy);
            } catch (IOException e) {
                // left for the removal at exit
            }
        }
    }

    /** The JVM's directory, made at the first copy (named without SecureRandom, whose seeding slows the start). */
    private Path directory() throws IOException {
        if (dir != null && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return dir;
        }
        for (int attempt = 0; ; attempt++) {
            Path candidate = scratch.resolve("vg-tool-config-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
            try {
                dir = Files.createDirectory(candidate,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                break;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e; // left over by earlier processes of this pid
                }
            }
        }
        Path made = dir;
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> removeTree(made), "vg-tool-config-cleanup"));
        return made;
    }

    private static void removeTree(Path dir) {
        try (var entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover holds only what sandboxes were shown, in a directory only its owner can enter
        }
    }
}
