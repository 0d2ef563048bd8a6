package dev.vectraguard.cli;

import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container runtime through the vg server (vg-client, as ./vg and the Debian package run vg): the
 * command's streams are the client's, and the engine is the one the client's environment names,
 * not the one of the server's own environment.
 */
class ContainerServerTest {
    private static final Path CLIENT = ServedVg.CLIENT;

    @TempDir
    Path root;
    private ServedVg served;

    @AfterEach
    void stopServers() {
        if (served != null) {
            served.stopServers();
        }
    }

    @Test
    void theClientsStreamsAndDockerHostReachTheContainer() throws Exception {
        TestEngines.Engine docker = TestEngines.assumed("docker");
        VgRunner vg = new VgRunner(root);
        served = new ServedVg(root, vg);
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + docker.image() + "\n");

        VgRunner.Result first = vg.exec(List.of(CLIENT.toString(), "exec", "-q", "--network", "none", "--", "true"), null);
        assertEquals(0, first.exitCode(), "the server starts without DOCKER_HOST: " + first);
        docker.environment().forEach(vg::env);
        VgRunner.Result r = vg.exec(List.of(CLIENT.toString(), "exec", "-q", "--runtime", "docker", "--network", "none", "--",
                "sh", "-c", "echo out; echo err >&2; exit 7"), null);
        assertEquals(7, r.exitCode(), r.toString());
        assertEquals("out\n", r.stdout(), r.toString());
        assertTrue(r.stderr().startsWith("err\n"), r.toString());
        assertEquals(1, served.serverPids().size(), "one server served both: " + served.serverPids());
    }
}
