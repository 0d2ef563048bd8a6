package dev.vectraguard.state;

import dev.vectraguard.json.JsonTrees;
import dev.vectraguard.metrics.MetricsSnapshot;
import dev.vectraguard.metrics.MetricsStore;
import dev.vectraguard.trust.TrustEntry;
import dev.vectraguard.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** 50 real JVMs update the same state files at once; no update may be lost. */
class ConcurrentProcessesTest {
    private static final int PROCESSES = 50;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void fiftyProcessesLoseNoUpdate(@TempDir Path tmp) throws Exception {
        Path stateDir = tmp.resolve("state");
        String command = "npm test";
        List<String> warnings = new ArrayList<>();
        new TrustStore(stateDir, Clock.systemUTC(), warnings::add).add(command, "concurrency test", null);

        String java = ProcessHandle.current().info().command().orElseThrow();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            children.add(new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC", "-Xmx64m",
                    "-cp", System.getProperty("java.class.path"), StateRecorderChild.class.getName(), stateDir.toString(), command)
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("child-" + i + ".log").toFile())
                    .start());
        }
        for (int i = 0; i < PROCESSES; i++) {
            Process p = children.get(i);
            p.waitFor();
            assertEquals(0, p.exitValue(), () -> "child failed: " + read(tmp.resolve("child-" + children.indexOf(p) + ".log")));
        }

        List<TrustEntry> trust = new TrustStore(stateDir, Clock.systemUTC(), warnings::add).list();
        assertEquals(1, trust.size());
        assertEquals(PROCESSES, trust.getFirst().useCount());
        MetricsSnapshot metrics = new MetricsStore(stateDir, warnings::add).snapshot();
        assertEquals(PROCESSES, metrics.total());
        assertEquals(PROCESSES, metrics.sandbox());
        assertEquals(PROCESSES, metrics.cached());
        assertEquals(PROCESSES, metrics.recent().size());
        assertEquals(List.of(), warnings);

        for (String name : List.of("trust.json", "metrics.json")) {
            Path file = stateDir.resolve(name);
            JsonTrees.object(Files.readString(file));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), name);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)));
        try (var files = Files.list(stateDir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".tmp-")).toList(), "no temp file left");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
