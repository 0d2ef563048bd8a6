package dev.vectraguard.sandbox.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One short engine client call (version, image inspect, kill), with its output and a time limit. */
record EngineCommand(int exitCode, String output) {
    private static final List<String> BIN_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin");

    boolean ok() {
        return exitCode == 0;
    }

    /** The first line of the output, for a one-line reason. */
    String firstLine() {
        return output.strip().lines().findFirst().orElse("exit " + exitCode);
    }

    /** The engine's client, when installed on one of the usual paths. */
    static Optional<Path> find(String name) {
        for (String dir : BIN_DIRS) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs {@code args} with the engine variables of {@code environment} (DOCKER_HOST, CONTAINER_HOST, XDG_RUNTIME_DIR...). */
    static EngineCommand run(List<String> args, EngineEnvironment environment, long timeoutSeconds) {
        try {
            Process process = environment.applyTo(new ProcessBuilder(new ArrayList<>(args))).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new EngineCommand(-1, args.getFirst() + " did not answer within " + timeoutSeconds + " s");
            }
            return new EngineCommand(process.exitValue(), output.join());
        } catch (IOException e) {
            return new EngineCommand(-1, "cannot run " + args.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new EngineCommand(-1, "interrupted while running " + args.getFirst());
        }
    }
}
