package dev.vectraguard.sandbox;

import dev.vectraguard.caller.Caller;

import dev.vectraguard.egress.EgressPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything that defines one sandboxed run. Build one with {@link #builder(String...)}:
 *
 * <pre>{@code
 * SandboxSpec spec = SandboxSpec.builder("npm", "test")
 *         .workspace(Path.of("/home/me/project"))
 *         .securityLevel(SecurityLevel.STRICT)
 *         .environment(Environment.whitelisted(System.getenv(), Environment.DEFAULT_WHITELIST))
 *         .timeout(Duration.ofMinutes(5))
 *         .stdout(Stdio.PIPE)
 *         .build();
 * try (SandboxProcess process = new NativeRuntime().start(spec)) {
 *     String output = new String(process.stdout().readAllBytes());
 *     int status = process.waitFor();
 * }
 * }</pre>
 */
public final class SandboxSpec {
    private final List<String> command;
    private final Path workspace;
    private final SecurityLevel securityLevel;
    private final NetworkMode network;
    private final Map<String, String> environment;
    private final List<BindMount> bindMounts;
    private final List<Path> cacheDirs;
    private final List<PrivateDir> privateDirs;
    private final ResourceLimits limits;
    private final Duration timeout;
    private final Stdio stdin;
    private final Stdio stdout;
    private final Stdio stderr;
    private final String seccompProfile;
    private final Set<Capability> capabilities;
    private final boolean allowWeakerFallback;
    private final EgressPolicy egressPolicy;
    private final ToolConfigMode toolConfig;
    private final boolean throwawaySystem;
    private final Path workingDirectory;
    private final Path vgCacheDir;

    private SandboxSpec(Builder builder) {
        this.command = List.copyOf(builder.command);
        this.workspace = builder.workspace.toAbsolutePath().normalize();
        this.securityLevel = builder.securityLevel;
        this.network = builder.network;
        this.environment = Map.copyOf(builder.environment);
        this.bindMounts = List.copyOf(builder.bindMounts);
        this.cacheDirs = List.copyOf(builder.cacheDirs);
        this.privateDirs = List.copyOf(builder.privateDirs);
        this.limits = builder.limits;
        this.timeout = builder.timeout;
        this.stdin = builder.stdin;
        this.stdout = builder.stdout;
        this.stderr = builder.stderr;
        this.seccompProfile = builder.seccompProfile;
        this.capabilities = builder.capabilities == null ? null : Set.copyOf(builder.capabilities);
        this.allowWeakerFallback = builder.allowWeakerFallback;
        this.egressPolicy = builder.egressPolicy;
        this.toolConfig = builder.toolConfig;
        this.throwawaySystem = builder.throwawaySystem;
        this.workingDirectory = builder.workingDirectory.toAbsolutePath().normalize();
        this.vgCacheDir = builder.vgCacheDir;
    }

    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    public List<String> command() { return command; }
    public Path workspace() { return workspace; }
    public SecurityLevel securityLevel() { return securityLevel; }
    public SecurityProfile profile() { return SecurityProfile.of(securityLevel); }
    /** The network asked for; {@code null} means the level's default. */
    public NetworkMode requestedNetwork() { return network; }
    public NetworkMode network() { return profile().effectiveNetwork(network); }
    public Map<String, String> environment() { return environment; }
    public List<BindMount> bindMounts() { return bindMounts; }
    public List<Path> cacheDirs() { return cacheDirs; }
    public ResourceLimits limits() { return limits == null ? ResourceLimits.of(profile()) : limits; }
    public Optional<Duration> timeout() { return Optional.ofNullable(timeout); }
    /** Where the command starts when that is inside the workspace (else the workspace root); the current directory unless set. */
    public Path workingDirectory() { return workingDirectory; }
    public Stdio stdin() { return stdin; }
    public Stdio stdout() { return stdout; }
    public Stdio stderr() { return stderr; }
    /** Seccomp profile name (minimal, moderate, strict) or JSON file path; the level's when not set. */
    public String seccompProfile() { return seccompProfile == null ? profile().seccompProfile() : seccompProfile; }
    public Set<Capability> capabilities() { return capabilities == null ? profile().capabilities() : capabilities; }
    /** Whether a kernel lacking a feature the level needs may run the command with weaker protection. */
    public boolean allowWeakerFallback() { return allowWeakerFallback; }
    /** System directories as a throwaway overlay where the level has one; false: read-only at every level. */
    public boolean throwawaySystem() { return throwawaySystem && profile().throwawayRoot(); }
    /**
     * What restricted networking lets the command reach; unless set: any public address at balanced,
     * the package registries ({@link EgressPolicy#REGISTRIES}) at strict.
     */
    public EgressPolicy egressPolicy() {
        if (egressPolicy != null) {
            return egressPolicy;
        }
        return securityLevel == SecurityLevel.STRICT ? EgressPolicy.REGISTRIES : EgressPolicy.PUBLIC;
    }

    /** What the sandbox shows of the package managers' user config files (~/.npmrc, ~/.m2/settings.xml, ...). */
    public ToolConfigMode toolConfig() { return toolConfig; }

    /** vg's own cache directory when configured ({@code sandbox.cache_dir}); empty: {@link VgCacheDir#DEFAULT} under HOME. */
    public Optional<Path> vgCacheDir() { return Optional.ofNullable(vgCacheDir); }

    /** vg's state dir and trust store directory: refused where the sandbox could write them, hidden where it could read them. */
    public List<PrivateDir> privateDirs() { return privateDirs; }

    /** Builder of {@link SandboxSpec}; every setting has a safe default. */
    public static final class Builder {
        private final List<String> command;
        private Path workspace = Path.of("");
        private SecurityLevel securityLevel = SecurityLevel.BALANCED;
        private NetworkMode network;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<BindMount> bindMounts = new ArrayList<>();
        private final List<Path> cacheDirs = new ArrayList<>();
        private final List<PrivateDir> privateDirs = new ArrayList<>();
        private ResourceLimits limits;
        private Duration timeout;
        private Stdio stdin = Stdio.INHERIT;
        private Stdio stdout = Stdio.INHERIT;
        private Stdio stderr = Stdio.INHERIT;
        private String seccompProfile;
        private Set<Capability> capabilities;
        private boolean allowWeakerFallback;
        private EgressPolicy egressPolicy;
        private ToolConfigMode toolConfig = ToolConfigMode.FILTERED;
        private boolean throwawaySystem = true;
        private Path workingDirectory = Caller.current().workingDirectory();
        private Path vgCacheDir;

        private Builder(List<String> command) {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("no command to run");
            }
            this.command = List.copyOf(command);
        }

        /** The directory the command may write; it keeps its host path. Default: the current directory. */
        public Builder workspace(Path workspace) { this.workspace = Objects.requireNonNull(workspace); return this; }
        public Builder securityLevel(SecurityLevel level) { this.securityLevel = Objects.requireNonNull(level); return this; }
        /** Network mode; never more than the level allows. */
        public Builder network(NetworkMode network) { this.network = network; return this; }
        /** The complete environment of the command (nothing else is passed). */
        public Builder environment(Map<String, String> environment) {
            this.environment.clear();
            this.environment.putAll(environment);
            return this;
        }
        public Builder bindMount(BindMount bind) { this.bindMounts.add(Objects.requireNonNull(bind)); return this; }
        /** A package cache directory shared read-write with the host (created when missing). */
        public Builder cacheDir(Path dir) { this.cacheDirs.add(dir.toAbsolutePath().normalize()); return this; }
        public Builder limits(ResourceLimits limits) { this.limits = limits; return this; }
        public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }
        /** The directory the command starts in (default: the current directory). */
        public Builder workingDirectory(Path dir) { this.workingDirectory = Objects.requireNonNull(dir); return this; }
        public Builder stdin(Stdio stdio) { this.stdin = Objects.requireNonNull(stdio); return this; }
        public Builder stdout(Stdio stdio) { this.stdout = Objects.requireNonNull(stdio); return this; }
        public Builder stderr(Stdio stdio) { this.stderr = Objects.requireNonNull(stdio); return this; }
        public Builder seccompProfile(String nameOrPath) { this.seccompProfile = nameOrPath; return this; }
        public Builder capabilities(Set<Capability> capabilities) { this.capabilities = capabilities; return this; }
        public Builder allowWeakerFallback(boolean allow) { this.allowWeakerFallback = allow; return this; }
        /** The egress policy of restricted networking (see {@link SandboxSpec#egressPolicy()}). */
        public Builder egressPolicy(EgressPolicy policy) { this.egressPolicy = policy; return this; }
        /** The package managers' user config files: filtered of credentials (default), none, or full. */
        public Builder toolConfig(ToolConfigMode mode) { this.toolConfig = Objects.requireNonNull(mode); return this; }
        /** false ({@code sandbox.use_overlayfs: false}): system directories read-only even where the level has a throwaway overlay. */
        public Builder throwawaySystem(boolean throwaway) { this.throwawaySystem = throwaway; return this; }
        /**
         * Where vg keeps its own cache (the caches' per-run layers, the filtered tool config); null:
         * {@link VgCacheDir#DEFAULT} under HOME. Refused where a sandbox could write it ({@link VgCacheDir}).
         */
        public Builder vgCacheDir(Path dir) { this.vgCacheDir = dir == null ? null : dir.toAbsolutePath().normalize(); return this; }

        /** A directory of vg's own the sandbox may neither write nor read ({@link VgOwnDirs}). */
        public Builder privateDir(PrivateDir dir) { this.privateDirs.add(Objects.requireNonNull(dir)); return this; }

        public SandboxSpec build() {
            return new SandboxSpec(this);
        }
    }
}
