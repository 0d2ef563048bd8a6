package dev.vectraguard.policy;

/** Severity of a finding and risk of a whole command, ordered from harmless to catastrophic. */
public enum RiskLevel {
    LOW, MEDIUM, HIGH, CRITICAL;

    /** The lower-case name used in config, notices and JSON. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** One step up, saturating at {@link #CRITICAL}. */
    public RiskLevel raise() {
        return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
    }

    public boolean atLeast(RiskLevel other) {
        return compareTo(other) >= 0;
    }
}
