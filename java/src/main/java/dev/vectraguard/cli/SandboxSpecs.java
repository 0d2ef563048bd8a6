package dev.vectraguard.cli;

import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.config.SandboxConfig;
import dev.vectraguard.config.Setting;
import dev.vectraguard.config.ConfigSource;
import dev.vectraguard.config.Globs;
import dev.vectraguard.egress.Cidr;
import dev.vectraguard.egress.EgressPolicy;
import dev.vectraguard.sandbox.BindMount;
import dev.vectraguard.sandbox.Capability;
import dev.vectraguard.sandbox.Environment;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.ResourceLimits;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.SecurityProfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns the effective config plus {@code vg exec}'s flags into a {@link SandboxSpec}. */
final class SandboxSpecs {
    /** Package caches shared with the host when {@code sandbox.enable_cache} is on (those that exist). */
    static final List<String> KNOWN_CACHES = List.of(".npm", ".cache/yarn", ".local/share/pnpm/store", ".cache/pip",
            ".cache/uv", ".cache/pypoetry", ".cargo/registry", ".cargo/git", ".m2/repository", ".gradle/caches",
            ".gradle/wrapper", ".cache/go-build", "go/pkg/mod", ".bun/install/cache", ".cache/composer", ".gem");

    private SandboxSpecs() {}

    /** Flags of {@code vg exec} that override the config; null = not given. */
    record Overrides(SecurityLevel level, NetworkMode network, Path workspace, Duration timeout) {}

    static SandboxSpec build(List<String> command, LoadedConfig loaded, Overrides flags, Path home) {
        SandboxConfig config = loaded.config().sandbox();
        SecurityLevel level = flags.level() != null ? flags.level() : config.securityLevel();
        SecurityProfile profile = SecurityProfile.of(level);
        NetworkMode network = flags.network() != null ? flags.network()
                : !(Boolean) loaded.settings().get("sandbox.allow_network").value() ? NetworkMode.NONE
                : fromFile(loaded, "sandbox.network_mode") ? config.networkMode() : null;
        Path workspace = flags.workspace() != null ? flags.workspace()
                : config.workspaceDir() != null ? config.workspaceDir() : Path.of("");
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
                .limits(new ResourceLimits(
                        config.memoryLimit() != null ? config.memoryLimit() : profile.memoryBytes(),
                        config.cpuLimit() != null ? (int) Math.round(config.cpuLimit() * 1000) : profile.cpuMillis(),
                        config.pidsLimit() != null ? config.pidsLimit() : profile.pids()));
        if (fromFile(loaded, "sandbox.seccomp_profile")) {
            builder.seccompProfile(config.seccompProfile().toString());
        }
        if (fromFile(loaded, "sandbox.capability_set")) {
            Set<Capability> capabilities = new HashSet<>();
            for (String name : config.capabilitySet().expand()) {
                capabilities.add(Capability.named(name));
            }
            builder.capabilities(capabilities);
        }
        for (dev.vectraguard.config.BindMount bind : config.bindMounts()) {
            builder.bindMount(new BindMount(bind.hostPath(), bind.containerPath(), bind.readOnly()));
        }
        for (Path cache : caches(config, home)) {
            builder.cacheDir(cache);
        }
        return builder.build();
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
            if (Files.isDirectory(dir)) {
                caches.add(dir);
            }
        }
        caches.addAll(config.cacheDirs());
        return caches;
    }

    /** The caller's environment, whitelisted, minus protected variables. */
    static Map<String, String> environment(LoadedConfig loaded) {
        Map<String, String> env = new LinkedHashMap<>(Environment.whitelisted(System.getenv(), loaded.config().sandbox().envWhitelist()));
        var protection = loaded.config().envProtection();
        if (protection.enabled()) {
            env.keySet().removeIf(name -> Globs.matchesAny(protection.protectedVars(), name));
        }
        return env;
    }

    private static boolean fromFile(LoadedConfig loaded, String key) {
        Setting setting = loaded.settings().get(key);
        return setting != null && !(setting.source() instanceof ConfigSource.Default);
    }
}
