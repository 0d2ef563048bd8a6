package dev.vectraguard.sandbox;

/**
 * Memory, CPU and process limits of one sandbox.
 *
 * @param memoryBytes maximum memory in bytes
 * @param cpuMillis   CPU in thousandths of a CPU (500 = half a CPU): the sandbox's share of the CPUs
 *                    when they are contended (cgroup cpu.shares / cpu.weight, 1000 = as much as one
 *                    ordinary host process), or with {@code cpuQuota} the most it may ever use
 * @param pids        maximum number of processes and threads
 * @param cpuQuota    true: {@code cpuMillis} is a hard quota (cgroup cpu.cfs_quota_us / cpu.max), even on
 *                    an idle machine; false: only a share, so an idle machine runs the command at full speed
 */
public record ResourceLimits(long memoryBytes, int cpuMillis, int pids, boolean cpuQuota) {
    /** Limits with a CPU share, no hard quota. */
    public ResourceLimits(long memoryBytes, int cpuMillis, int pids) {
        this(memoryBytes, cpuMillis, pids, false);
    }

    public ResourceLimits {
        if (memoryBytes <= 0 || cpuMillis <= 0 || pids <= 0) {
            throw new IllegalArgumentException("limits must be positive: memory=" + memoryBytes
                    + " cpu=" + cpuMillis + " pids=" + pids);
        }
    }

    /**
     * Bytes of the sandbox's scratch tmpfs, which /tmp, /var/tmp, /run, /dev/shm, the home and the
     * throwaway overlays share: half the memory limit, so that files kept in memory leave the
     * processes the other half (with a memory cgroup they count against its limit too), and bounded
     * as much where vg has no cgroup to account them.
     */
    public long scratchBytes() {
        return Math.max(memoryBytes / 2, 1);
    }

    /**
     * Files and directories the scratch tmpfs may hold: one per KiB of it (an inode costs about that
     * much kernel memory), and never fewer than the sandbox's own mount points need.
     */
    public long scratchInodes() {
        return Math.max(scratchBytes() / 1024, 1024);
    }

    public static ResourceLimits of(SecurityProfile profile) {
        return new ResourceLimits(profile.memoryBytes(), profile.cpuMillis(), profile.pids(), profile.cpuQuota());
    }
}
