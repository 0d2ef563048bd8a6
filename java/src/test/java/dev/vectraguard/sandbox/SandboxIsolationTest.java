package dev.vectraguard.sandbox;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/** Every isolation check, run in this JVM (as root in CI). */
class SandboxIsolationTest {
    @TestFactory
    Stream<DynamicTest> isolationHolds() {
        return IsolationChecks.all().stream()
                .map(check -> DynamicTest.dynamicTest(check.name(), () -> check.body().run()));
    }
}
