package dev.vectraguard.state;

import dev.vectraguard.json.Json;
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

    @Test
    void createsDirectoryAndFileWithPrivateModes() throws Exception {
        Path dir = tmp.resolve("a/b/state");
        StateFile file = new StateFile(dir, "x.json", w -> {});
        file.update(m -> m.put("k", "v"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("x.json"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("x.json.lock"))));
        assertEquals(Map.of("k", "v"), file.read());
    }

    @Test
    void replacesAFileWithLooserModeBy0600() throws Exception {
        Files.writeString(tmp.resolve("x.json"), "{}");
        Files.setPosixFilePermissions(tmp.resolve("x.json"), PosixFilePermissions.fromString("rw-rw-rw-"));
        new StateFile(tmp, "x.json", w -> {}).update(m -> m.put("a", 1L));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("x.json"))));
    }

    @Test
    void corruptFileIsSetAsideAndReported() throws Exception {
        Files.writeString(tmp.resolve("x.json"), "{\"total\": 3,");
        List<String> warnings = new ArrayList<>();
        StateFile file = new StateFile(tmp, "x.json", warnings::add);
        file.update(m -> m.put("fresh", true));

        assertEquals(1, warnings.size());
        List<Path> aside;
        try (var files = Files.list(tmp)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("x.json.corrupt-")).toList();
        }
        assertEquals(1, aside.size());
        assertEquals("{\"total\": 3,", Files.readString(aside.getFirst()), "the corrupt content is kept, byte for byte");
        assertTrue(warnings.getFirst().contains(aside.getFirst().toString()), warnings.getFirst());
        assertTrue(warnings.getFirst().contains("was not valid JSON (line 1, column 13"), warnings.getFirst());
        assertTrue(warnings.getFirst().startsWith(tmp.resolve("x.json") + " "),
                "the caller adds its own prefix (\"vg: \"): " + warnings.getFirst());
        assertEquals(Map.of("fresh", true), Json.parseObject(Files.readString(tmp.resolve("x.json"))));
    }

    @Test
    void nonObjectJsonIsAlsoSetAside() throws Exception {
        Files.writeString(tmp.resolve("x.json"), "[1, 2]");
        List<String> warnings = new ArrayList<>();
        assertEquals(Map.of(), new StateFile(tmp, "x.json", warnings::add).read());
        assertEquals(1, warnings.size());
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
                        new StateFile(tmp, "n.json", w -> {}).update(m -> m.merge("n", 1L, (a, b) -> (Long) a + (Long) b));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertEquals((long) threads * perThread, new StateFile(tmp, "n.json", w -> {}).read().get("n"));
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
