package dev.vectraguard.sandbox;

import dev.vectraguard.testing.TestEngines;

import java.util.Optional;

/** The isolation checks against docker (the tests' own dockerd). */
class DockerIsolationTest extends ContainerIsolationTest {
    @Override
    Optional<TestEngines.Engine> engine() {
        return TestEngines.docker();
    }

    @Override
    String whyMissing() {
        return TestEngines.dockerMissing();
    }
}
