package dev.vectraguard.guard;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.config.CapabilitySet;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.config.SandboxConfig;
import dev.vectraguard.config.SeccompProfile;
import dev.vectraguard.config.Setting;
import dev.vectraguard.config.ConfigSource;
import dev.vectraguard.egress.Cidr;
import dev.vectraguard.egress.EgressPolicy;
import dev.vectraguard.sandbox.BindMount;
import dev.vectraguard.sandbox.Capability;
import dev.vectraguard.sandbox.EnvironmentPlan;
import dev.vectraguard.sandbox.MountPlanner;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.PrivateDir;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.ResourceLimits;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.SecurityProfile;
import dev.vectraguard.sandbox.SpecChecks;
import dev.vectraguard.sandbox.Stdio;
import dev.vectraguard.sandbox.ToolConfigMode;
import dev.vectraguard.state.StateDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns the effective config plus {@code vg exec}'s flags into a {@link SandboxSpec}. */
public final class SandboxSpecs {
    /** Package caches shared with the host when {@code sandbox.enable_cache} is on (those that exist). */
    static final List<String> KNOWN_CACHES = List.of(".npm/_cacache", ".cache/yarn", ".local/share/pnpm/store", ".cache/pip",
            ".cache/uv", ".cache/pypoetry", ".cargo/registry", ".cargo/git", ".m2/repository", ".gradle/caches",
            ".gradle/wrapper", ".cache/go-build", "go/pkg/mod", ".bun/install/cache", ".cache/composer", ".gem/specs",
            ".gem/ruby");

    /**
     * Caches shared as soon as their tool's directory exists (made when missing). npm keeps its
     * logs and its update-check stamp beside its cache in ~/.npm: only ~/.npm/_cacache is the
     * cache, the rest stays in the throwaway home.
     */
    static final Map<String, String> CACHES_IN_TOOL_DIRS = Map.of(".npm/_cacache", ".npm");

    private SandboxSpecs() {}

    /** Flags of {@code vg exec} that override the config ({@code stateDir}: {@code --state-dir}); null = not given. */
    record Overrides(SecurityLevel level, NetworkMode network, Path workspace, Duration timeout, Path stateDir) {}

    static SandboxSpec build(List<String> command, LoadedConfig loaded, Overrides flags, Path home) {
        return build(command, loaded, flags, home, null);
    }

