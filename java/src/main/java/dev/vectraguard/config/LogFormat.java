package dev.vectraguard.config;

/** {@code logging.format}: how vg writes its own notices and decisions on stderr. */
public enum LogFormat {
    TEXT, JSON;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
