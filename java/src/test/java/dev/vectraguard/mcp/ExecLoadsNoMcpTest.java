package dev.vectraguard.mcp;

import dev.vectraguard.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vg exec} stays lean: the MCP server, its SDK and their dependencies are never loaded by it. */
class ExecLoadsNoMcpTest {
    @TempDir
    Path root;

    @Test
    void execLoadsNoMcpClass() throws Exception {
        Path classLog = root.resolve("classes.log");
        Path work = Files.createDirectories(root.resolve("work"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info:file=" + classLog,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "exec", "-q", "--", "true")
                .directory(work.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("HOME", Files.createDirectories(root.resolve("home")).toString(),
                "VECTRAGUARD_STATE_DIR", root.resolve("state").toString()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        List<String> loaded = Files.readAllLines(classLog);
        assertTrue(loaded.stream().anyMatch(line -> line.contains("dev.vectraguard.guard.Guard ")), "no class log: " + loaded.size());
        List<String> mcp = loaded.stream().filter(line -> line.contains(" io.modelcontextprotocol.")
                || line.contains(" reactor.") || line.contains(" dev.vectraguard.mcp.") || line.contains(" org.slf4j.")
                || line.contains(" tools.jackson.databind.")).toList();
        assertEquals(List.of(), mcp, "vg exec loaded MCP classes");
    }
}
