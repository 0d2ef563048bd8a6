package dev.vectraguard.metrics;

/** Where a command ended up, as counted in the metrics. */
public enum RunDecision {
    /** Ran on the host, unsandboxed. */
    HOST,
    /** Ran in a sandbox. */
    SANDBOX,
    /** Not run: blocked by policy or approval refused. */
    BLOCKED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
