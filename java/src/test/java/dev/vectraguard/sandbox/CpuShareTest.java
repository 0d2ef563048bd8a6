package dev.vectraguard.sandbox;

import dev.vectraguard.sandbox.namespace.NativeRuntime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * At balanced a CPU-bound job of two threads gets more than one CPU of throughput: the level's CPU
 * figure is a share under contention, not a hard quota. Measured from the host, in the CPU time
 * the kernel counts for the job's processes while they spin.
 */
class CpuShareTest {
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    @Test
    void twoSpinningThreadsGetMoreThanOneCpuAtBalanced() throws Exception {
        int cpus = java.lang.Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2, "needs two CPUs");
        Path ws = IsolationChecks.tempDir("cpu-share");
        String marker = "vg-spin-" + System.nanoTime();
        String spin = "perl -e '1 while 1' " + marker;
        try (SandboxProcess process = new NativeRuntime().start(IsolationChecks.spec(SecurityLevel.BALANCED, ws,
                List.of("sh", "-c", spin + " & " + spin + " & wait")).build())) {
            List<Long> spinners = List.of();
            for (int i = 0; i < 200 && spinners.size() < 2; i++) {
                Thread.sleep(50);
                spinners = IsolationChecks.processesWithArgument(marker);
            }
            assertEquals(2, spinners.size(), "two spinning processes expected, found " + spinners);
            Path cpuStat = cpuStat(process);
            long throttledBefore = stat(cpuStat, "nr_throttled");
            long periodsBefore = stat(cpuStat, "nr_periods");
            long jobBefore = cpuTicks(spinners);
            long idleBefore = idleTicks();
            long start = System.nanoTime();
            Thread.sleep(3000);
            long job = cpuTicks(spinners) - jobBefore;
            long idle = idleTicks() - idleBefore;
            double seconds = (System.nanoTime() - start) / 1e9;
            long throttled = stat(cpuStat, "nr_throttled") - throttledBefore;
            long periods = stat(cpuStat, "nr_periods") - periodsBefore;
            process.kill();
            double jobCpus = job / (double) CLOCK_TICKS_PER_SECOND / seconds;
            double idleCpus = idle / (double) CLOCK_TICKS_PER_SECOND / seconds;
            String measured = String.format("the job got %.2f CPUs over %.1f s while %.2f CPUs were idle; "
                    + "quota periods %d, throttled %d times", jobCpus, seconds, idleCpus, periods, throttled);
            System.out.println(measured);
            // The kernel counts bandwidth periods only for a cgroup with a quota, whatever the load.
            assertEquals(0, periods, "a CPU quota is enforced on the job: " + measured);
            assertEquals(0, throttled, "a CPU quota throttled the job: " + measured);
            // On a busy machine the share may give the job less than one CPU; CPU left idle while the
            // job got at most one is what a quota does.
            assertTrue(jobCpus > 1.1 || idleCpus < 0.3, "held back to one CPU: " + measured);
        }
    }

    /** The cgroup's cpu.stat (v1 cpu hierarchy or v2), or null without cgroups. */
    private static Path cpuStat(SandboxProcess process) {
        for (Path dir : process.resources().cgroupDirs()) {
            if (Files.exists(dir.resolve("cpu.stat")) && (Files.exists(dir.resolve("cpu.shares")) || Files.exists(dir.resolve("cpu.weight")))) {
                return dir.resolve("cpu.stat");
            }
        }
        return null;
    }

    /** A counter of cpu.stat (nr_periods, nr_throttled); 0 without cgroups. */
    private static long stat(Path cpuStat, String counter) throws Exception {
        if (cpuStat == null) {
            return 0;
        }
        for (String line : Files.readAllLines(cpuStat)) {
            if (line.startsWith(counter + " ")) {
                return Long.parseLong(line.substring(counter.length() + 1).strip());
            }
        }
        throw new AssertionError("no " + counter + " in " + cpuStat);
    }

    /** Idle time of all CPUs (the cpu line of /proc/stat), in clock ticks. */
    private static long idleTicks() throws Exception {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().split("\\s+");
        return Long.parseLong(fields[4]);
    }

    /** utime + stime of the processes, in clock ticks. */
    private static long cpuTicks(List<Long> pids) throws Exception {
        long ticks = 0;
        for (long pid : pids) {
            String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst(".*\\) ", "").split(" ");
            ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
        }
        return ticks;
    }
}
