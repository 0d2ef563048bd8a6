package dev.vectraguard.config;

/** Where an effective config value came from, as shown by {@code vg config show}. */
public sealed interface ConfigSource {
    /** The built-in default. */
    record Default() implements ConfigSource {
        @Override
        public String toString() {
            return "default";
        }
    }

    /** A config file, at the line and column of the value. */
    record File(String path, int line, int column) implements ConfigSource {
        @Override
        public String toString() {
            return path + ":" + line;
        }
    }

    /** An environment variable override. */
    record Env(String variable) implements ConfigSource {
        @Override
        public String toString() {
            return "env " + variable;
        }
    }

    ConfigSource DEFAULT = new Default();

    static ConfigSource of(ConfigLocation at) {
        return at.line() == 0 ? new Env(at.file()) : new File(at.file(), at.line(), at.column());
    }
}