    /** With {@code capture}: stdin empty, stdout and stderr piped to it, started in its directory. */
    static SandboxSpec build(List<String> command, LoadedConfig loaded, Overrides flags, Path home, CapturedRun capture) {
        SandboxConfig config = loaded.config().sandbox();
        SecurityLevel level = flags.level() != null ? flags.level() : config.securityLevel();
        SecurityProfile profile = SecurityProfile.of(level);
        NetworkMode network = flags.network() != null ? flags.network()
                : !(Boolean) loaded.settings().get("sandbox.allow_network").value() ? NetworkMode.NONE
                : fromFile(loaded, "sandbox.network_mode") ? config.networkMode() : null;
        Path workspace = flags.workspace() != null ? flags.workspace()
                : config.workspaceDir() != null ? config.workspaceDir() : Caller.current().workingDirectory();
        Duration timeout = flags.timeout() != null ? flags.timeout()
                : config.timeout() == null || config.timeout().isZero() ? null : config.timeout();

        SandboxSpec.Builder builder = SandboxSpec.builder(command)
                .workspace(workspace)
                .securityLevel(level)
                .network(network)
                .environment(environment(loaded))
                .timeout(timeout)
                .allowWeakerFallback(config.allowWeakerFallback())
                .egressPolicy(egressPolicy(loaded, level))
                .toolConfig((ToolConfigMode) loaded.settings().get("sandbox.tool_config").value())
                .vgCacheDir((Path) loaded.settings().get("sandbox.cache_dir").value())
                .limits(new ResourceLimits(
                        limit(loaded, "sandbox.memory_limit", profile.memoryBytes()),
                        (int) limit(loaded, "sandbox.cpu_limit", profile.cpuMillis()),
                        (int) limit(loaded, "sandbox.pids_limit", profile.pids()),
                        loaded.cpuQuota(level)));
        if (fromFile(loaded, "sandbox.seccomp_profile") && config.seccompProfile() != null) {
            String named = config.seccompProfile().toString();
            if (loaded.tightenedByUntrustedFile("sandbox.seccomp_profile")) {
                Object trusted = loaded.trustedSettings().get("sandbox.seccomp_profile").value();
                String before = (trusted != null ? (SeccompProfile) trusted : SandboxConfig.seccompFor(level)).builtin();
                named = SeccompProfile.BUILTINS.indexOf(before) > SeccompProfile.BUILTINS.indexOf(named) ? before : named;
            }
            builder.seccompProfile(named);
        }
        if (fromFile(loaded, "sandbox.capability_set") && config.capabilitySet() != null) {
            Set<Capability> capabilities = capabilities(config.capabilitySet());
            if (loaded.tightenedByUntrustedFile("sandbox.capability_set")) {
                Setting trusted = loaded.trustedSettings().get("sandbox.capability_set");
                capabilities.retainAll(trusted.source() instanceof ConfigSource.Default || trusted.value() == null ? profile.capabilities()
                        : capabilities((CapabilitySet) trusted.value()));
            }
            builder.capabilities(capabilities);
        }
        for (dev.vectraguard.config.BindMount bind : config.bindMounts()) {
            builder.bindMount(new BindMount(bind.hostPath(), bind.containerPath(), bind.readOnly()));
        }
        for (Path path : readOnlyPaths(loaded)) {
            builder.bindMount(new BindMount(path, path, true));
        }
        privateDirs(loaded, flags.stateDir(), home).forEach(builder::privateDir);
        builder.throwawaySystem((Boolean) loaded.settings().get("sandbox.use_overlayfs").value());
        for (Path cache : caches(config, home)) {
            builder.cacheDir(cache);
        }
        if (capture != null) {
            builder.stdin(Stdio.DISCARD).stdout(Stdio.PIPE).stderr(Stdio.PIPE).workingDirectory(capture.workingDirectory());
        } else if ((Boolean) loaded.settings().get("sandbox.log_output").value()) {
            builder.stdout(Stdio.PIPE).stderr(Stdio.PIPE); // vg passes them on to the caller and into the log
        }
        return builder.build();
    }


    /**
     * The state dir when it is not the default (which is hidden and refused as a credential path
     * already), and the directory of {@code sandbox.trust_store_path} when a trusted source set it.
     */
    private static List<PrivateDir> privateDirs(LoadedConfig loaded, Path stateDirFlag, Path home) {
        List<PrivateDir> dirs = new ArrayList<>();
        Map<String, String> env = Caller.current().environment();
        String origin = StateDir.origin(stateDirFlag, env, loaded.config().stateDir());
        if (!origin.equals("default")) {
            dirs.add(new PrivateDir("state dir (from " + origin + ")", StateDir.resolve(stateDirFlag, env, loaded.config().stateDir(), home),
                    false));
        }
        Path trustFile = (Path) loaded.settings().get("sandbox.trust_store_path").value();
        if (trustFile != null) {
            dirs.add(new PrivateDir("the directory of sandbox.trust_store_path", trustFile.toAbsolutePath().normalize().getParent(), true));
        }
        return dirs;
    }

    /**
     * Every check {@code vg exec} runs on the config before it starts a sandbox, for {@code vg config
     * validate}: the runtime, then the spec the config gives (cross-key rules such as the network a
     * level allows, the seccomp profile, and sandbox.workspace_dir when it sets one).
     */
    public static void check(LoadedConfig loaded, Path home) throws SandboxException {
        RuntimeChoice runtimes = RuntimeChoice.of(loaded, null, Caller.current().environment());
        SandboxSpec spec = build(List.of("true"), loaded, new Overrides(null, null, null, null, null), home);
        runtimes.check(spec);
        SpecChecks.checkBinds(spec);
        if (loaded.config().sandbox().workspaceDir() != null) {
            SpecChecks.checkWorkspace(spec);
        }
    }

