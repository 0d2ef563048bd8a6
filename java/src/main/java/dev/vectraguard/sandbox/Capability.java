package dev.vectraguard.sandbox;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Linux capabilities, in the order of linux/capability.h (the ordinal is the capability number). */
public enum Capability {
    CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, LINUX_IMMUTABLE,
    NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN, NET_RAW, IPC_LOCK, IPC_OWNER, SYS_MODULE, SYS_RAWIO, SYS_CHROOT,
    SYS_PTRACE, SYS_PACCT, SYS_ADMIN, SYS_BOOT, SYS_NICE, SYS_RESOURCE, SYS_TIME, SYS_TTY_CONFIG, MKNOD, LEASE,
    AUDIT_WRITE, AUDIT_CONTROL, SETFCAP, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ,
    PERFMON, BPF, CHECKPOINT_RESTORE;

    /** The set container runtimes give by default; only meaningful inside the sandbox's own namespaces. */
    public static final Set<Capability> NAMESPACED_DEFAULT = Set.copyOf(EnumSet.of(CHOWN, DAC_OVERRIDE, FOWNER, FSETID,
            KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP));
    /** Enough to bind low ports inside the sandbox's own network namespace, nothing else. */
    public static final Set<Capability> MINIMAL = Set.of(NET_BIND_SERVICE);

    public int number() {
        return ordinal();
    }

    /** The capability named {@code CAP_X} or {@code X} (any case). */
    public static Capability named(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return valueOf(upper.startsWith("CAP_") ? upper.substring(4) : upper);
    }

    public static long mask(Set<Capability> capabilities) {
        long mask = 0;
        for (Capability capability : capabilities) {
            mask |= 1L << capability.number();
        }
        return mask;
    }
}
