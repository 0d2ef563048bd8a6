package dev.vectraguard.sandbox;

/**
 * Memory, CPU and process limits of one sandbox.
 *
 * @param memoryBytes maximum memory in bytes
 * @param cpuMillis   CPU time share in thousandths of a CPU (500 = half a CPU)
 * @param pids        maximum number of processes and threads
 */
public record ResourceLimits(long memoryBytes, int cpuMillis, int pids) {
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
        return new ResourceLimits(profile.memoryBytes(), profile.cpuMillis(), profile.pids());
    }
}
