package dev.vectraguard.config;

/**
 * {@code sandbox.runtime}: which isolation backend runs sandboxed commands. Only {@link #AUTO}
 * and {@link #NATIVE} exist so far; the others are accepted so that a config naming them is kept
 * as written and vg can refuse with "not available yet" (exit 125) instead of silently using
 * another runtime.
 */
public enum SandboxRuntime {
    /** Pick the strongest available runtime (today: native). */
    AUTO,
    /** vg's own namespaces + seccomp + Landlock sandbox (the C core). */
    NATIVE,
    BUBBLEWRAP,
    DOCKER,
    PODMAN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
