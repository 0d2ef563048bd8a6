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

    public static ResourceLimits of(SecurityProfile profile) {
        return new ResourceLimits(profile.memoryBytes(), profile.cpuMillis(), profile.pids());
    }
}
