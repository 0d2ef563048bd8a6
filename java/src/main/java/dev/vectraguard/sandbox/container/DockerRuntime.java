package dev.vectraguard.sandbox.container;

import dev.vectraguard.sandbox.ResourceLimits;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Sandboxes as docker containers (see {@link ContainerRuntime}). The daemon runs them as root: a
 * user who may use it (the {@code docker} group) is root on the host in all but name, whatever vg does.
 */
public final class DockerRuntime extends ContainerRuntime {
    public static final String NAME = "docker";

    /** @param image {@code sandbox.image}; null: {@value ContainerRuntime#DEFAULT_IMAGE} */
    public DockerRuntime(String image) {
        super(image);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    String executableName() {
        return "docker";
    }

    @Override
    String packageHint() {
        return "package docker.io on Debian/Ubuntu, moby-engine or docker-ce on Fedora/RHEL";
    }

    @Override
    Optional<String> probe(Path executable, EngineEnvironment environment) {
        EngineCommand server = EngineCommand.run(List.of(executable.toString(), "version", "--format", "{{.Server.Version}}"),
                environment, 15);
        if (server.ok()) {
            return Optional.empty();
        }
        String output = server.output();
        if (output.contains("permission denied")) {
            return Optional.of("no access to the docker daemon's socket (not in the docker group): " + server.firstLine());
        }
        if (output.contains("Cannot connect") || output.contains("Is the docker daemon running")) {
            return Optional.of("the docker daemon is unreachable (not running, or DOCKER_HOST names another socket): "
                    + server.firstLine());
        }
        return Optional.of(server.firstLine());
    }

    @Override
    List<String> engineOptions(int[] ids, ResourceLimits limits) {
        return List.of();
    }

    @Override
    boolean imageMissing(String output) {
        return output.contains("No such image") || output.contains("No such object");
    }
}
