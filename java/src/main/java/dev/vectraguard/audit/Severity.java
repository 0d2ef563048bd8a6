package dev.vectraguard.audit;

import dev.vectraguard.policy.RiskLevel;

import java.util.Locale;

/**
 * One scale for every finding of {@code vg audit}: the ecosystems' advisories (npm's info and
 * moderate are low and medium) and vg's own rating of install scripts. The worst one found is
 * {@code vg audit}'s exit code.
 */
public enum Severity {
    NONE(0), LOW(0), MEDIUM(1), HIGH(2), CRITICAL(3);

    private final int exitCode;

    Severity(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Severity of(RiskLevel risk) {
        return switch (risk) {
            case LOW -> LOW;
            case MEDIUM -> MEDIUM;
            case HIGH -> HIGH;
            case CRITICAL -> CRITICAL;
        };
    }

    /** npm's advisory severities: info, low, moderate, high, critical. */
    static Severity ofNpm(String severity) {
        return switch (severity == null ? "" : severity) {
            case "critical" -> CRITICAL;
            case "high" -> HIGH;
            case "moderate" -> MEDIUM;
            default -> LOW;
        };
    }
}
