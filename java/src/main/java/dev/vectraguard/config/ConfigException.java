package dev.vectraguard.config;

/**
 * A config file or environment override that vg cannot accept. The message is one line,
 * {@code FILE:LINE:COLUMN: problem} when the place is known; the CLI prints it and exits 125.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message.replace('\n', ' '));
    }

    public ConfigException(ConfigLocation at, String problem) {
        this(at + ": " + problem);
    }
}
