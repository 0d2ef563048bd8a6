package dev.vectraguard.config;

import dev.vectraguard.policy.SandboxMode;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SecurityLevel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code sandbox:} section. Who must act on each key:
 *
 * @param enabled             {@code sandbox.enabled} — policy decision: false means nothing is sandboxed
 *                            (like mode never; critical commands are then blocked, never run on the host)
 * @param mode                {@code sandbox.mode} — policy decision: when a command is sandboxed
 * @param securityLevel       {@code sandbox.security_level} — sandbox: isolation profile given to the native core;
 *                            also the default of networkMode and seccompProfile
 * @param runtime             {@code sandbox.runtime} — sandbox runtime selection (guard.RuntimeChoice)
 * @param networkMode         {@code sandbox.network_mode} — sandbox; null = {@link #effectiveNetworkMode()}
 * @param enableCache         {@code sandbox.enable_cache} — cache: bind shared package caches
 * @param cacheDirs           {@code sandbox.cache_dirs} — cache: extra cache dirs, bound read-write at their host path
 * @param bindMounts          {@code sandbox.bind_mounts} — sandbox mount plan
 * @param envWhitelist        {@code sandbox.env_whitelist} — sandbox environment builder (globs)
 * @param seccompProfile      {@code sandbox.seccomp_profile} — seccomp loader; null = {@link #effectiveSeccompProfile()}
 * @param capabilitySet       {@code sandbox.capability_set} — native core: capabilities kept in the user namespace
 * @param workspaceDir        {@code sandbox.workspace_dir} — sandbox mount plan; null = current directory
 * @param timeout             {@code sandbox.timeout} — process supervisor: kill and exit 124; zero = none
 * @param memoryLimit         {@code sandbox.memory_limit} — bytes, cgroup memory.max / RLIMIT_AS; null = none
 * @param cpuLimit            {@code sandbox.cpu_limit} — CPUs: a hard quota (cgroup cpu.max) when trusted; null = the level's share
 * @param pidsLimit           {@code sandbox.pids_limit} — cgroup pids.max / RLIMIT_NPROC; null = none
 * @param allowWeakerFallback {@code sandbox.allow_weaker_fallback} — runtime selection: if false (default) a missing
 *                            kernel feature is an error (125), never a silently weaker sandbox
 * @param image               {@code sandbox.image} — docker/podman runtimes; null = ubuntu:22.04
 */
public record SandboxConfig(boolean enabled, SandboxMode mode, SecurityLevel securityLevel, SandboxRuntime runtime,
                            NetworkMode networkMode, boolean enableCache, List<Path> cacheDirs, List<BindMount> bindMounts,
                            List<String> envWhitelist, SeccompProfile seccompProfile, CapabilitySet capabilitySet,
                            Path workspaceDir, Duration timeout, Long memoryLimit, Double cpuLimit, Integer pidsLimit,
                            boolean allowWeakerFallback, String image) {

    /** {@code network_mode} if set, else what the security level implies. */
    public NetworkMode effectiveNetworkMode() {
        return networkMode != null ? networkMode : networkFor(securityLevel);
    }

    /** {@code seccomp_profile} if set, else the built-in profile the security level implies. */
    public SeccompProfile effectiveSeccompProfile() {
        return seccompProfile != null ? seccompProfile : seccompFor(securityLevel);
    }

    public static NetworkMode networkFor(SecurityLevel level) {
        return switch (level) {
            case PERMISSIVE -> NetworkMode.FULL;
            case BALANCED, STRICT -> NetworkMode.RESTRICTED;
            case PARANOID -> NetworkMode.NONE;
        };
    }

    public static SeccompProfile seccompFor(SecurityLevel level) {
        return SeccompProfile.builtin(switch (level) {
            case PERMISSIVE -> "minimal";
            case BALANCED -> "moderate";
            case STRICT, PARANOID -> "strict";
        });
    }
}
