package dev.vectraguard.trust;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The content of {@code trust.json}: entries keyed by the SHA-256 hex of the normalised command.
 * A key that is not such an id, or an entry without a command, makes the whole file unreadable
 * (it is then set aside as corrupt, see {@link dev.vectraguard.state.StateFile}): a hand-edited
 * entry trusts nothing.
 */
record TrustFile(int version, Map<String, Entry> entries) {
    static final int FORMAT_VERSION = 1;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    TrustFile {
        entries = entries == null ? new LinkedHashMap<>() : new LinkedHashMap<>(entries);
        entries.forEach((id, entry) -> {
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("entry key '" + id + "' is not a SHA-256 hex id");
            }
            if (entry == null) {
                throw new IllegalArgumentException("entry " + id + " is null");
            }
        });
    }

    static TrustFile empty() {
        return new TrustFile(FORMAT_VERSION, Map.of());
    }

    /** This file with {@code entries} instead. */
    TrustFile with(Map<String, Entry> newEntries) {
        return new TrustFile(FORMAT_VERSION, newEntries);
    }

    /** One stored entry; see {@link TrustEntry} for the fields. */
    record Entry(String command, String note, Instant created, Instant expires, long useCount, Instant lastUsed) {
        Entry {
            if (command == null || created == null) {
                throw new IllegalArgumentException("an entry needs a command and its creation time");
            }
            note = note == null ? "" : note;
        }

        TrustEntry toTrustEntry(String id) {
            return new TrustEntry(id, command, note, created, expires, useCount, lastUsed);
        }
    }
}
