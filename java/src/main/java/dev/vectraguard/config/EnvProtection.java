package dev.vectraguard.config;

import java.util.List;

/**
 * The {@code env_protection:} section, used by the sandbox environment builder: the sandbox
 * environment is {@code env_whitelist} minus (if enabled) {@code protected_vars}.
 *
 * @param enabled       {@code env_protection.enabled}
 * @param protectedVars {@code env_protection.protected_vars} — globs of names never passed into the sandbox
 */
public record EnvProtection(boolean enabled, List<String> protectedVars) {}
