package dev.vectraguard.sandbox;

import java.util.Set;

/**
 * What a {@link SecurityLevel} means, as one row of the table in README.md.
 *
 * @param level            the level this row belongs to
 * @param throwawayRoot    true: the system directories are a throwaway overlay (writes vanish);
 *                         false: they are read-only
 * @param network          network the level allows at most
 * @param capabilities     capabilities kept inside the sandbox (numbers as in linux/capability.h)
 * @param seccompProfile   name of the shipped seccomp profile
 * @param memoryBytes      memory limit: enough for a real install or build of a typical project (npm,
 *                         Maven, pip, cargo) at every level
 * @param cpuMillis        CPU in thousandths of a CPU: a share under contention, a hard quota at paranoid
 *                         ({@link #cpuQuota()})
 * @param pids             maximum number of processes
 */
public record SecurityProfile(SecurityLevel level, boolean throwawayRoot, NetworkMode network, Set<Capability> capabilities,
                              String seccompProfile, long memoryBytes, int cpuMillis, int pids) {

    private static final long MIB = 1024L * 1024L;

    public static SecurityProfile of(SecurityLevel level) {
        return switch (level) {
            case PERMISSIVE -> new SecurityProfile(level, true, NetworkMode.FULL, Capability.NAMESPACED_DEFAULT,
                    "minimal", 8192 * MIB, 2000, 4096);
            case BALANCED -> new SecurityProfile(level, true, NetworkMode.RESTRICTED, Capability.MINIMAL,
                    "moderate", 4096 * MIB, 1000, 1024);
            case STRICT -> new SecurityProfile(level, false, NetworkMode.RESTRICTED, Set.of(),
                    "strict", 4096 * MIB, 500, 512);
            case PARANOID -> new SecurityProfile(level, false, NetworkMode.NONE, Set.of(),
                    "strict", 2048 * MIB, 1000, 256);
        };
    }

    /**
     * Whether the level's CPU figure is a hard quota: only at paranoid. At the other levels it is a
     * share, so a build on an idle machine runs at full speed while a runaway command cannot starve
     * the host.
     */
    public boolean cpuQuota() {
        return level == SecurityLevel.PARANOID;
    }

    /** The network actually used when {@code requested} is asked for at this level (never more than the level allows). */
    public NetworkMode effectiveNetwork(NetworkMode requested) {
        NetworkMode wanted = requested == null ? network : requested;
        return wanted.ordinal() > network.ordinal() ? network : wanted;
    }
}
