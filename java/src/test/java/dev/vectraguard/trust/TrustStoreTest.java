package dev.vectraguard.trust;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustStoreTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private TrustStore store() {
        return new TrustStore(dir, new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        }, warnings::add);
    }

    @Test
    void addCheckUseRemove() {
        TrustEntry added = store().add("npm test", "runs the suite", Duration.ofDays(7));
        assertEquals(TrustStore.idOf("npm test"), added.id());
        assertEquals(64, added.id().length());
        assertEquals(Instant.parse("2026-01-08T00:00:00Z"), added.expires());
        assertTrue(store().isTrusted("npm test"));
        assertFalse(store().isTrusted("npm  test"), "the caller normalises; the store compares exactly");

        now = now.plusSeconds(60);
        assertTrue(store().recordUse("npm test"));
        assertTrue(store().recordUse("npm test"));
        assertFalse(store().recordUse("rm -rf /"));
        TrustEntry entry = store().list().getFirst();
        assertEquals(2, entry.useCount());
        assertEquals(now, entry.lastUsed());
        assertEquals("runs the suite", entry.note());

        assertTrue(store().remove("npm test"));
        assertFalse(store().remove("npm test"));
        assertEquals(List.of(), store().list());
        assertEquals(List.of(), warnings);
    }

    @Test
    void expiredEntriesAreNotTrustedAndCleanDropsThem() {
        store().add("make", "", Duration.ofHours(12));
        store().add("ls", "", null);
        now = now.plus(Duration.ofHours(12));
        assertFalse(store().isTrusted("make"), "expiry is exclusive");
        assertFalse(store().recordUse("make"));
        assertTrue(store().isTrusted("ls"));
        assertTrue(store().list().stream().anyMatch(e -> e.expiredAt(now)), "list flags expired entries");
        assertEquals(1, store().clean());
        assertEquals(List.of("ls"), store().list().stream().map(TrustEntry::command).toList());
        assertNull(store().list().getFirst().expires());
    }

    @Test
    void reAddingKeepsTheUseCount() {
        store().add("make", "", null);
        store().recordUse("make");
        store().add("make", "new note", Duration.ofDays(1));
        TrustEntry e = store().list().getFirst();
        assertEquals(1, e.useCount());
        assertEquals("new note", e.note());
    }

    @Test
    void malformedExpiryFailsClosed() throws Exception {
        store().add("make", "", null);
        String json = Files.readString(store().path()).replace("\"expires\": null", "\"expires\": \"someday\"");
        Files.writeString(store().path(), json);
        assertFalse(store().isTrusted("make"));
        assertEquals(1, warnings.size(), "the file is set aside and reported: " + warnings);
        assertEquals(1, corruptCopies().size());
    }

    @Test
    void aShortOrForeignKeyIsACorruptFileNotACrash() throws Exception {
        String content = "{\"version\": 1, \"entries\": {\"abc\": {\"command\": \"make\", \"note\": \"\", "
                + "\"created\": \"2026-01-01T00:00:00Z\", \"expires\": null, \"use_count\": 0, \"last_used\": null}}}";
        Files.writeString(dir.resolve("trust.json"), content);
        assertEquals(List.of(), store().list());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("'abc' is not a SHA-256 hex id"), warnings.getFirst());
        assertEquals(List.of(content), corruptCopies().stream().map(p -> {
            try {
                return Files.readString(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList());
    }

    @Test
    void useCountSaturates() throws Exception {
        store().add("make", "", null);
        Files.writeString(store().path(), Files.readString(store().path()).replace("\"use_count\": 0", "\"use_count\": " + Long.MAX_VALUE));
        assertTrue(store().recordUse("make"));
        assertEquals(Long.MAX_VALUE, store().list().getFirst().useCount());
        assertEquals(List.of(), warnings);
    }

    private List<Path> corruptCopies() throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("trust.json.corrupt-")).toList();
        }
    }
}
