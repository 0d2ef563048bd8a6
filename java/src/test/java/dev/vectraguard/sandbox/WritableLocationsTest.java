package dev.vectraguard.sandbox;

import dev.vectraguard.sandbox.bubblewrap.BubblewrapRuntime;
import dev.vectraguard.sandbox.namespace.NativeRuntime;
import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WritableLocationChecks} as the test user (root in CI), then as a normal user with a home of
 * their own in /etc/passwd (vgtest, created when missing), against the native runtime and against
 * bubblewrap: the account's home and its credentials must be found from the password database for all.
 */
class WritableLocationsTest {
    static final String USER = "vgtest";

    @TestFactory
    Stream<DynamicTest> asThisUser() {
        return WritableLocationChecks.all().stream()
                .map(check -> DynamicTest.dynamicTest(check.name(), () -> check.body().run()));
    }

    @Test
    void asANormalUserWithAHome() throws Exception {
        asNormalUser(NativeRuntime.NAME);
    }

    /** The same checks against bubblewrap (as root it runs the command as the workspace's owner, who cannot reach /root). */
    @Test
    void asANormalUserWithAHomeOnBubblewrap() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/bwrap")), "bwrap is not installed");
        asNormalUser(BubblewrapRuntime.NAME);
    }

    private static void asNormalUser(String runtime) throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0, "runs only as root (it switches to the user " + USER + ")");
        int uid = ensureUser(USER);
        String home = CallerAccount.accountHome(uid).toString();
        try (PortableClasspath classpath = PortableClasspath.create()) {
            ProcessBuilder builder = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                    java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Dvg.test.runtime=" + runtime,
                    "-cp", classpath.classpath(), WritableLocationChecks.class.getName())
                    .directory(new java.io.File(home))
                    .redirectErrorStream(true);
            builder.environment().put("HOME", home);
            builder.environment().put("TMPDIR", "/tmp");
            Process child = builder.start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(10, TimeUnit.MINUTES), "checks as " + USER + " did not finish");
            List<String> lines = output.lines().filter(l -> l.startsWith("PASS ") || l.startsWith("FAIL ")).toList();
            assertEquals(WritableLocationChecks.all().size(), lines.size(), "every check must report; output:\n" + output);
            List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
            assertTrue(failures.isEmpty(), "as " + USER + " on " + runtime + ":\n" + String.join("\n", failures));
        }
    }

    /** The uid of {@code name}, made with useradd -m (a group of the same id and a home) when missing. */
    static int ensureUser(String name) throws Exception {
        if (run("id", "-u", name).exitValue() != 0) {
            run("useradd", "-m", "-U", name);
        }
        Process id = run("id", "-u", name);
        assertEquals(0, id.exitValue(), "cannot create the user " + name);
        int uid = Integer.parseInt(new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        Process gid = run("id", "-g", name);
        assertEquals(Integer.toString(uid), new String(gid.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
                name + " needs a group with its own id");
        return uid;
    }

    private static Process run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
        return process;
    }
}
