package dev.vectraguard.policy;

/** {@code guard_level.level}: which severities need approval. {@link #AUTO} is resolved from the environment. */
public enum GuardLevel {
    OFF, LOW, MEDIUM, HIGH, PARANOID, AUTO;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
