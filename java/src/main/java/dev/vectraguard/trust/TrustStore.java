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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Commands the user has marked as trusted, in {@code STATE_DIR/trust.json}.
 *
 * <p>Entries are keyed by the SHA-256 of the normalised command; the caller normalises (the
 * policy parser owns what "the same command" means). Every operation is one locked
 * read-modify-write of the file, so concurrent vg processes lose no update.
 */
public final class TrustStore {
    public static final String FILE_NAME = "trust.json";
    private static final int FORMAT_VERSION = 1;

    private final StateFile file;
    private final Clock clock;

    public TrustStore(Path stateDir, Clock clock, Consumer<String> warnings) {
        this.file = new StateFile(stateDir, FILE_NAME, warnings);
        this.clock = clock;
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
        Map<String, Object> content = file.read();
        List<TrustEntry> result = new ArrayList<>();
        entries(content).forEach((id, raw) -> result.add(toEntry(id, raw)));
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
            Map<String, Object> entries = entries(content);
            Map<String, Object> old = asMap(entries.get(id));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("command", command);
            entry.put("note", note == null ? "" : note);
            entry.put("created", now.toString());
            entry.put("expires", expires == null ? null : expires.toString());
            entry.put("use_count", old == null ? 0L : asLong(old.get("use_count")));
            entry.put("last_used", old == null ? null : old.get("last_used"));
            entries.put(id, entry);
            return toEntry(id, entry);
        });
    }

    /** Removes the entry for {@code command}; false if there was none. */
    public boolean remove(String command) {
        String id = idOf(command);
        return file.update(content -> entries(content).remove(id) != null);
    }

    /** Drops expired entries and returns how many. */
    public int clean() {
        Instant now = clock.instant();
        return file.update(content -> {
            Map<String, Object> entries = entries(content);
            int before = entries.size();
            entries.entrySet().removeIf(e -> toEntry(e.getKey(), e.getValue()).expiredAt(now));
            return before - entries.size();
        });
    }

    /** True if {@code command} has an entry that has not expired. */
    public boolean isTrusted(String command) {
        String id = idOf(command);
        Object raw = entries(file.read()).get(id);
        return raw != null && !toEntry(id, raw).expiredAt(clock.instant());
    }

    /**
     * If {@code command} is trusted now, counts one use and returns true, atomically: the check
     * and the count happen under the same lock.
     */
    public boolean recordUse(String command) {
        String id = idOf(command);
        Instant now = clock.instant();
        return file.update(content -> {
            Map<String, Object> entry = asMap(entries(content).get(id));
            if (entry == null || toEntry(id, entry).expiredAt(now)) {
                return false;
            }
            entry.put("use_count", asLong(entry.get("use_count")) + 1);
            entry.put("last_used", now.toString());
            return true;
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entries(Map<String, Object> content) {
        content.putIfAbsent("version", (long) FORMAT_VERSION);
        Object entries = content.get("entries");
        if (!(entries instanceof Map)) {
            entries = new LinkedHashMap<String, Object>();
            content.put("entries", entries);
        }
        return (Map<String, Object>) entries;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : null;
    }

    private static long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : 0L;
    }

    private static Instant asInstant(Object o) {
        if (o instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private static TrustEntry toEntry(String id, Object raw) {
        Map<String, Object> m = asMap(raw);
        if (m == null) {
            // A hand-edited entry that is not an object trusts nothing: treat it as long expired.
            return new TrustEntry(id, "", "", Instant.EPOCH, Instant.EPOCH, 0, null);
        }
        Object expiresRaw = m.get("expires");
        Instant expires = asInstant(expiresRaw);
        if (expiresRaw != null && expires == null) {
            expires = Instant.EPOCH;
        }
        return new TrustEntry(id, String.valueOf(m.getOrDefault("command", "")), String.valueOf(m.getOrDefault("note", "")),
                asInstant(m.get("created")), expires, asLong(m.get("use_count")), asInstant(m.get("last_used")));
    }
}
