package dev.vectraguard.config;

/** One effective config value and where it came from. */
public record Setting(String key, Object value, ConfigSource source) {}
