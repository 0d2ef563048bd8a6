package dev.vectraguard.benchmarks;

import dev.vectraguard.guard.CapturedRun;
import dev.vectraguard.guard.Guard;
import dev.vectraguard.guard.GuardRequest;
import dev.vectraguard.guard.GuardResult;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One {@code true} judged and run in the sandbox: through a {@code vg mcp} server (a tools/call over
 * its stdin and stdout, answer parsed by the server's client side here as a line) against the same
 * call of the embedding API in this JVM ({@link Guard#judgeAndRun} with a {@link CapturedRun}). Both
 * read the config, rate, decide, run in the balanced sandbox and record metrics.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class McpBenchmark {
    private static final List<String> COMMAND = List.of("bash", "-c", "true");

    @State(Scope.Benchmark)
    public static class Server {
        Path workspace;
        Path stateDir;
        Process process;
        OutputStream stdin;
        BufferedReader stdout;
        long nextId = 1;

        @Setup(Level.Trial)
        public void start() throws IOException {
            Path root = Files.createTempDirectory("vg-mcp-bench-").toRealPath();
            workspace = Files.createDirectories(root.resolve("work"));
            stateDir = root.resolve("state");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", absoluteClassPath(),
                    "dev.vectraguard.cli.Main", "mcp", "--state-dir", stateDir.toString())
                    .directory(workspace.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
            process = builder.start();
            stdin = process.getOutputStream();
            stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            call("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
            send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        }

        /** This JVM's class path with every entry absolute: the server starts in the workspace, not here. */
        private static String absoluteClassPath() {
            return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        }

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String call(String line) throws IOException {
            send(line);
            String answer = stdout.readLine();
            if (answer == null) {
                throw new IllegalStateException("vg mcp ended");
            }
            return answer;
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            stdin.close();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    public String throughMcp(Server server) throws IOException {
        long id = server.nextId++;
        String answer = server.call("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"run\",\"arguments\":{\"command\":\"true\"}}}");
        if (!answer.contains("\"exit_code\":0")) {
            throw new IllegalStateException("the call failed: " + answer);
        }
        return answer;
    }

    @Benchmark
    public GuardResult embeddingApi(Server server) {
        CapturedRun run = new CapturedRun(server.workspace, 100 * 1024);
        GuardResult result = Guard.judgeAndRun(GuardRequest.of(COMMAND).withWorkspace(server.workspace)
                .withStateDir(server.stateDir), SILENT, Guard.Approver.REFUSE, run);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("the run failed: " + result.why());
        }
        return result;
    }

    private static final Guard.Reporter SILENT = new Guard.Reporter() {
        @Override
        public void print(String kind, String message, Map<String, Object> fields) {}

        @Override
        public void sandbox(SandboxSpec spec, SandboxProcess process, boolean cached, String why) {}

        @Override
        public void warn(String message) {}
    };
}
