package dev.vectraguard.config;

import dev.vectraguard.egress.EgressPolicy;
import dev.vectraguard.policy.GuardLevel;
import dev.vectraguard.policy.SandboxMode;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.ToolConfigMode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every key vg accepts, in display order, with defaults; plus the vectra-guard keys vg reads differently or not at all. */
public final class ConfigSchema {
    private ConfigSchema() {}

    /** The default {@code sandbox.env_whitelist}: what a shell and most tools need, nothing secret. */
    public static final List<String> DEFAULT_ENV_WHITELIST = List.of(
            "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_*", "TERM", "COLORTERM", "TZ", "NO_COLOR");

    /** The default {@code env_protection.protected_vars}: names that usually hold credentials. */
    public static final List<String> DEFAULT_PROTECTED_VARS = List.of(
            "*_TOKEN", "*_TOKEN_*", "*SECRET*", "*PASSWORD*", "*PASSWD*", "*_API_KEY", "*_ACCESS_KEY*", "*_PRIVATE_KEY*",
            "*CREDENTIALS*", "AWS_*", "AZURE_*", "GOOGLE_APPLICATION_CREDENTIALS", "SSH_AUTH_SOCK", "GPG_AGENT_INFO",
            "DOCKER_HOST", "KUBECONFIG", "NPM_TOKEN", "VAULT_*");

    private static final String POLICY = "policy (decision)";
    private static final String SANDBOX = "sandbox (runtime selection / native mount plan)";

