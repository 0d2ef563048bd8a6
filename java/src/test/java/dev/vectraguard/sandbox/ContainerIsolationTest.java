package dev.vectraguard.sandbox;

import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every isolation check that applies to a container runtime, against the real engine with the test
 * image ({@link TestEngines}), in a child JVM that has the engine's environment (DOCKER_HOST of the
 * tests' own dockerd). As root: a user who may use docker is root on the host anyway; rootless
 * podman has its own test in {@link PodmanIsolationTest}.
 */
abstract class ContainerIsolationTest {
    abstract Optional<TestEngines.Engine> engine();

    abstract String whyMissing();

    @Test
    void isolationHolds() throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0, "runs only as root (it starts the tests' own engine)");
        Optional<TestEngines.Engine> engine = engine();
        Assumptions.assumeTrue(engine.isPresent(), () -> "the engine cannot start here: " + whyMissing());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-Dvg.test.runtime=" + engine.get().name(), "-Dvg.test.image=" + engine.get().image(),
                "-cp", System.getProperty("java.class.path"), IsolationChecks.class.getName())
                .redirectErrorStream(true);
        builder.environment().putAll(engine.get().environment());
        // Proxies the engines would add on their own (podman from its environment, docker from its config):
        // "only the given environment is visible" must not see them.
        builder.environment().put("HTTP_PROXY", "http://engine-user:engine-secret@proxy.invalid:3128");
        builder.environment().put("https_proxy", "http://engine-user:engine-secret@proxy.invalid:3128");
        Path dockerConfig = Files.createTempDirectory("vg-docker-config-");
        Files.writeString(dockerConfig.resolve("config.json"), "{\"proxies\": {\"default\": {\"httpProxy\": "
                + "\"http://config-user:config-secret@proxy.invalid:3128\", \"noProxy\": \"localhost\"}}}");
        builder.environment().put("DOCKER_CONFIG", dockerConfig.toString());
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the container checks did not finish");
        System.out.print(output); // each check's PASS line in the report
        int total = output.lines().filter(l -> l.startsWith("TOTAL ")).map(l -> Integer.parseInt(l.substring(6).strip()))
                .findFirst().orElse(-1);
        assertTrue(total >= 25, "the checks did not list themselves: " + output);
        List<String> lines = output.lines().filter(l -> l.startsWith("PASS ") || l.startsWith("FAIL ")).toList();
        assertEquals(total, lines.size(), "every check must report; output:\n" + output);
        List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
        assertTrue(failures.isEmpty(), engine.get().name() + ":\n" + String.join("\n", failures));
        assertEquals(0, child.exitValue(), output);
        Files.delete(dockerConfig.resolve("config.json"));
        Files.delete(dockerConfig);
    }
}
