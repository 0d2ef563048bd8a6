package dev.vectraguard.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** docker and podman as installed on this machine (vg has no runtime for them yet: {@code vg version} lists them). */
public final class ContainerEngines {
    public static final List<String> NAMES = List.of("docker", "podman");

    private ContainerEngines() {}

    /** The engine's {@code --version} line, when its executable is on one of the usual paths. */
    public static Optional<String> version(String engine) {
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/bin")) {
            Path executable = Path.of(dir, engine);
            if (Files.isExecutable(executable)) {
                try {
                    Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
                    String line = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    process.waitFor(5, TimeUnit.SECONDS);
                    return Optional.of(line.isEmpty() ? executable.toString() : line.lines().findFirst().orElse(""));
                } catch (IOException e) {
                    return Optional.of(executable + " (cannot run: " + e.getMessage() + ")");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.of(executable.toString());
                }
            }
        }
        return Optional.empty();
    }
}
