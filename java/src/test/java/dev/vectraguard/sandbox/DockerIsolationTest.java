package dev.vectraguard.sandbox;

import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The isolation checks against docker (the tests' own dockerd): as root, and as the user vgtest
 * given what membership in the docker group gives, the daemon's socket.
 */
class DockerIsolationTest extends ContainerIsolationTest {
    @Override
    Optional<TestEngines.Engine> engine() {
        return TestEngines.docker();
    }

    @Override
    String whyMissing() {
        return TestEngines.dockerMissing();
    }

    @Test
    void isolationHoldsForAUserWithTheDaemonsSocket() throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0, "runs only as root (it switches to the user vgtest)");
        TestEngines.Engine engine = engine().orElseThrow();
        int[] ids = TestUsers.vgtest();
        Path home = IsolationChecks.homeOf(ids);
        Path socket = Path.of(engine.environment().get("DOCKER_HOST").substring("unix://".length()));
        Path socketDir = socket.getParent();
        String dirMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDir));
        int socketGroup = (Integer) Files.getAttribute(socket, "unix:gid");
        String socketMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(socket));
        Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setAttribute(socket, "unix:gid", ids[1]);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        try {
            IsolationChecks.runAsUser(ids, home, Map.of("vg.test.runtime", engine.name(), "vg.test.image", engine.image()),
                    engine.environment());
        } finally {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(socketMode));
            Files.setAttribute(socket, "unix:gid", socketGroup);
            Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString(dirMode));
        }
    }
}
