package dev.vectraguard.sandbox;

import dev.vectraguard.egress.TestServers;
import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restricted networking against servers of the test's own ({@link EgressChecks}): the checks run
 * in a child JVM inside a network namespace made here, whose veth pair leads to a second namespace
 * holding {@link TestServers}; as root and as an unprivileged user (uid 65534). Needs root (for
 * {@code ip netns}); no traffic leaves the two namespaces. The checks' JVM, which is vg, resolves
 * the test names from a hosts file of the test's own ({@code jdk.net.hosts.file}).
 */
class EgressTest {
    private static final int NOBODY = 65534;
    private static final long ID = ProcessHandle.current().pid() % 100000;
    private static final String CLIENT = "vgeg" + ID;
    private static final String SERVERS = "vgegs" + ID;

    private static PortableClasspath classpath;
    private static Process servers;
    private static Path serverLog;
    private static Path hostsFile;

    @BeforeAll
    static void namespaces() throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0, "needs root to make test network namespaces");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "needs iproute2 (ip)");
        classpath = PortableClasspath.create();
        String clientEnd = "vgec" + ID;
        String serverEnd = "vges" + ID;
        ip("netns", "add", CLIENT);
        ip("netns", "add", SERVERS);
        ip("link", "add", clientEnd, "type", "veth", "peer", "name", serverEnd);
        ip("link", "set", clientEnd, "netns", CLIENT);
        ip("link", "set", serverEnd, "netns", SERVERS);
        for (String address : List.of("198.51.100.2/24", "10.77.0.2/24")) {
            ip("-n", CLIENT, "addr", "add", address, "dev", clientEnd);
        }
        for (String address : List.of("198.51.100.1/24", "198.51.100.7/24", "10.77.0.1/24")) {
            ip("-n", SERVERS, "addr", "add", address, "dev", serverEnd);
        }
        for (String[] link : new String[][] {{CLIENT, clientEnd}, {CLIENT, "lo"}, {SERVERS, serverEnd}, {SERVERS, "lo"}}) {
            ip("-n", link[0], "link", "set", link[1], "up");
        }
        // vg's resolver (the checks' JVM) reads its names from here (jdk.net.hosts.file), the sandbox asks vg
        hostsFile = classpath.root().resolve("hosts");
        Files.writeString(hostsFile, "127.0.0.1 localhost\n"
                + EgressChecks.PUBLIC + " " + EgressChecks.NAMED + " " + EgressChecks.OTHER + "\n"
                + EgressChecks.PRIVATE + " " + EgressChecks.REBIND + "\n");
        Files.setPosixFilePermissions(hostsFile, PosixFilePermissions.fromString("rw-r--r--"));

        serverLog = classpath.root().resolve("servers.log");
        Files.createFile(serverLog, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        servers = new ProcessBuilder("ip", "netns", "exec", SERVERS, java(), "-cp", classpath.classpath(),
                TestServers.class.getName(), "198.51.100.1", "198.51.100.7", "10.77.0.1")
                .redirectOutput(serverLog.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        for (int i = 0; i < 200 && !Files.readString(serverLog).contains("ready"); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.readString(serverLog).contains("ready"), "the test servers did not start");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (servers != null) {
            servers.getOutputStream().close();
            servers.destroy();
            servers.waitFor(10, TimeUnit.SECONDS);
        }
        if (classpath != null) {
            ipQuietly("netns", "del", CLIENT);
            ipQuietly("netns", "del", SERVERS);
            classpath.close();
        }
    }

    @Test
    void restrictedNetworkingAsRoot() throws Exception {
        runChecks(List.of());
    }

    @Test
    void restrictedNetworkingAsUnprivilegedUser() throws Exception {
        runChecks(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    }

    private static void runChecks(List<String> asUser) throws Exception {
        Path home = Files.createTempDirectory(classpath.root(), "home");
        Files.setAttribute(home, "unix:uid", asUser.isEmpty() ? 0 : NOBODY);
        Files.setAttribute(home, "unix:gid", asUser.isEmpty() ? 0 : NOBODY);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", CLIENT));
        command.addAll(asUser);
        command.addAll(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Djdk.net.hosts.file=" + hostsFile,
                "-cp", classpath.classpath(), EgressChecks.class.getName(), serverLog.toString(),
                Path.of("target", "native", "vg_test_helper").toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        builder.environment().put("TMPDIR", "/tmp");
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(10, TimeUnit.MINUTES), "egress checks did not finish");
        List<String> lines = output.lines().filter(l -> l.startsWith("PASS ") || l.startsWith("FAIL ")).toList();
        assertEquals(EgressChecks.all().size(), lines.size(), "every check must report; output:\n" + output);
        List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
        assertTrue(failures.isEmpty(), (asUser.isEmpty() ? "as root" : "as uid " + NOBODY) + ":\n" + String.join("\n", failures));
        assertEquals(0, child.exitValue(), output);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }

    private static void ipQuietly(String... args) {
        try {
            ip(args);
        } catch (Exception | AssertionError ignored) {
            // already gone
        }
    }

}
