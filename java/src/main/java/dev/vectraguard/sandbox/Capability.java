package dev.vectraguard.sandbox;

import java.util.EnumSet;
import java.util.Set;

/** Linux capabilities vg may keep inside a sandbox (numbers from linux/capability.h). */
public enum Capability {
    CHOWN(0), DAC_OVERRIDE(1), FOWNER(3), FSETID(4), KILL(5), SETGID(6), SETUID(7), SETPCAP(8),
    NET_BIND_SERVICE(10), NET_RAW(13), SYS_CHROOT(18), MKNOD(27), AUDIT_WRITE(29), SETFCAP(31);

    /** The set container runtimes give by default; only meaningful inside the sandbox's own namespaces. */
    public static final Set<Capability> NAMESPACED_DEFAULT = Set.copyOf(EnumSet.allOf(Capability.class));
    /** Enough to bind low ports inside the sandbox's own network namespace, nothing else. */
    public static final Set<Capability> MINIMAL = Set.of(NET_BIND_SERVICE);

    private final int number;

    Capability(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    public static long mask(Set<Capability> capabilities) {
        long mask = 0;
        for (Capability capability : capabilities) {
            mask |= 1L << capability.number;
        }
        return mask;
    }
}
