package dev.vectraguard.state;

import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateFileTest {
    @TempDir
    Path tmp;

    /** A small state record: one counter and one flag. */
    record Counter(long n, boolean fresh) {}

    private StateFile<Counter> counter(Path dir, String name, java.util.function.Consumer<String> warnings) {
        return new StateFile<>(dir, name, Counter.class, () -> new Counter(0, false), warnings);
    }

    private static StateFile.Update<Counter, Void> set(Counter next) {
        return new StateFile.Update<>(next, null);
    }

    @Test
    void createsDirectoryAndFileWithPrivateModes() throws Exception {
        Path dir = tmp.resolve("a/b/state");
        StateFile<Counter> file = counter(dir, "x.json", w -> {});
        file.update(c -> set(new Counter(7, false)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("x.json"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("x.json.lock"))));
        assertEquals(new Counter(7, false), file.read());
    }

    @Test
    void replacesAFileWithLooserModeBy0600() throws Exception {
        Files.writeString(tmp.resolve("x.json"), "{}");
        Files.setPosixFilePermissions(tmp.resolve("x.json"), PosixFilePermissions.fromString("rw-rw-rw-"));
        counter(tmp, "x.json", w -> {}).update(c -> set(new Counter(1, false)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("x.json"))));
    }

    @Test
    void corruptFileIsSetAsideAndReported() throws Exception {
        Files.writeString(tmp.resolve("x.json"), "{\"n\": 3,");
        List<String> warnings = new ArrayList<>();
        StateFile<Counter> file = counter(tmp, "x.json", warnings::add);
        file.update(c -> set(new Counter(c.n(), true)));

        assertEquals(1, warnings.size());
        List<Path> aside;
        try (var files = Files.list(tmp)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("x.json.corrupt-")).toList();
        }
        assertEquals(1, aside.size());
        assertEquals("{\"n\": 3,", Files.readString(aside.getFirst()), "the corrupt content is kept, byte for byte");
        assertTrue(warnings.getFirst().contains(aside.getFirst().toString()), warnings.getFirst());
        assertTrue(warnings.getFirst().contains("could not be read (line 1, column "), warnings.getFirst());
        assertTrue(warnings.getFirst().startsWith(tmp.resolve("x.json") + " "),
                "the caller adds its own prefix (\"vg: \"): " + warnings.getFirst());
        assertEquals(Map.of("n", 0L, "fresh", true), JsonTrees.object(Files.readString(tmp.resolve("x.json"))));
    }

    @Test
    void nonObjectJsonIsAlsoSetAside() throws Exception {
        Files.writeString(tmp.resolve("x.json"), "[1, 2]");
        List<String> warnings = new ArrayList<>();
        assertEquals(new Counter(0, false), counter(tmp, "x.json", warnings::add).read());
        assertEquals(1, warnings.size());
    }

    @Test
    void wrongTypesUnknownAndDuplicateKeysAndTrailingTextAreSetAsideNotCoerced() throws Exception {
        for (String bad : List.of("{\"n\": \"3\"}", "{\"n\": 1.5}", "{\"n\": null}", "{\"n\": true}", "{\"n\": 1, \"m\": 2}",
                "{\"n\": 1, \"n\": 2}", "{\"n\": 1} {}", "{\"n\": 99999999999999999999}", "null", "", "{\"n\": 1, \"fresh\": \"yes\"}")) {
            Path dir = Files.createTempDirectory(tmp, "case");
            Files.writeString(dir.resolve("x.json"), bad);
            List<String> warnings = new ArrayList<>();
            assertEquals(new Counter(0, false), counter(dir, "x.json", warnings::add).read(), bad);
            assertEquals(1, warnings.size(), bad);
            assertTrue(warnings.getFirst().contains("x.json.corrupt-"), warnings.getFirst());
            try (var files = Files.list(dir)) {
                Path aside = files.filter(p -> p.getFileName().toString().startsWith("x.json.corrupt-")).findFirst().orElseThrow();
                assertEquals(bad, Files.readString(aside), "kept byte for byte");
            }
        }
    }

    @Test
    void threadsOfOneProcessLoseNoUpdate() throws Exception {
        int threads = 8;
        int perThread = 50;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    // A StateFile per update, as separate vg components would have.
                    for (int i = 0; i < perThread; i++) {
                        counter(tmp, "n.json", w -> {}).update(c -> set(new Counter(c.n() + 1, false)));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertEquals((long) threads * perThread, counter(tmp, "n.json", w -> {}).read().n());
    }

    @Test
    void stateDirResolution() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/flag"), StateDir.resolve(Path.of("/flag"), Map.of("VECTRAGUARD_STATE_DIR", "/env"), Path.of("/cfg"), home));
        assertEquals(Path.of("/env"), StateDir.resolve(null, Map.of("VECTRAGUARD_STATE_DIR", "/env"), Path.of("/cfg"), home));
        assertEquals(Path.of("/cfg"), StateDir.resolve(null, Map.of(), Path.of("/cfg"), home));
        assertEquals(Path.of("/home/u/.vectra-guard"), StateDir.resolve(null, Map.of(), null, home));
    }
}
