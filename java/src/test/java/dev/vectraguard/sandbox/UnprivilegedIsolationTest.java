package dev.vectraguard.sandbox;

import org.junit.jupiter.api.Assumptions;
import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every isolation check again, as an unprivileged user (uid/gid 65534) in a child JVM started with
 * setpriv: the sandbox must hold for normal users as well as for root.
 */
class UnprivilegedIsolationTest {
    private static final int NOBODY = 65534;

    @Test
    void isolationHoldsForAnUnprivilegedUser() throws Exception {
        Assumptions.assumeTrue(Sandbox.callerIds()[0] == 0,
                "runs only as root (it switches to uid 65534); as a normal user SandboxIsolationTest already is this test");
        try (PortableClasspath classpath = PortableClasspath.create()) {
            Path home = classpath.root().resolve("home");
            Files.createDirectories(home);
            Files.setAttribute(home, "unix:uid", NOBODY);
            Files.setAttribute(home, "unix:gid", NOBODY);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    java.toString(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-cp", classpath.classpath(), IsolationChecks.class.getName())
                    .directory(home.toFile())
                    .redirectErrorStream(true);
            builder.environment().put("HOME", home.toString());
            builder.environment().put("TMPDIR", "/tmp");
            Process child = builder.start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(10, TimeUnit.MINUTES), "unprivileged checks did not finish");
            List<String> lines = output.lines().filter(l -> l.startsWith("PASS ") || l.startsWith("FAIL ")).toList();
            assertEquals(IsolationChecks.all().size(), lines.size(), "every check must report; output:\n" + output);
            List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
            assertTrue(failures.isEmpty(), "as uid " + NOBODY + ":\n" + String.join("\n", failures));
            assertEquals(0, child.exitValue(), output);
        }
    }
}
