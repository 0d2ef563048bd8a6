package dev.vectraguard.cli;

import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 50 {@code vg exec} processes at once, each using one trusted entry and recording metrics: no update is lost. */
class ConcurrentExecTest {
    private static final int PROCESSES = 50;

    @TempDir
    Path root;

    @Test
    void concurrentRunsLoseNoUpdate() throws Exception {
        VgRunner vg = new VgRunner(root);
        vg.config("guard_level:\n  level: high\n");
        String script = "echo $AWS_SECRET_ACCESS_KEY";
        assertEquals(0, vg.run("trust", "add", "sh -c '" + script + "'").exitCode());

        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            ProcessBuilder builder = new ProcessBuilder(VgRunner.javaCommand(System.getProperty("java.class.path"),
                    List.of("exec", "-q", "--", "sh", "-c", script)))
                    .directory(vg.workspace.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(root.resolve("stderr-" + i).toFile());
            builder.environment().clear();
            builder.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", vg.home.toString(),
                    "VECTRAGUARD_STATE_DIR", vg.stateDir.toString()));
            processes.add(builder.start());
        }
        for (Process process : processes) {
            assertTrue(process.waitFor(5, TimeUnit.MINUTES), "a vg exec did not finish");
            assertEquals(0, process.exitValue(), "a trusted command must run");
        }

        StringBuilder errors = new StringBuilder();
        for (int i = 0; i < PROCESSES; i++) {
            String stderr = Files.readString(root.resolve("stderr-" + i));
            if (!stderr.isEmpty()) {
                errors.append("process ").append(i).append(": ").append(stderr);
            }
        }
        assertEquals("", errors.toString(), "vg printed errors");
        Map<String, Object> metrics = JsonTrees.object(Files.readString(vg.stateDir.resolve("metrics.json")));
        assertEquals((long) PROCESSES, metrics.get("total"), "total");
        assertEquals((long) PROCESSES, metrics.get("sandbox"), "sandbox");
        Map<String, Object> trust = JsonTrees.object(Files.readString(vg.stateDir.resolve("trust.json")));
        String json = JsonMapping.write(trust);
        assertTrue(json.contains("\"use_count\":" + PROCESSES), json);
        for (String file : List.of("metrics.json", "trust.json")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(vg.stateDir.resolve(file))), file);
        }
    }
}
