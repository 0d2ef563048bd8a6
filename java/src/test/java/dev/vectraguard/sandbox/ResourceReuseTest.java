package dev.vectraguard.sandbox;

import dev.vectraguard.probe.CgroupProbe;
import dev.vectraguard.sandbox.namespace.NativeRuntime;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cgroups of an ended sandbox serve the next one with the same limits, empty and without its
 * history, and a JVM leaves none behind when it exits. Needs usable cgroups (root on v1).
 */
class ResourceReuseTest {
    private static final ResourceLimits LIMITS = new ResourceLimits(200L * 1024 * 1024, 1000, 64);

    /** Child JVM: runs one sandbox and exits (normally: the shutdown hook cleans up). */
    public static void main(String[] args) throws Exception {
        Path ws = IsolationChecks.tempDir("reuse-exit");
        try (SandboxProcess process = new NativeRuntime().start(IsolationChecks.spec(SecurityLevel.BALANCED, ws, List.of("true"))
                .limits(LIMITS).build())) {
            System.out.println("status " + process.waitFor() + " dirs " + process.resources().cgroupDirs().size());
        }
    }

    @Test
    void anEndedSandboxesCgroupsServeTheNextOneWithoutItsOomKill() throws Exception {
        assumeTrue(CgroupProbe.probe().usableForLimits(), "no usable cgroups for this user");
        Path ws = IsolationChecks.tempDir("reuse");
        List<Path> first;
        try (SandboxProcess greedy = new NativeRuntime().start(IsolationChecks.spec(SecurityLevel.BALANCED, ws,
                List.of("perl", "-e", "$x = 'a' x (600*1024*1024); print \"allocated\\n\";")).limits(LIMITS).build())) {
            assertNotEquals(0, greedy.waitFor());
            assertTrue(greedy.memoryLimitHit(), "the greedy command was killed by the memory limit");
            first = greedy.resources().cgroupDirs();
            assertFalse(first.isEmpty());
        }
        SandboxCleanup.awaitIdle();
        for (Path dir : first) {
            assertTrue(Files.isDirectory(dir), dir + " kept for reuse");
            assertEquals("", Files.readString(dir.resolve("cgroup.procs")), dir + " is empty");
        }
        try (SandboxProcess next = new NativeRuntime().start(IsolationChecks.spec(SecurityLevel.BALANCED, ws,
                List.of("sh", "-c", "cat /proc/self/cgroup")).limits(LIMITS).stdout(Stdio.PIPE).build())) {
            String cgroups = new String(next.stdout().readAllBytes());
            assertEquals(0, next.waitFor());
            assertEquals(first, next.resources().cgroupDirs(), "the same cgroups serve the next sandbox");
            assertFalse(next.memoryLimitHit(), "the previous sandbox's out-of-memory kill is not this one's");
            assertTrue(cgroups.contains("memory:/") || cgroups.contains("0::/"), cgroups);
        }
    }

    @Test
    void aJvmRemovesItsCgroupsWhenItExits() throws Exception {
        assumeTrue(CgroupProbe.probe().usableForLimits(), "no usable cgroups for this user");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ResourceReuseTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertEquals(0, child.waitFor(), out);
        assertTrue(out.contains("status 0") && !out.contains("dirs 0"), out);
        assertEquals(List.of(), cgroupsOf(child.pid()), "cgroups left behind by the exited JVM");
    }

    /**
     * A new vg sweeps the cgroups that a dead vg of its own pid namespace left, and never those of
     * another pid namespace, whose owners it cannot see (a vg in a container, or the host's vg seen
     * from one): removing one of those could take the limits from a sandbox about to start there.
     */
    @Test
    void theSweepRemovesOnlyDeadOwnersCgroupsOfItsOwnPidNamespace() throws Exception {
        assumeTrue(CgroupProbe.probe().usableForLimits(), "no usable cgroups for this user");
        Path ws = IsolationChecks.tempDir("sweep");
        Path parent;
        try (SandboxProcess process = new NativeRuntime().start(IsolationChecks.spec(SecurityLevel.BALANCED, ws, List.of("true"))
                .limits(LIMITS).build())) {
            assertEquals(0, process.waitFor());
            parent = process.resources().cgroupDirs().getFirst().getParent();
        }
        String namespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString().replaceAll("\\D", "");
        long deadPid = 4_194_305; // above the kernel's largest pid_max: never a live process
        Path ownDead = Files.createDirectory(parent.resolve("run-" + deadPid + "-1." + namespace));
        Path foreign = Files.createDirectory(parent.resolve("run-" + deadPid + "-1." + (Long.parseLong(namespace) + 1)));
        try {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    ResourceReuseTest.class.getName()).redirectErrorStream(true).start();
            String out = new String(child.getInputStream().readAllBytes());
            assertEquals(0, child.waitFor(), out);
            assertFalse(Files.exists(ownDead), "the dead owner's cgroup of this pid namespace is swept");
            assertTrue(Files.isDirectory(foreign), "another pid namespace's cgroup is left alone");
        } finally {
            Files.deleteIfExists(ownDead);
            Files.deleteIfExists(foreign);
        }
    }

    /** vg's cgroups named after {@code pid}, in every hierarchy. */
    private static List<Path> cgroupsOf(long pid) throws IOException {
        try (Stream<Path> dirs = Files.walk(Path.of("/sys/fs/cgroup"), 3)) {
            return dirs.filter(d -> d.getFileName() != null && d.getFileName().toString().startsWith("run-" + pid + "-")).toList();
        }
    }
}
