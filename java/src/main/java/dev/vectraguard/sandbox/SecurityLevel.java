package dev.vectraguard.sandbox;

/** {@code sandbox.security_level}: how tightly the sandbox is closed. */
public enum SecurityLevel {
    PERMISSIVE, BALANCED, STRICT, PARANOID;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
