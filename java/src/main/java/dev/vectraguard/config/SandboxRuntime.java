package dev.vectraguard.config;

/**
 * {@code sandbox.runtime}: which isolation backend runs sandboxed commands. {@link #DOCKER} and
 * {@link #PODMAN} are not built yet: they are accepted so that a config naming them is kept as
 * written and vg refuses with "not built yet" (exit 125) instead of silently using another runtime.
 */
public enum SandboxRuntime {
    /** The first runtime that can run here, in the order the environment asks for (see guard.RuntimeChoice). */
    AUTO,
    /** vg's own namespaces + seccomp + Landlock sandbox (the C core). */
    NATIVE,
    /** bubblewrap (bwrap) with vg's seccomp program and mount plan. */
    BUBBLEWRAP,
    DOCKER,
    PODMAN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
