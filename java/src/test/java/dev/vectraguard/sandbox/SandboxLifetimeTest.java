package dev.vectraguard.sandbox;

import dev.vectraguard.sandbox.namespace.NativeRuntime;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sandbox outlives the thread that started it but not the JVM: checked from outside with a child
 * JVM that starts a sandbox from a short-lived thread and is then killed with SIGKILL.
 */
class SandboxLifetimeTest {

    /** Child JVM: starts {@code sleep 61.SUFFIX} in a sandbox from a thread that ends at once, then waits. */
    public static void main(String[] args) throws Exception {
        Path ws = IsolationChecks.tempDir("lifetime");
        Thread starter = new Thread(() -> {
            try {
                SandboxSpec spec = SandboxSpec.builder("sleep", "61." + args[0]).workspace(ws)
                        .environment(Map.of("PATH", "/usr/bin:/bin")).stdin(Stdio.DISCARD).build();
                new NativeRuntime().start(spec);
            } catch (SandboxException e) {
                System.out.println("failed " + e.getMessage());
            }
        });
        starter.start();
        starter.join();
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(2));
    }

    @Test
    void sandboxOutlivesItsThreadButNotItsJvm() throws Exception {
        String suffix = Long.toString(System.nanoTime() % 1000);
        String marker = "61." + suffix;
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SandboxLifetimeTest.class.getName(), suffix).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("started", out.readLine());
            Thread.sleep(300);
            assertEquals(1, IsolationChecks.processesWithArgument(marker).size(),
                    "the sandbox must keep running after the thread that started it ended");
            child.destroyForcibly().waitFor();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            List<Long> left = IsolationChecks.processesWithArgument(marker);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                left = IsolationChecks.processesWithArgument(marker);
            }
            assertTrue(left.isEmpty(), "the sandbox survived its JVM: " + left);
        } finally {
            child.destroyForcibly();
            assertFalse(child.isAlive() && !child.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