    /** All keys by dotted name, in display order. */
    public static final Map<String, ConfigKey> KEYS = keys(
            new ConfigKey("guard_level.level", ValueTypes.enumOf(GuardLevel.class), GuardLevel.AUTO, POLICY + " + GuardLevelResolver",
                    "which risk levels need approval; auto is resolved from the environment"),
            new ConfigKey("sandbox.enabled", ValueTypes.BOOLEAN, true, POLICY,
                    "false = nothing is sandboxed (as mode never: critical commands are then blocked, never run on the host)"),
            new ConfigKey("sandbox.mode", ValueTypes.enumOf(SandboxMode.class), SandboxMode.ALWAYS, POLICY,
                    "when a command runs in the sandbox: always, auto (medium risk and up), risky (high and up), never"),
            new ConfigKey("sandbox.security_level", ValueTypes.enumOf(SecurityLevel.class), SecurityLevel.BALANCED, SANDBOX,
                    "how tightly the sandbox is closed; also sets the network_mode and seccomp_profile defaults"),
            new ConfigKey("sandbox.runtime", ValueTypes.RUNTIME, SandboxRuntime.AUTO, "sandbox (runtime selection)",
                    "auto, native (also spelled namespace or process), bubblewrap, docker or podman"),
            new ConfigKey("sandbox.auto_detect_env", ValueTypes.BOOLEAN, true, "sandbox (runtime selection)",
                    "runtime auto: in CI, staging and production (VECTRAGUARD_ENV, CI variables) container runtimes come first"),
            new ConfigKey("sandbox.prefer_fast", ValueTypes.BOOLEAN, true, "sandbox (runtime selection)",
                    "runtime auto: false = container runtimes first everywhere; true = native, then bubblewrap first (outside CI/production)"),
            new ConfigKey("sandbox.show_runtime_info", ValueTypes.BOOLEAN, false, "sandbox (runtime selection)",
                    "name the runtime and the ones skipped on every sandbox notice line"),
            new ConfigKey("sandbox.use_overlayfs", ValueTypes.BOOLEAN, true, SANDBOX,
                    "false = system directories read-only at every level (no throwaway overlay at permissive and balanced)"),
            new ConfigKey("sandbox.read_only_paths", ValueTypes.PATH_LIST, List.of(), SANDBOX,
                    "host paths made visible read-only at their own path; system directories are already read-only or throwaway"),
            new ConfigKey("sandbox.network_mode", ValueTypes.enumOf(NetworkMode.class, true), null, SANDBOX,
                    "none, restricted or full; unset = from security_level (permissive: full, balanced and strict: restricted, paranoid: none)"),
            new ConfigKey("sandbox.allow_network", ValueTypes.BOOLEAN, true, SANDBOX,
                    "false = no network at all (network_mode none), whatever the level"),
            new ConfigKey("sandbox.allowed_domains", ValueTypes.DOMAIN_PATTERNS, EgressPolicy.REGISTRY_DOMAINS, SANDBOX + " + egress",
                    "at strict, the only domains restricted networking reaches (* globs); empty = any public domain"),
            new ConfigKey("sandbox.denied_domains", ValueTypes.DOMAIN_PATTERNS, List.of(), SANDBOX + " + egress",
                    "domains restricted networking never reaches (* globs), at balanced and strict"),
            new ConfigKey("sandbox.allow_private_networks", ValueTypes.CIDRS, List.of(), SANDBOX + " + egress",
                    "private address ranges restricted networking may reach (CIDRs); none by default"),
            new ConfigKey("sandbox.enable_cache", ValueTypes.BOOLEAN, true, "cache (shared package caches)",
                    "bind the known package caches (npm, pip, cargo, go, maven, ...) read-write into the sandbox"),
            new ConfigKey("sandbox.cache_dirs", ValueTypes.CACHE_DIRS, List.of(), "cache (shared package caches)",
                    "extra cache directories bound read-write at their host path (only when enable_cache is true); "
                            + "vectra-guard's host:/container form is read as the host path, with a warning"),
            new ConfigKey("sandbox.bind_mounts", ValueTypes.BIND_MOUNTS, List.of(), SANDBOX,
                    "extra host paths made visible in the sandbox"),
            new ConfigKey("sandbox.env_whitelist", ValueTypes.ENV_PATTERNS, DEFAULT_ENV_WHITELIST, "sandbox (environment builder)",
                    "environment variables passed into the sandbox (* globs), besides the build tools' allow-list; everything else is dropped"),
            new ConfigKey("sandbox.tool_config", ValueTypes.enumOf(ToolConfigMode.class), ToolConfigMode.FILTERED, SANDBOX,
                    "the package managers' user config files (~/.npmrc, ~/.m2/settings.xml, ...) in the sandbox: filtered "
                            + "(credentials removed), none, or full (as they are; trusted config only)"),
            new ConfigKey("sandbox.seccomp_profile", ValueTypes.SECCOMP, null, "sandbox (seccomp profile loader)",
                    "minimal, moderate, strict or a JSON profile file; unset = from security_level (permissive: minimal, balanced: moderate, strict/paranoid: strict)"),
            new ConfigKey("sandbox.capability_set", ValueTypes.CAPABILITIES, CapabilitySet.NONE, SANDBOX,
                    "capabilities kept inside the sandbox's user namespace: none, minimal, default-namespaced or a list"),
            new ConfigKey("sandbox.workspace_dir", ValueTypes.PATH, null, SANDBOX,
                    "the read-write workspace; unset = the current directory"),
            new ConfigKey("sandbox.cache_dir", ValueTypes.PATH, null, "sandbox (vg's own cache: VgCacheDir)",
                    "where vg keeps its own cache (the per-run layers of the shared caches, the filtered tool config); "
                            + "unset = ~/.cache/vectra-guard; trusted config only; never where a sandbox can write"),
            new ConfigKey("sandbox.trust_store_path", ValueTypes.PATH, null, "TrustStore (vg trust, vg exec)",
                    "the file of trusted commands; unset = STATE_DIR/trust.json; trusted config only; never where a sandbox "
                            + "can write, hidden inside sandboxes"),
            new ConfigKey("sandbox.timeout", ValueTypes.duration(false), Duration.ZERO, "sandbox (process supervisor: kill, exit 124)",
                    "wall-clock limit for a sandboxed command; 0 = none"),
            new ConfigKey("sandbox.memory_limit", ValueTypes.SIZE, null, "sandbox (cgroup / rlimit)",
                    "memory limit such as 512m or 2g; unset = the security level's (paranoid 2g, strict and balanced 4g, permissive 8g)"),
            new ConfigKey("sandbox.cpu_limit", ValueTypes.CPUS, null, "sandbox (cgroup cpu.max / cpu.weight)",
                    "CPUs, e.g. 0.5: set in a trusted config, a hard quota (cgroup cpu.max); from an unapproved project file, "
                            + "a lower share; unset = the security level's share (paranoid: a hard quota of 1 cpu)"),
            new ConfigKey("sandbox.pids_limit", ValueTypes.POSITIVE_INT, null, "sandbox (cgroup pids.max / RLIMIT_NPROC)",
                    "maximum number of processes; unset = the security level's"),
            new ConfigKey("sandbox.allow_weaker_fallback", ValueTypes.BOOLEAN, false, "sandbox (runtime selection / kernel probe)",
                    "if a requested isolation feature is missing, run weaker (with a notice) instead of failing; security never fails open by default"),
            new ConfigKey("sandbox.log_output", ValueTypes.BOOLEAN, false, "guard (OutputLog: STATE_DIR/output)",
                    "also record each sandboxed run's stdout and stderr in STATE_DIR/output/<time>-<pid>.log (0600, first 8 MiB, "
                            + "last 100 runs; named in vg metrics show); the command's stdout and stderr are then pipes of vg's, "
                            + "not the terminal; a project file may turn it on, not off"),
            new ConfigKey("sandbox.image", ValueTypes.string(true), null, "sandbox.container (docker and podman runtimes)",
                    "container image for the docker and podman runtimes (never pulled by vg); unset = ubuntu:22.04"),
            new ConfigKey("policies.allowlist", ValueTypes.STRING_LIST, List.of(), POLICY,
                    "glob patterns of commands run without approval (still sandboxed per mode)"),
            new ConfigKey("policies.denylist", ValueTypes.STRING_LIST, List.of(), POLICY,
                    "glob patterns of commands always blocked (exit 77)"),
            new ConfigKey("policies.protected_directories", ValueTypes.PATH_LIST, List.of(), POLICY + " (risk)",
                    "directories in which writes, deletes, moves and permission changes are rated high"),
            new ConfigKey("production_indicators.branches", ValueTypes.STRING_LIST, List.of("production", "prod", "release", "release/*"),
                    "GuardLevelResolver", "git branches (globs) that mean production: guard level auto becomes paranoid"),
            new ConfigKey("production_indicators.hosts", ValueTypes.STRING_LIST, List.of(), "GuardLevelResolver",
                    "host names (globs) that mean production: guard level auto becomes paranoid"),
            new ConfigKey("production_indicators.keywords", ValueTypes.STRING_LIST, List.of("prod", "production", "prd", "live"),
                    POLICY + " (risk)", "words that, as an argument or part of a host/URL/path argument, raise a command's risk one level"),
            new ConfigKey("env_protection.enabled", ValueTypes.BOOLEAN, true, "sandbox (environment builder)",
                    "drop protected_vars from the sandbox environment even when env_whitelist matches them"),
            new ConfigKey("env_protection.protected_vars", ValueTypes.ENV_PATTERNS, DEFAULT_PROTECTED_VARS, "sandbox (environment builder)",
                    "variable names (* globs) never passed into the sandbox"),
            new ConfigKey("trust.default_duration", ValueTypes.duration(true), Duration.ofDays(30), "cli (vg trust add)",
                    "how long a trust entry lasts when --duration is not given; never = no expiry"),
            new ConfigKey("metrics.enabled", ValueTypes.BOOLEAN, true, "cli (vg exec -> MetricsStore.record)",
                    "record each run in STATE_DIR/metrics.json"),
            new ConfigKey("logging.format", ValueTypes.enumOf(LogFormat.class), LogFormat.TEXT, "cli (notices on stderr)",
                    "text or json"),
            new ConfigKey("state_dir", ValueTypes.PATH, null, "StateDir.resolve (trust.json, metrics.json)",
                    "where vg keeps its state; unset = ~/.vectra-guard (--state-dir and $VECTRAGUARD_STATE_DIR win)"));

