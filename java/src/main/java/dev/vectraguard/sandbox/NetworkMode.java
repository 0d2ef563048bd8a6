package dev.vectraguard.sandbox;

/** {@code sandbox.network_mode}: what the sandboxed command may reach. */
public enum NetworkMode {
    /** No network at all (own empty network namespace). */
    NONE,
    /** Own network namespace; outbound TCP to public addresses and DNS through vg's egress policy. */
    RESTRICTED,
    /** The host network. */
    FULL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
