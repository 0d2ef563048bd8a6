package dev.vectraguard.sandbox.container;

import dev.vectraguard.sandbox.SandboxException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sandboxes as podman containers (see {@link ContainerRuntime}). Rootless (run by a user): the
 * containers live in the user's own user namespace, and {@code --userns=keep-id} keeps the caller's
 * uid inside, so files in the workspace stay theirs. Rootful (run by root): as docker. The container
 * inherits no higher file and process limits than vg has (podman's defaults exceed what some hosts allow).
 */
public final class PodmanRuntime extends ContainerRuntime {
    public static final String NAME = "podman";
    private static final List<Path> INIT_BINARIES = List.of(Path.of("/usr/libexec/podman/catatonit"),
            Path.of("/usr/bin/catatonit"), Path.of("/usr/local/libexec/podman/catatonit"));

    /** @param image {@code sandbox.image}; null: {@value ContainerRuntime#DEFAULT_IMAGE} */
    public PodmanRuntime(String image) {
        super(image);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    String executableName() {
        return "podman";
    }

    @Override
    String packageHint() {
        return "package podman";
    }

    @Override
    Optional<String> probe(Path executable) {
        if (INIT_BINARIES.stream().noneMatch(Files::isExecutable)) {
            return Optional.of("podman's --init needs catatonit (package catatonit)");
        }
        EngineCommand info = EngineCommand.run(List.of(executable.toString(), "info", "--format", "{{.Host.Security.Rootless}}"), 30);
        return info.ok() ? Optional.empty() : Optional.of("podman cannot run containers for this user: " + info.firstLine());
    }

    @Override
    List<String> engineOptions(int[] ids) throws SandboxException {
        List<String> options = new ArrayList<>(List.of("--unsetenv-all"));
        if (ids[0] != 0) {
            options.add("--userns=keep-id");
        }
        for (String[] limit : List.of(new String[] {"Max open files", "nofile"}, new String[] {"Max processes", "nproc"})) {
            currentLimit(limit[0]).ifPresent(value -> options.addAll(List.of("--ulimit", limit[1] + "=" + value)));
        }
        return options;
    }

    /** vg's own soft:hard limit of that name, from /proc/self/limits; empty when unlimited. */
    private static Optional<String> currentLimit(String label) throws SandboxException {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith(label + " ")) {
                    String[] fields = line.substring(label.length()).trim().split("\\s+");
                    return fields[0].equals("unlimited") || fields[1].equals("unlimited") ? Optional.empty()
                            : Optional.of(fields[0] + ":" + fields[1]);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new SandboxException("cannot read /proc/self/limits: " + e.getMessage());
        }
    }

    @Override
    boolean imageMissing(String output) {
        return output.contains("image not known") || output.contains("failed to find image") || output.contains("no such image");
    }
}