    /** Section names (the first part of dotted keys). */
    public static final Set<String> SECTIONS = sections();

    /** vectra-guard key names that vg reads as one of its own keys. */
    public static final Map<String, String> ALIASES = Map.of("sandbox.enable_metrics", "metrics.enabled");

    /**
     * vectra-guard keys that vg accepts so an existing vectra-guard.yaml loads, but that have no
     * effect in vg; each one found produces a warning (never silently ignored).
     */
    public static final Set<String> UPSTREAM_ONLY = Set.of(
            "guard_level.allow_user_bypass", "guard_level.bypass_env_var", "guard_level.require_approval_above",
            "policies.monitor_git_ops", "policies.block_force_git", "policies.detect_prod_env",
            "policies.prod_env_patterns", "policies.only_destructive_sql",
            "env_protection.masking_mode", "env_protection.allow_read_vars", "env_protection.fake_values",
            "env_protection.block_env_access", "env_protection.block_dotenv_read");

    private static Map<String, ConfigKey> keys(ConfigKey... keys) {
        Map<String, ConfigKey> map = new LinkedHashMap<>();
        for (ConfigKey k : keys) {
            map.put(k.name(), k);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    private static Set<String> sections() {
        Set<String> s = new LinkedHashSet<>();
        KEYS.values().stream().map(ConfigKey::section).filter(x -> !x.isEmpty()).forEach(s::add);
        return java.util.Collections.unmodifiableSet(s);
    }
}