    /**
     * {@code sandbox.read_only_paths} that the sandbox does not show already: upstream lists {@code /}
     * and the system directories there, which vg always shows read-only (or as a throwaway overlay).
     */
    @SuppressWarnings("unchecked")
    static List<Path> readOnlyPaths(LoadedConfig loaded) {
        List<Path> paths = new ArrayList<>();
        for (Path path : (List<Path>) loaded.settings().get("sandbox.read_only_paths").value()) {
            Path normal = path.toAbsolutePath().normalize();
            if (normal.getNameCount() > 0 && MountPlanner.SYSTEM_DIRS.stream().noneMatch(dir -> normal.startsWith(dir))) {
                paths.add(normal);
            }
        }
        return paths;
    }

    /** The destinations restricted networking allows: only {@code sandbox.allowed_domains} at strict. */
    @SuppressWarnings("unchecked")
    static EgressPolicy egressPolicy(LoadedConfig loaded, SecurityLevel level) {
        List<String> allowed = level == SecurityLevel.STRICT
                ? (List<String>) loaded.settings().get("sandbox.allowed_domains").value() : List.of();
        return new EgressPolicy(allowed, (List<String>) loaded.settings().get("sandbox.denied_domains").value(),
                (List<Cidr>) loaded.settings().get("sandbox.allow_private_networks").value());
    }

    /** The configured cache dirs plus the known package caches that exist under home. */
    static List<Path> caches(SandboxConfig config, Path home) {
        List<Path> caches = new ArrayList<>();
        if (!config.enableCache()) {
            return caches;
        }
        for (String known : KNOWN_CACHES) {
            Path dir = home.resolve(known);
            String toolDir = CACHES_IN_TOOL_DIRS.get(known);
            if (Files.isDirectory(dir) || toolDir != null && Files.isDirectory(home.resolve(toolDir))) {
                caches.add(dir);
            }
        }
        caches.addAll(config.cacheDirs());
        return caches;
    }

    /** The caller's environment, whitelisted, plus the build tools' variables, minus protected variables. */
    static Map<String, String> environment(LoadedConfig loaded) {
        return environmentPlan(loaded).passed();
    }

    /** What the sandbox gets of the caller's environment, and why each variable passes or not. */
    public static EnvironmentPlan environmentPlan(LoadedConfig loaded) {
        var protection = loaded.config().envProtection();
        return EnvironmentPlan.of(RawInput.environment(), loaded.config().sandbox().envWhitelist(), protection.protectedVars(),
                protection.enabled());
    }

    /**
     * The configured limit (memory in bytes, CPU in thousandths, processes), else the level's. A limit
     * an unapproved file tightened was checked against the configured level only: with
     * {@code --security-level} it never exceeds what the trusted config gives at that level.
     */
    private static long limit(LoadedConfig loaded, String key, long levels) {
        Long configured = units(loaded.settings().get(key).value());
        if (configured == null) {
            return levels;
        }
        if (!loaded.tightenedByUntrustedFile(key)) {
            return configured;
        }
        Long trusted = units(loaded.trustedSettings().get(key).value());
        return Math.min(configured, trusted != null ? trusted : levels);
    }

    private static Long units(Object limit) {
        return switch (limit) {
            case null -> null;
            case Double cpus -> Math.round(cpus * 1000);
            case Number n -> n.longValue();
            default -> throw new IllegalArgumentException("not a limit: " + limit);
        };
    }

    private static Set<Capability> capabilities(CapabilitySet set) {
        Set<Capability> capabilities = new HashSet<>();
        for (String name : set.expand()) {
            capabilities.add(Capability.named(name));
        }
        return capabilities;
    }

    private static boolean fromFile(LoadedConfig loaded, String key) {
        Setting setting = loaded.settings().get(key);
        return setting != null && !(setting.source() instanceof ConfigSource.Default);
    }
}
