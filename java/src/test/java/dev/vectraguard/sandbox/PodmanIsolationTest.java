package dev.vectraguard.sandbox;

import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The isolation checks against podman: rootful (the test runs as root), and rootless as the user
 * vgtest, with the test image in vgtest's own storage.
 */
class PodmanIsolationTest extends ContainerIsolationTest {
    @Override
    Optional<TestEngines.Engine> engine() {
        return TestEngines.podman();
    }

    @Override
    String whyMissing() {
        return TestEngines.podmanMissing();
    }

    @Test
    void isolationHoldsForRootlessPodman() throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0, "runs only as root (it switches to the user vgtest)");
        int[] ids = TestUsers.vgtest();
        Path home = IsolationChecks.homeOf(ids);
        TestEngines.Engine engine = TestEngines.rootlessPodman("vgtest", ids, home);
        try {
            IsolationChecks.runAsUser(ids, home, Map.of("vg.test.runtime", engine.name(), "vg.test.image", engine.image()),
                    engine.environment());
        } finally {
            TestEngines.stopRootless(engine);
        }
    }
}
