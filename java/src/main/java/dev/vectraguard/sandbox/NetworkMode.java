package dev.vectraguard.sandbox;

/** {@code sandbox.network_mode}: what the sandboxed command may reach. */
public enum NetworkMode {
    /** No network at all (own empty network namespace). */
    NONE,
    /** Outbound only, no host services (not implemented yet: falls back to NONE and says so). */
    RESTRICTED,
    /** The host network. */
    FULL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
