package dev.vectraguard.sandbox.container;

import dev.vectraguard.sandbox.ResourceLimits;
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
 * uid inside, so files in the workspace stay theirs. Rootful (run by root): as docker. Its init is
 * tini-static where installed (as docker's), else podman's catatonit. The container
 * inherits no higher file and process limits than vg has (podman's defaults exceed what some hosts allow).
 */
public final class PodmanRuntime extends ContainerRuntime {
    public static final String NAME = "podman";
    /** tini, static (it runs in the image): exit 127 and 126 when the command cannot be run, as docker's init. */
    private static final Path TINI = Path.of("/usr/bin/tini-static");
    private static final Path CGROUP_V2_CONTROLLERS = Path.of("/sys/fs/cgroup/cgroup.controllers");
    private static final List<Path> CATATONIT = List.of(Path.of("/usr/libexec/podman/catatonit"),
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
    Optional<String> probe(Path executable, EngineEnvironment environment) {
        if (!Files.isExecutable(TINI) && CATATONIT.stream().noneMatch(Files::isExecutable)) {
            return Optional.of("podman's --init needs tini-static (package tini) or catatonit (package catatonit)");
        }
        EngineCommand info = EngineCommand.run(List.of(executable.toString(), "info", "--format", "{{.Host.Security.Rootless}}"),
                environment, 30);
        return info.ok() ? Optional.empty() : Optional.of("podman cannot run containers for this user: " + info.firstLine());
    }

    @Override
    List<String> engineOptions(int[] ids, ResourceLimits limits) throws SandboxException {
        List<String> options = new ArrayList<>(List.of("--unsetenv-all"));
        if (Files.isExecutable(TINI)) {
            options.addAll(List.of("--init-path", TINI.toString())); // else catatonit: a command it cannot run is exit 1
        }
        if (ids[0] != 0) {
            options.add("--userns=keep-id");
        }
        long[] files = currentLimit("Max open files");
        if (files != null) {
            options.addAll(List.of("--ulimit", "nofile=" + files[0] + ":" + files[1]));
        }
        // The container's init sets it without CAP_SYS_RESOURCE, below what conmon leaves it: the pids
        // limit (at least 4096, as the uid's other processes count too), never above vg's own.
        long[] processes = currentLimit("Max processes");
        long nproc = Math.max(limits.pids(), 4096);
        if (processes != null) {
            nproc = Math.min(nproc, processes[1]);
        }
        options.addAll(List.of("--ulimit", "nproc=" + nproc + ":" + nproc));
        return options;
    }

    /** vg's own soft and hard limit of that name, from /proc/self/limits; null when unlimited. */
    private static long[] currentLimit(String label) throws SandboxException {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith(label + " ")) {
                    String[] fields = line.substring(label.length()).trim().split("\\s+");
                    return fields[0].equals("unlimited") || fields[1].equals("unlimited") ? null
                            : new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
                }
            }
            return null;
        } catch (IOException | NumberFormatException e) {
            throw new SandboxException("cannot read /proc/self/limits: " + e.getMessage());
        }
    }

    /**
     * Rootless podman on cgroup v1 cannot set memory, cpu or pids limits (it warns and runs without
     * them): the user has no cgroup of its own to put them in.
     */
    @Override
    Optional<String> limitsUnavailable() {
        try {
            return callerIds()[0] != 0 && !Files.exists(CGROUP_V2_CONTROLLERS)
                    ? Optional.of("rootless podman cannot set them on cgroup v1") : Optional.empty();
        } catch (SandboxException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    boolean imageMissing(String output) {
        return output.contains("image not known") || output.contains("failed to find image") || output.contains("no such image");
    }
}
