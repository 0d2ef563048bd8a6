package dev.vectraguard.cli;

import dev.vectraguard.probe.CgroupProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The levels' CPU figures are a share of the CPUs, not a hard quota, except at paranoid and when a
 * trusted config sets {@code sandbox.cpu_limit}: read from the host in the cgroup files of a running
 * {@code vg exec}, and the nice value of its command in /proc. Needs usable cgroups (root on v1).
 */
class CpuLimitsCliTest {
    @TempDir
    Path root;

    /** What the host sees of a running sandboxed command: its cgroup's CPU files and its nice value. */
    private record Observed(String shares, String quota, int nice, String notice) {}

    @Test
    void noLevelThrottlesDiskIo() throws Exception {
        for (String level : List.of("permissive", "balanced", "strict", "paranoid")) {
            VgRunner vg = new VgRunner(root);
            observe(vg, level, pid -> {
                Path cgroup = cpuCgroup(pid);
                if (cgroup.startsWith("/sys/fs/cgroup/cpu") && Files.isDirectory(Path.of("/sys/fs/cgroup/blkio"))) {
                    String blkio = controllerLine(pid, "blkio");
                    assertTrue(blkio.endsWith(":/") || !blkio.contains("vectra-guard"),
                            level + ": the command is in a blkio cgroup of vg: " + blkio);
                } else {
                    Path ioMax = cgroup.resolve("io.max");
                    assertTrue(!Files.exists(ioMax) || Files.readString(ioMax).isBlank(), level + ": io.max is set: " + ioMax);
                }
            });
        }
    }

