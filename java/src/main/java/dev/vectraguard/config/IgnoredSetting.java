package dev.vectraguard.config;

/**
 * A value from an untrusted config file that was not applied because it would loosen the trusted
 * policy (or because its key has no rule saying what tightening means).
 */
public record IgnoredSetting(String key, Object value, ConfigSource.File source) {}
