package dev.vectraguard.mcp;

import dev.vectraguard.cli.Main;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A real {@code vg mcp} process (a child JVM) driven over its stdin and stdout with JSON-RPC, as an MCP client does. */
final class McpProcess implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    final Path workspace;
    final Process process;
    private final OutputStream stdin;
    private final Map<Long, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final List<JsonNode> unexpected = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(100);
    private final Thread reader;
    final Path stderr;
    /** Answers the server's own requests (elicitation/create); null: they are only recorded. */
    volatile java.util.function.Function<JsonNode, Object> serverRequests;

    McpProcess(Path root, String... extraArgs) throws IOException {
        Path home = Files.createDirectories(root.resolve("home"));
        workspace = Files.createDirectories(root.resolve("work")).toRealPath();
        stderr = root.resolve("mcp.err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "mcp"));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workspace.toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", home.toString(),
                "LANG", "C.UTF-8", "VECTRAGUARD_STATE_DIR", root.resolve("state").toString()));
        process = builder.start();
        stdin = process.getOutputStream();
        reader = Thread.ofPlatform().daemon().start(this::readAnswers);
    }

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode message = JSON.readTree(line);
                JsonNode id = message.get("id");
                CompletableFuture<JsonNode> answer = id == null || message.has("method") ? null : answers.get(id.asLong());
                var handler = serverRequests;
                if (id != null && message.has("method") && handler != null) {
                    synchronized (unexpected) {
                        unexpected.add(message);
                    }
                    write(Map.of("jsonrpc", "2.0", "id", JSON.treeToValue(id, Object.class), "result", handler.apply(message)));
                } else if (answer != null) {
                    answer.complete(message);
                } else {
                    synchronized (unexpected) {
                        unexpected.add(message);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            answers.values().forEach(answer -> answer.completeExceptionally(e));
        }
    }

    /** initialize + notifications/initialized; returns the initialize result. */
    JsonNode initialize() throws Exception {
        return initialize(Map.of());
    }

    JsonNode initialize(Map<String, Object> capabilities) throws Exception {
        JsonNode result = request("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", capabilities,
                "clientInfo", Map.of("name", "vg-test", "version", "1")));
        notify("notifications/initialized", Map.of());
        return result;
    }

    /** Sends a request; its answer (the whole response message) completes the future. */
    CompletableFuture<JsonNode> send(long id, String method, Object params) throws IOException {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        write(Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
        return answer;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    JsonNode request(String method, Object params) throws Exception {
        JsonNode response = send(nextId(), method, params).get(120, TimeUnit.SECONDS);
        if (response.has("error")) {
            throw new AssertionError("error answer: " + response);
        }
        return response.get("result");
    }

    /** tools/call; the result (content, structuredContent, isError). */
    JsonNode call(String tool, Map<String, Object> arguments) throws Exception {
        return request("tools/call", Map.of("name", tool, "arguments", arguments));
    }

    void notify(String method, Object params) throws IOException {
        write(Map.of("jsonrpc", "2.0", "method", method, "params", params));
    }

    private void write(Object message) throws IOException {
        byte[] line = JSON.writeValueAsBytes(message);
        synchronized (stdin) {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        }
    }

    List<JsonNode> unexpectedMessages() {
        synchronized (unexpected) {
            return List.copyOf(unexpected);
        }
    }

    /** Closes the server's stdin; the exit code, or -1 if it did not exit within {@code limit}. */
    int closeInput(Duration limit) throws Exception {
        stdin.close();
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    String stderrText() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    @Override
    public void close() throws Exception {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        reader.join(5000);
    }
}