    private static String controllerLine(long pid, String controller) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            if (List.of(line.split(":", 3)[1].split(",")).contains(controller)) {
                return line;
            }
        }
        return "";
    }

    private interface Check {
        void on(long pid) throws Exception;
    }

    @Test
    void balancedIsAShareWithoutQuotaAndANicedCommand() throws Exception {
        Observed seen = observe(new VgRunner(root), "balanced");
        assertShare(seen, 1000);
        assertEquals(10, seen.nice(), "the sandboxed command runs at nice 10");
        assertTrue(seen.notice().contains("cpu share 1 (no quota), nice 10"), seen.notice());
    }

    @Test
    void paranoidIsAHardQuota() throws Exception {
        Observed seen = observe(new VgRunner(root), "paranoid");
        assertQuota(seen, 1000);
        assertTrue(seen.notice().contains("cpu quota 1 (hard)"), seen.notice());
    }

    @Test
    void cpuLimitInTheTrustedConfigIsAHardQuota() throws Exception {
        VgRunner vg = new VgRunner(root).config("sandbox:\n  cpu_limit: 0.5\n");
        Observed seen = observe(vg, "balanced");
        assertQuota(seen, 500);
        assertTrue(seen.notice().contains("cpu quota 0.5 (hard)"), seen.notice());
        String show = vg.run("config", "show").stdout();
        assertTrue(show.contains("hard quota of 0.5 cpu"), show);
    }

    @Test
    void cpuLimitInAnUnapprovedProjectFileIsOnlyALowerShare() throws Exception {
        VgRunner vg = new VgRunner(root).projectConfig("sandbox:\n  cpu_limit: 0.5\n");
        Observed seen = observe(vg, "balanced");
        assertShare(seen, 500);
        assertTrue(seen.notice().contains("cpu share 0.5 (no quota)"), seen.notice());
        String show = vg.run("config", "show").stdout();
        assertTrue(show.contains("share of 0.5 cpu under contention"), show);
    }

    @Test
    void configShowSaysTheDefaultIsAShare() throws Exception {
        VgRunner vg = new VgRunner(root);
        String show = vg.run("config", "show").stdout();
        assertTrue(show.contains("cpu_limit: null") && show.contains("share of 1 cpu under contention"), show);
        String json = vg.run("config", "show", "--json").stdout();
        assertTrue(json.matches("(?s).*\"sandbox.cpu_limit\": \\{[^}]*\"applies\": \"share\".*"), json);
        String paranoid = vg.config("sandbox:\n  security_level: paranoid\n").run("config", "show").stdout();
        assertTrue(paranoid.contains("hard quota of 1 cpu"), paranoid);
    }

    private static void assertShare(Observed seen, int cpuMillis) {
        if (seen.shares().startsWith("v2 ")) {
            assertEquals("v2 " + cpuMillis / 10, seen.shares(), "cpu.weight");
            assertTrue(seen.quota().startsWith("max "), "cpu.max without quota: " + seen.quota());
        } else {
            assertEquals(Integer.toString(cpuMillis * 1024 / 1000), seen.shares(), "cpu.shares");
            assertEquals("-1", seen.quota(), "cpu.cfs_quota_us: no quota");
        }
    }

    private static void assertQuota(Observed seen, int cpuMillis) {
        String expected = seen.shares().startsWith("v2 ") ? cpuMillis * 100 + " 100000" : Integer.toString(cpuMillis * 100);
        assertEquals(expected, seen.quota(), "the hard quota (cpu.cfs_quota_us or cpu.max)");
    }

    /** Starts {@code vg exec} with a sleeping command, reads its cgroup and nice value from outside, then stops it. */
    private Observed observe(VgRunner vg, String level) throws Exception {
        return observe(vg, level, pid -> { });
    }

    private Observed observe(VgRunner vg, String level, Check check) throws Exception {
        assumeTrue(CgroupProbe.probe().usableForLimits(), "no usable cgroups for this user");
        String marker = "vg-cpu-" + System.nanoTime();
        Path out = root.resolve(marker + ".out");
        Path err = root.resolve(marker + ".err");
        Process vgProcess = vg.start(out, err, "exec", "--security-level", level, "--", "sh", "-c", "sleep 60", marker);
        try {
            long pid = waitForProcess(marker, vgProcess);
            String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst(".*\\) ", "").split(" ");
            int nice = Integer.parseInt(stat[16]);
            Path cgroup = cpuCgroup(pid);
            check.on(pid);
            String shares;
            String quota;
            if (cgroup.startsWith("/sys/fs/cgroup/cpu/") || cgroup.startsWith("/sys/fs/cgroup/cpu,cpuacct/")) {
                shares = Files.readString(cgroup.resolve("cpu.shares")).strip();
                quota = Files.readString(cgroup.resolve("cpu.cfs_quota_us")).strip();
            } else {
                shares = "v2 " + Files.readString(cgroup.resolve("cpu.weight")).strip();
                quota = Files.readString(cgroup.resolve("cpu.max")).strip();
            }
            vgProcess.destroy();
            vgProcess.waitFor();
            return new Observed(shares, quota, nice, Files.readString(err));
        } finally {
            vgProcess.destroyForcibly();
        }
    }

    private static long waitForProcess(String marker, Process vgProcess) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            List<Long> found = new ArrayList<>();
            ProcessHandle.allProcesses().forEach(p -> p.info().arguments().ifPresent(args -> {
                if (List.of(args).contains(marker) && p.info().command().map(c -> c.endsWith("/sh") || c.endsWith("dash")).orElse(false)) {
                    found.add(p.pid());
                }
            }));
            if (!found.isEmpty()) {
                return found.getFirst();
            }
            if (!vgProcess.isAlive()) {
                fail("vg exited (" + vgProcess.exitValue() + ") before its command was seen");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the sandboxed command did not start within 30 s");
    }

    /** The directory of the cgroup that holds {@code pid}'s CPU controller (v1 cpu hierarchy, else v2). */
    private static Path cpuCgroup(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] parts = line.split(":", 3);
            if (List.of(parts[1].split(",")).contains("cpu")) {
                return Path.of("/sys/fs/cgroup", parts[1] + parts[2]);
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            if (line.startsWith("0::")) {
                return Path.of("/sys/fs/cgroup" + line.substring(3));
            }
        }
        throw new AssertionError("no cpu cgroup for " + pid);
    }
}
