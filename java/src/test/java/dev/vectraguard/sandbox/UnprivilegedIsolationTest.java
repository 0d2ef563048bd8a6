package dev.vectraguard.sandbox;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
        Path root = Files.createTempDirectory("vg-unprivileged-");
        try {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> classpath = new ArrayList<>();
            int index = 0;
            for (String entry : System.getProperty("java.class.path").split(":")) {
                Path source = Path.of(entry);
                if (Files.isDirectory(source)) {
                    Path copy = root.resolve("cp" + index++);
                    copyTree(source, copy);
                    classpath.add(copy.toString());
                }
            }
            Path home = root.resolve("home");
            Files.createDirectories(home);
            Files.setAttribute(home, "unix:uid", NOBODY);
            Files.setAttribute(home, "unix:gid", NOBODY);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    java.toString(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-cp", String.join(":", classpath), IsolationChecks.class.getName())
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
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                    Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(path, destination);
                    Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }
}
