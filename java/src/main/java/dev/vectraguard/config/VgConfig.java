package dev.vectraguard.config;

import dev.vectraguard.policy.GuardLevel;
import dev.vectraguard.policy.SandboxMode;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SecurityLevel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration (see {@link ConfigLoader}). Who must act on each key:
 *
 * @param guardLevel           {@code guard_level.level} — policy decision; {@code AUTO} is resolved by {@link GuardLevelResolver}
 * @param sandbox              {@code sandbox.*}, see {@link SandboxConfig}
 * @param policies             {@code policies.*}, see {@link PolicyConfig}
 * @param productionIndicators {@code production_indicators.*}, see {@link ProductionIndicators}
 * @param envProtection        {@code env_protection.*}, see {@link EnvProtection}
 * @param trustDefaultDuration {@code trust.default_duration} — CLI {@code vg trust add} without {@code --duration};
 *                             null = no expiry
 * @param metricsEnabled       {@code metrics.enabled} (also read from vectra-guard's {@code sandbox.enable_metrics}) —
 *                             CLI {@code vg exec} records each run with {@code MetricsStore} only if true
 * @param logFormat            {@code logging.format} — CLI: format of vg's notices on stderr
 * @param stateDir             {@code state_dir} — {@code StateDir.resolve}; null = {@code ~/.vectra-guard}
 */
public record VgConfig(GuardLevel guardLevel, SandboxConfig sandbox, PolicyConfig policies,
                       ProductionIndicators productionIndicators, EnvProtection envProtection,
                       Duration trustDefaultDuration, boolean metricsEnabled, LogFormat logFormat, Path stateDir) {

    /** The configuration with no file and no environment override. */
    public static VgConfig defaults() {
        Map<String, Object> values = new java.util.HashMap<>();
        ConfigSchema.KEYS.values().forEach(k -> values.put(k.name(), k.defaultValue()));
        return from(values);
    }

    @SuppressWarnings("unchecked")
    static VgConfig from(Map<String, Object> v) {
        SandboxConfig sandbox = new SandboxConfig(
                (Boolean) v.get("sandbox.enabled"),
                (SandboxMode) v.get("sandbox.mode"),
                (SecurityLevel) v.get("sandbox.security_level"),
                (SandboxRuntime) v.get("sandbox.runtime"),
                (NetworkMode) v.get("sandbox.network_mode"),
                (Boolean) v.get("sandbox.enable_cache"),
                (List<Path>) v.get("sandbox.cache_dirs"),
                (List<BindMount>) v.get("sandbox.bind_mounts"),
                (List<String>) v.get("sandbox.env_whitelist"),
                (SeccompProfile) v.get("sandbox.seccomp_profile"),
                (CapabilitySet) v.get("sandbox.capability_set"),
                (Path) v.get("sandbox.workspace_dir"),
                (Duration) v.get("sandbox.timeout"),
                (Long) v.get("sandbox.memory_limit"),
                (Double) v.get("sandbox.cpu_limit"),
                (Integer) v.get("sandbox.pids_limit"),
                (Boolean) v.get("sandbox.allow_weaker_fallback"),
                (String) v.get("sandbox.image"));
        return new VgConfig(
                (GuardLevel) v.get("guard_level.level"),
                sandbox,
                new PolicyConfig((List<String>) v.get("policies.allowlist"), (List<String>) v.get("policies.denylist"),
                        (List<Path>) v.get("policies.protected_directories")),
                new ProductionIndicators((List<String>) v.get("production_indicators.branches"),
                        (List<String>) v.get("production_indicators.hosts"),
                        (List<String>) v.get("production_indicators.keywords")),
                new EnvProtection((Boolean) v.get("env_protection.enabled"), (List<String>) v.get("env_protection.protected_vars")),
                (Duration) v.get("trust.default_duration"),
                (Boolean) v.get("metrics.enabled"),
                (LogFormat) v.get("logging.format"),
                (Path) v.get("state_dir"));
    }
}
