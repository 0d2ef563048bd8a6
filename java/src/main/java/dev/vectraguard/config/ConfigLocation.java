package dev.vectraguard.config;

/**
 * Where a config value was written: a file (or environment variable name) with a 1-based line and
 * column; line 0 means "the whole source" (environment variables).
 */
public record ConfigLocation(String file, int line, int column) {
    public static ConfigLocation env(String variable) {
        return new ConfigLocation(variable, 0, 0);
    }

    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }
}
