package dev.vectraguard.sandbox;

/** {@code sandbox.tool_config}: what the sandbox shows of the package managers' user config files. */
public enum ToolConfigMode {
    /** None of them: tools run on their defaults. */
    NONE,
    /** Per-run copies without credentials (tokens, passwords, credentials in URLs), read-only. */
    FILTERED,
    /** Per-run copies of the files as they are, credentials included (trusted config only). */
    FULL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
