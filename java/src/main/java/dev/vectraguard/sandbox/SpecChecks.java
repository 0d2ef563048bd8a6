package dev.vectraguard.sandbox;

import dev.vectraguard.nativecore.NativeCore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks every runtime makes on a {@link SandboxSpec} before it starts anything: the network
 * allowed at the level, the seccomp profile, the workspace, the cache dirs and bind mounts, vg's own
 * cache directory.
 */
public final class SpecChecks {
    private SpecChecks() {}

    /**
     * The checks of a start that need only the spec (nothing is started or created): the network
     * allowed at the level, the seccomp profile, a configured vg cache directory. {@code vg config validate} runs them.
     */
    public static void check(SandboxSpec spec) throws SandboxException {
        allowedNetwork(spec);
        VgCacheDir.check(spec);
        VgOwnDirs.checkPrivateDirs(spec);
        if (NativeCore.available()) {
            SeccompProfiles.compiled(spec.seccompProfile());
        } else {
            SeccompProfiles.load(spec.seccompProfile());
        }
    }

    /** The checks of a start on the spec's cache dirs and bind mounts (a writable one in a system directory, your home...). */
    public static void checkBinds(SandboxSpec spec) throws SandboxException {
        Path home = CallerAccount.homeDirectory(spec.environment());
        MountPlanner.checkBinds(spec, WritableLocations.of(CallerAccount.accountHome(CallerAccount.ids()[0]), home));
    }

    /** The check of a start on the spec's workspace (a system directory, your home...). */
    public static void checkWorkspace(SandboxSpec spec) throws SandboxException {
        Path home = CallerAccount.homeDirectory(spec.environment());
        MountPlanner.realWorkspace(spec.workspace(), WritableLocations.of(CallerAccount.accountHome(CallerAccount.ids()[0]), home));
    }

    /** The network the spec asks for, refused when it is more than its level allows. */
    public static NetworkMode allowedNetwork(SandboxSpec spec) throws SandboxException {
        SecurityProfile profile = spec.profile();
        NetworkMode requested = spec.requestedNetwork() == null ? profile.network() : spec.requestedNetwork();
        if (requested.ordinal() > profile.network().ordinal()) {
            throw new SandboxException("network '" + requested.label() + "' is not allowed at security level '"
                    + profile.level().label() + "' (at most '" + profile.network().label() + "'); "
                    + levelsAllowing(requested) + " allow" + (levelsAllowing(requested).contains(" or ") ? "" : "s")
                    + " it (--security-level " + strictestLevelAllowing(requested).label() + ")");
        }
        return requested;
    }

    /** The security levels whose profile allows {@code network}, e.g. "permissive" or "balanced or strict". */
    private static String levelsAllowing(NetworkMode network) {
        List<String> levels = new ArrayList<>();
        for (SecurityLevel level : SecurityLevel.values()) {
            if (SecurityProfile.of(level).network().ordinal() >= network.ordinal()) {
                levels.add(level.label());
            }
        }
        return levels.size() == 1 ? levels.getFirst()
                : String.join(", ", levels.subList(0, levels.size() - 1)) + " or " + levels.getLast();
    }

    /** The strictest level whose profile still allows {@code network}. */
    private static SecurityLevel strictestLevelAllowing(NetworkMode network) {
        SecurityLevel strictest = SecurityLevel.PERMISSIVE;
        for (SecurityLevel level : SecurityLevel.values()) {
            if (SecurityProfile.of(level).network().ordinal() >= network.ordinal()) {
                strictest = level;
            }
        }
        return strictest;
    }
}
