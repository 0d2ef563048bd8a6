package dev.vectraguard.sandbox;

import dev.vectraguard.testing.TestEngines;

import java.util.Optional;

/** The isolation checks against podman (rootful: the test runs as root). */
class PodmanIsolationTest extends ContainerIsolationTest {
    @Override
    Optional<TestEngines.Engine> engine() {
        return TestEngines.podman();
    }

    @Override
    String whyMissing() {
        return TestEngines.podmanMissing();
    }
}
