package dev.vectraguard.config;

import java.nio.file.Path;
import java.util.List;

/** How one config key's value is read and checked. */
interface ValueType {
    /**
     * @param key the dotted key, for messages
     * @return the typed value (null only where the key allows "unset")
     */
    Object parse(String key, RawNode node, Context ctx) throws ConfigException;

    /**
     * What the value is being read against.
     *
     * @param baseDir  relative paths are resolved against it (the config file's directory, or the
     *                 working directory for environment overrides)
     * @param home     {@code ~} expands to it
     * @param warnings receives one-line warnings (alias values and the like)
     */
    record Context(Path baseDir, Path home, List<String> warnings) {}
}
