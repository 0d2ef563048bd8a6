package dev.vectraguard.config;

/**
 * One accepted config key: its dotted name, default, and the component that must act on it
 * (every key is used by something; none is silently ignored).
 */
public final class ConfigKey {
    private final String name;
    private final ValueType type;
    private final Object defaultValue;
    private final String usedBy;
    private final String description;

    ConfigKey(String name, ValueType type, Object defaultValue, String usedBy, String description) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.usedBy = usedBy;
        this.description = description;
    }

    /** Dotted name, e.g. {@code sandbox.mode}. */
    public String name() {
        return name;
    }

    /** The section ({@code sandbox}), or "" for a top-level key. */
    public String section() {
        int dot = name.indexOf('.');
        return dot < 0 ? "" : name.substring(0, dot);
    }

    /** The part after the section ({@code mode}). */
    public String leaf() {
        return name.substring(name.indexOf('.') + 1);
    }

    /** The typed default; null means "unset" (see {@link #description()} for what unset means). */
    public Object defaultValue() {
        return defaultValue;
    }

    /** The component that reads the key. */
    public String usedBy() {
        return usedBy;
    }

    public String description() {
        return description;
    }

    ValueType type() {
        return type;
    }
}
