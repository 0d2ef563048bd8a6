package dev.vectraguard.trust;

import dev.vectraguard.state.StateFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Commands the user has marked as trusted, in {@code STATE_DIR/trust.json} or {@code sandbox.trust_store_path}.
 *
 * <p>Entries are keyed by the SHA-256 of the normalised command; the caller normalises (the
 * policy parser owns what "the same command" means). Every operation is one locked
 * read-modify-write of the file, so concurrent vg processes lose no update.
 */
public final class TrustStore {
    public static final String FILE_NAME = "trust.json";

    private final StateFile<TrustFile> file;
    private final Clock clock;

    public TrustStore(Path stateDir, Clock clock, Consumer<String> warnings) {
        this(new StateFile<>(stateDir, FILE_NAME, TrustFile.class, TrustFile::empty, warnings), clock);
    }

    private TrustStore(StateFile<TrustFile> file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** The store in {@code trustFile} (its directory is created mode 0700 when missing, the file 0600). */
    public static TrustStore at(Path trustFile, Clock clock, Consumer<String> warnings) {
        Path absolute = trustFile.toAbsolutePath();
        return new TrustStore(new StateFile<>(absolute.getParent(), absolute.getFileName().toString(), TrustFile.class,
                TrustFile::empty, warnings), clock);
    }

    /** The trust store file: {@code sandbox.trust_store_path} when a trusted source set it ({@code configured}), else STATE_DIR/trust.json. */
    public static Path location(Path stateDir, Path configured) {
        return configured != null ? configured.toAbsolutePath().normalize() : stateDir.resolve(FILE_NAME);
    }

    public Path path() {
        return file.path();
    }

    /** SHA-256 hex of the command's UTF-8 bytes. */
    public static String idOf(String normalisedCommand) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(normalisedCommand.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** All entries, oldest first; expired ones included (check {@link TrustEntry#expiredAt}). */
    public List<TrustEntry> list() {
        List<TrustEntry> result = new ArrayList<>();
        file.read().entries().forEach((id, entry) -> result.add(entry.toTrustEntry(id)));
        return result;
    }

    /**
     * Trusts {@code command} for {@code duration} (null = no expiry); re-adding replaces the note and
     * expiry but keeps the use count.
     */
    public TrustEntry add(String command, String note, Duration duration) {
        Instant now = clock.instant();
        Instant expires = duration == null ? null : now.plus(duration);
        String id = idOf(command);
        return file.update(content -> {
            Map<String, TrustFile.Entry> entries = content.entries();
            TrustFile.Entry old = entries.get(id);
            TrustFile.Entry entry = new TrustFile.Entry(command, note, now, expires,
                    old == null ? 0 : old.useCount(), old == null ? null : old.lastUsed());
            entries.put(id, entry);
            return new StateFile.Update<>(content.with(entries), entry.toTrustEntry(id));
        });
    }

    /** Removes the entry for {@code command}; false if there was none. */
    public boolean remove(String command) {
        String id = idOf(command);
        return file.update(content -> {
            Map<String, TrustFile.Entry> entries = content.entries();
            boolean removed = entries.remove(id) != null;
            return new StateFile.Update<>(content.with(entries), removed);
        });
    }

    /** Drops expired entries and returns how many. */
    public int clean() {
        Instant now = clock.instant();
        return file.update(content -> {
            Map<String, TrustFile.Entry> entries = content.entries();
            int before = entries.size();
            entries.entrySet().removeIf(e -> e.getValue().toTrustEntry(e.getKey()).expiredAt(now));
            return new StateFile.Update<>(content.with(entries), before - entries.size());
        });
    }

    /** True if {@code command} has an entry that has not expired. */
    public boolean isTrusted(String command) {
        String id = idOf(command);
        TrustFile.Entry entry = file.read().entries().get(id);
        return entry != null && !entry.toTrustEntry(id).expiredAt(clock.instant());
    }

    /**
     * If {@code command} is trusted now, counts one use and returns true, atomically: the check
     * and the count happen under the same lock. The count stops at {@link Long#MAX_VALUE}.
     */
    public boolean recordUse(String command) {
        String id = idOf(command);
        Instant now = clock.instant();
        return file.update(content -> {
            Map<String, TrustFile.Entry> entries = content.entries();
            TrustFile.Entry entry = entries.get(id);
            if (entry == null || entry.toTrustEntry(id).expiredAt(now)) {
                return new StateFile.Update<>(content, false);
            }
            long uses = entry.useCount() == Long.MAX_VALUE ? Long.MAX_VALUE : entry.useCount() + 1;
            entries.put(id, new TrustFile.Entry(entry.command(), entry.note(), entry.created(), entry.expires(), uses, now));
            return new StateFile.Update<>(content.with(entries), true);
        });
    }
}
