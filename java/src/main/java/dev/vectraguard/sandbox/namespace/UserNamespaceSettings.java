package dev.vectraguard.sandbox.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why the kernel refuses this user the native sandbox's user namespace, named after the setting that
 * explains it where one does (read only once a refusal happened: nothing of it is on a run's path).
 */
final class UserNamespaceSettings {
    private static final Path APPARMOR_RESTRICTION = Path.of("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
    private static final Path UNPRIVILEGED_CLONE = Path.of("/proc/sys/kernel/unprivileged_userns_clone");
    private static final Path MAX_USER_NAMESPACES = Path.of("/proc/sys/user/max_user_namespaces");

    private UserNamespaceSettings() {}

    /** The cause of the refusal, and where the remedy lies. */
    static String refusalCause() {
        if ("1".equals(read(APPARMOR_RESTRICTION))) {
            return "unprivileged user namespaces are restricted by AppArmor (sysctl kernel.apparmor_restrict_unprivileged_userns = 1); "
                    + "bubblewrap runs where an AppArmor profile lets bwrap make them, else docker or podman";
        }
        if ("0".equals(read(UNPRIVILEGED_CLONE))) {
            return "unprivileged user namespaces are off (sysctl kernel.unprivileged_userns_clone = 0)";
        }
        if ("0".equals(read(MAX_USER_NAMESPACES))) {
            return "no user namespace may be created here (sysctl user.max_user_namespaces = 0)";
        }
        return "unprivileged user namespaces are off or restricted here: by a container's seccomp profile, an LSM "
                + "(e.g. AppArmor's kernel.apparmor_restrict_unprivileged_userns = 1) or a sysctl "
                + "(kernel.unprivileged_userns_clone = 0, user.max_user_namespaces = 0)";
    }

    private static String read(Path setting) {
        try {
            return Files.readString(setting).strip();
        } catch (IOException | SecurityException e) {
            return null; // not this kernel's setting, or not readable here
        }
    }
}
