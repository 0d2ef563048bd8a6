package dev.vectraguard.config;

/** {@code sandbox.runtime}: which isolation backend runs sandboxed commands. */
public enum SandboxRuntime {
    /** The first runtime that can run here, in the order the environment asks for (see guard.RuntimeChoice). */
    AUTO,
    /** vg's own namespaces + seccomp + Landlock sandbox (the C core). */
    NATIVE,
    /** bubblewrap (bwrap) with vg's seccomp program and mount plan. */
    BUBBLEWRAP,
    /** docker containers of {@code sandbox.image} (package sandbox.container). */
    DOCKER,
    /** podman containers of {@code sandbox.image}, rootless or rootful. */
    PODMAN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
