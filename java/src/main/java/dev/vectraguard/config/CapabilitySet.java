package dev.vectraguard.config;

import java.util.List;

/**
 * {@code sandbox.capability_set}: the Linux capabilities the sandboxed command keeps, inside its
 * own user namespace (never host capabilities). Either a named set or an explicit list of
 * {@code CAP_*} names; exactly one of {@code preset} and {@code capabilities} is set.
 *
 * <ul>
 *   <li>{@code none}: all capabilities dropped (the default).</li>
 *   <li>{@code minimal}: CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_SETUID, CAP_SETGID
 *       (lets package managers that chown or switch users work in the namespace).</li>
 *   <li>{@code default-namespaced}: the OCI runtimes' default set, namespaced.</li>
 * </ul>
 */
public record CapabilitySet(String preset, List<String> capabilities) {
    public static final List<String> PRESETS = List.of("none", "minimal", "default-namespaced");

    public static final CapabilitySet NONE = new CapabilitySet("none", null);

    /** The capabilities this set stands for, expanded from the preset if it is one. */
    public List<String> expand() {
        if (capabilities != null) {
            return capabilities;
        }
        return switch (preset) {
            case "minimal" -> List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETUID", "CAP_SETGID");
            case "default-namespaced" -> List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
                    "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
            default -> List.of();
        };
    }

    @Override
    public String toString() {
        return preset != null ? preset : String.join(", ", capabilities);
    }

    /** Every capability name Linux defines (up to CAP_CHECKPOINT_RESTORE, Linux 5.9). */
    static final List<String> KNOWN = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
}
