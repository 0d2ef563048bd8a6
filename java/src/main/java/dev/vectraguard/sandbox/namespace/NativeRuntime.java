package dev.vectraguard.sandbox.namespace;

import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.sandbox.Runtime;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SpecChecks;

import java.util.Optional;

/**
 * vg's own sandbox, built by its C core: new user, mount, pid, ipc, uts, cgroup and (unless the
 * network is full) network namespaces with the caller's own ids, a fresh tmpfs root, Landlock rules
 * mirroring the mounts, the level's capability set and seccomp filter, the append-only caches, and
 * restricted networking through vg's egress policy. It gives every level in full where the kernel
 * has unprivileged user namespaces; strict and paranoid also need Landlock.
 */
public final class NativeRuntime implements Runtime {
    public static final String NAME = "native";

    /**
     * Whether the native core could be loaded on this machine (no kernel probe, unlike
     * {@link #unavailableReason()}); {@link #coreUnavailableReason()} says why not.
     */
    public static boolean coreLoaded() {
        return NativeCore.available();
    }

    public static String coreUnavailableReason() {
        return NativeCore.unavailableReason().orElse("");
    }

    /** Whether {@code failure} says the kernel refused this user the sandbox's namespaces (nothing ran). */
    public static boolean namespacesRefused(SandboxException failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith(NativeLauncher.NAMESPACES_REFUSED);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The native core cannot be loaded, or the kernel refuses this user a user namespace (probed: a few ms). */
    @Override
    public Optional<String> unavailableReason() {
        if (!coreLoaded()) {
            return Optional.of(coreUnavailableReason());
        }
        try {
            return NativeCore.probe().userNamespaces() ? Optional.empty()
                    : Optional.of("the kernel refuses this user a user namespace: " + UserNamespaceSettings.refusalCause());
        } catch (NativeCoreException e) {
            return Optional.of("cannot probe the kernel: " + e.getMessage());
        }
    }

    @Override
    public Optional<String> version() {
        return Optional.of("vg native core");
    }

    @Override
    public Optional<String> shortfall(SandboxSpec spec) {
        return Optional.empty();
    }

    @Override
    public void check(SandboxSpec spec) throws SandboxException {
        SpecChecks.check(spec);
    }

    @Override
    public SandboxProcess start(SandboxSpec spec) throws SandboxException {
        return NativeLauncher.start(spec);
    }
}
