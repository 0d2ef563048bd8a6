package dev.vectraguard.config;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.state.StateDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the effective configuration: defaults, then the user file
 * ({@code $XDG_CONFIG_HOME/vectra-guard/config.yaml}, else {@code ~/.config/vectra-guard/config.yaml}),
 * then {@code vectra-guard.yaml} in the workspace root and in the current directory, then the
 * {@code --config} file (which must exist), then the environment ({@code VECTRAGUARD_RUNTIME},
 * {@code VECTRAGUARD_STATE_DIR}; {@code VECTRAGUARD_ENV} is validated and passed on). Later sources
 * override earlier ones key by key; a list value replaces the whole list. Relative paths in a file
 * are resolved against that file's directory.
 *
 * <p>Config trust: the user file (when owned by the real uid and not group/world-writable) and the
 * {@code --config} file are trusted unless they lie in the current directory or workspace tree,
 * which the sandbox can write; project files are never trusted implicitly. A file that is not
 * trusted applies only if {@code vg config trust} approved its exact content ({@link ConfigApprovals});
 * otherwise each of its values applies only where it tightens the trusted result ({@link Tightening})
 * and the rest is listed in {@link LoadedConfig#ignored()}.
 *
 * <p>YAML is only parsed (and snakeyaml only loaded) when a config file exists.
 */
public final class ConfigLoader {
    public static final String PROJECT_FILE = "vectra-guard.yaml";
    public static final String RUNTIME_ENV = "VECTRAGUARD_RUNTIME";
    public static final String STATE_DIR_ENV = "VECTRAGUARD_STATE_DIR";

    private ConfigLoader() {}

    /**
     * What to load.
     *
     * @param explicitConfig the {@code --config} file, or null
     * @param workingDir     where {@code vectra-guard.yaml} is looked for
     * @param home           the user's home ({@code ~})
     * @param env            the environment
     * @param workspace      the {@code --workspace} directory (its {@code vectra-guard.yaml} is read too), or null
     * @param stateDirFlag   the {@code --state-dir} directory, or null
     */
    public record Request(Path explicitConfig, Path workingDir, Path home, Map<String, String> env, Path workspace,
                          Path stateDirFlag) {
        public Request(Path explicitConfig, Path workingDir, Path home, Map<String, String> env) {
            this(explicitConfig, workingDir, home, env, null, null);
        }

        /** The caller's working directory, home and environment ({@link Caller#current()}). */
        public static Request ofProcess(Path explicitConfig) {
            Caller caller = Caller.current();
            Map<String, String> env = caller.environment();
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            return new Request(explicitConfig == null ? null : caller.resolve(explicitConfig), caller.workingDirectory(),
                    Path.of(home), env);
        }

        public Request with(Path workspace, Path stateDirFlag) {
            return new Request(explicitConfig, workingDir, home, env, workspace, stateDirFlag);
        }
    }

    /** One config file as read: its bytes' hash and the settings it writes (only the keys it names). */
    private record ParsedFile(Path path, Path canonical, String sha256, Map<String, Setting> settings) {
        boolean sets(String key) {
            return settings.containsKey(key);
        }
    }

    public static LoadedConfig load(Request request) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        Path cwd = request.workingDir().toAbsolutePath().normalize();
        String xdg = request.env().get("XDG_CONFIG_HOME");
        Path userDir = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : request.home().resolve(".config");
        ParsedFile user = parseIfFile(userDir.resolve("vectra-guard").resolve("config.yaml"), request, warnings);
        ParsedFile explicit = null;
        if (request.explicitConfig() != null) {
            Path file = cwd.resolve(request.explicitConfig()).normalize();
            explicit = parse(file, readFile(file), request, warnings);
        }

        Path home = canonical(request.home());
        Set<Path> writableTrees = new LinkedHashSet<>();
        addWritableTree(writableTrees, cwd, home);
        if (request.workspace() != null) {
            addWritableTree(writableTrees, cwd.resolve(request.workspace()), home);
        }
        Map<ParsedFile, String> distrust = new LinkedHashMap<>();
        classify(user, explicit, writableTrees, distrust);
        Path workspaceRoot = request.workspace() != null ? cwd.resolve(request.workspace())
                : trustedValue("sandbox.workspace_dir", distrust, explicit, user) instanceof Path p ? p : cwd;
        if (addWritableTree(writableTrees, workspaceRoot, home)) {
            classify(user, explicit, writableTrees, distrust);
        }

        List<ParsedFile> files = new ArrayList<>();
        if (user != null) {
            files.add(user);
        }
        Set<Path> seen = new LinkedHashSet<>();
        files.forEach(f -> seen.add(f.canonical()));
        if (explicit != null) {
            seen.add(explicit.canonical());
        }
        for (Path dir : new LinkedHashSet<>(List.of(workspaceRoot.toAbsolutePath().normalize(), cwd))) {
            Path file = dir.resolve(PROJECT_FILE);
            if (Files.isRegularFile(file) && seen.add(canonical(file))) {
                ParsedFile project = parse(file, readFile(file), request, warnings);
                files.add(project);
                distrust.put(project, "the file is not approved");
            }
        }
        if (explicit != null) {
            files.add(explicit);
        }

        Map<ParsedFile, ConfigFileTrust.Status> status = new LinkedHashMap<>();
        for (ParsedFile file : files) {
            status.put(file, distrust.containsKey(file) ? ConfigFileTrust.Status.UNTRUSTED : ConfigFileTrust.Status.TRUSTED);
        }
        Path approvalsDir = StateDir.resolve(request.stateDirFlag(), request.env(),
                (Path) trustedValue("state_dir", distrust, explicit, user), request.home());
        if (!distrust.isEmpty()) {
            ConfigApprovals approvals = new ConfigApprovals(approvalsDir, warnings::add);
            for (ParsedFile file : distrust.keySet()) {
                ConfigApprovals.Match match;
                try {
                    match = approvals.match(file.canonical(), file.sha256());
                } catch (UncheckedIOException e) {
                    warnings.add("cannot read " + approvals.path() + " (" + e.getCause().getMessage() + "): approvals of config files are not applied");
                    match = ConfigApprovals.Match.NONE;
                }
                if (match == ConfigApprovals.Match.APPROVED) {
                    status.put(file, ConfigFileTrust.Status.APPROVED);
                } else if (match == ConfigApprovals.Match.CHANGED) {
                    distrust.put(file, "its approval no longer matches (the file changed after vg config trust)");
                }
            }
        }

        Map<String, Setting> settings = defaults();
        for (ParsedFile file : files) {
            if (status.get(file) != ConfigFileTrust.Status.UNTRUSTED) {
                settings.putAll(file.settings());
            }
        }
        ValueType.Context envContext = new ValueType.Context(request.workingDir(), request.home(), warnings);
        applyEnv(request.env(), RUNTIME_ENV, "sandbox.runtime", envContext, settings);
        applyEnv(request.env(), STATE_DIR_ENV, "state_dir", envContext, settings);
        Map<String, Setting> trusted = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));

        List<IgnoredSetting> ignored = new ArrayList<>();
        for (ParsedFile file : files) {
            if (status.get(file) == ConfigFileTrust.Status.UNTRUSTED) {
                tighten(file, trusted, settings, ignored);
            }
        }
        List<ConfigFileTrust> fileTrust = files.stream().map(f -> new ConfigFileTrust(f.path(), status.get(f),
                status.get(f) == ConfigFileTrust.Status.UNTRUSTED ? distrust.get(f) : null)).toList();

        String declared = request.env().get(DeploymentEnv.ENV_VAR);
        DeploymentEnv deploymentEnv = declared == null || declared.isBlank() ? null : DeploymentEnv.parse(declared);
        return finish(settings, files.stream().map(ParsedFile::path).toList(), warnings, deploymentEnv, fileTrust, trusted,
                ignored, approvalsDir);
    }

    /** Applies the values of an untrusted file that tighten the trusted result; records the others. */
    private static void tighten(ParsedFile file, Map<String, Setting> trusted, Map<String, Setting> settings,
                                List<IgnoredSetting> ignored) {
        for (Setting candidate : file.settings().values()) {
            String key = candidate.key();
            if (Tightening.ADDITIVE.contains(key)) {
                List<Object> merged = Tightening.union(settings.get(key).value(), candidate.value());
                if (!merged.equals(settings.get(key).value())) {
                    settings.put(key, new Setting(key, merged, candidate.source()));
                }
                continue;
            }
            Tightening.Verdict againstTrusted = Tightening.compare(key, candidate.value(), trusted);
            if (againstTrusted == Tightening.Verdict.LOOSER) {
                ignored.add(new IgnoredSetting(key, candidate.value(), (ConfigSource.File) candidate.source()));
            } else if (againstTrusted == Tightening.Verdict.TIGHTER
                    && Tightening.compare(key, candidate.value(), settings) == Tightening.Verdict.TIGHTER) {
                settings.put(key, candidate);
            }
        }
    }

    /**
     * Marks the user file untrusted when another user owns it, it is group/world-writable, or it lies
     * in a tree the sandbox can write; the {@code --config} file in the last case only.
     */
    private static void classify(ParsedFile user, ParsedFile explicit, Set<Path> writableTrees, Map<ParsedFile, String> distrust) {
        if (user != null) {
            String problem = ownershipProblem(user.path());
            if (problem == null) {
                problem = insideWritableTree(user, writableTrees);
            }
            if (problem != null) {
                distrust.put(user, problem);
            }
        }
        if (explicit != null) {
            String problem = insideWritableTree(explicit, writableTrees);
            if (problem != null) {
                distrust.put(explicit, problem);
            }
        }
    }

    /**
     * A directory tree a sandboxed command may have been given to write. One that contains the home
     * directory is left out: vg refuses it as a workspace (and the user config lies in it).
     */
    private static boolean addWritableTree(Set<Path> trees, Path dir, Path home) {
        Path tree = canonical(dir);
        return !home.startsWith(tree) && trees.add(tree);
    }

    private static String insideWritableTree(ParsedFile file, Set<Path> writableTrees) {
        for (Path tree : writableTrees) {
            if (file.canonical().startsWith(tree)) {
                return "it lies inside " + tree + ", which a sandboxed command can write";
            }
        }
        return null;
    }

    /** Why the user's own config file cannot be trusted as is (git's safe.directory rule), or null. */
    private static String ownershipProblem(Path file) {
        try {
            int owner = (Integer) Files.getAttribute(file, "unix:uid");
            int uid = realUid();
            if (owner != uid) {
                return "it is owned by uid " + owner + ", not by you (uid " + uid + ")";
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                return "it is group- or world-writable (chmod go-w " + file + ")";
            }
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "its owner and mode cannot be checked (" + e.getMessage() + ")";
        }
    }

    /** The real uid, from /proc/self/status (the first of the "Uid:" line's four ids). */
    private static int realUid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
            }
        }
        throw new IOException("no Uid line in /proc/self/status");
    }

    /** {@code key} from the --config file, else the user file, where that file is trusted and sets it; null otherwise. */
    private static Object trustedValue(String key, Map<ParsedFile, String> distrust, ParsedFile explicit, ParsedFile user) {
        for (ParsedFile file : java.util.Arrays.asList(explicit, user)) {
            if (file != null && !distrust.containsKey(file) && file.sets(key)) {
                return file.settings().get(key).value();
            }
        }
        return null;
    }

    private static Path canonical(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    private static ParsedFile parseIfFile(Path file, Request request, List<String> warnings) throws ConfigException {
        return Files.isRegularFile(file) ? parse(file.normalize(), readFile(file), request, warnings) : null;
    }

    private static ParsedFile parse(Path file, byte[] bytes, Request request, List<String> warnings)
            throws ConfigException {
        Path path = file.toAbsolutePath().normalize();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(path + ": config file is not valid UTF-8");
        }
        Map<String, Setting> settings = new LinkedHashMap<>();
        apply(YamlReader.read(path.toString(), text), new ValueType.Context(path.getParent(), request.home(), warnings), settings);
        return new ParsedFile(path, canonical(path), ConfigApprovals.sha256(bytes), settings);
    }

    /** {@code file}'s path with symlinks resolved, as approvals are keyed. */
    public static Path canonicalPath(Path file) {
        return canonical(file.toAbsolutePath().normalize());
    }

    /**
     * Reads one YAML document over the defaults, without user files or environment: for presets,
     * {@code vg config validate FILE} and tests.
     */
    public static LoadedConfig loadText(String fileName, String yaml, Path baseDir, Path home) throws ConfigException {
        Map<String, Setting> settings = defaults();
        List<String> warnings = new ArrayList<>();
        apply(YamlReader.read(fileName, yaml), new ValueType.Context(baseDir, home, warnings), settings);
        return finish(settings, List.of(), warnings, null, List.of(), settings, List.of(), null);
    }

    private static LoadedConfig finish(Map<String, Setting> settings, List<Path> files, List<String> warnings, DeploymentEnv env,
                                       List<ConfigFileTrust> fileTrust, Map<String, Setting> trusted,
                                       List<IgnoredSetting> ignored, Path approvalsDir) {
        Map<String, Object> values = new LinkedHashMap<>();
        settings.forEach((k, s) -> values.put(k, s.value()));
        Setting image = settings.get("sandbox.image");
        Object runtime = settings.get("sandbox.runtime").value();
        if (image.value() != null && (runtime == SandboxRuntime.NATIVE || runtime == SandboxRuntime.BUBBLEWRAP)) {
            warnings.add(image.source() + ": warning: 'sandbox.image' is only used by the docker and podman runtimes; "
                    + "with sandbox.runtime " + ((SandboxRuntime) runtime).label() + " it has no effect");
        }
        return new LoadedConfig(VgConfig.from(values), java.util.Collections.unmodifiableMap(settings), List.copyOf(files),
                List.copyOf(warnings), env, List.copyOf(fileTrust), java.util.Collections.unmodifiableMap(trusted),
                List.copyOf(ignored), approvalsDir);
    }

    private static Map<String, Setting> defaults() {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (ConfigKey k : ConfigSchema.KEYS.values()) {
            settings.put(k.name(), new Setting(k.name(), k.defaultValue(), ConfigSource.DEFAULT));
        }
        return settings;
    }

    private static byte[] readFile(Path file) throws ConfigException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read config file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static void applyEnv(Map<String, String> env, String variable, String key, ValueType.Context ctx,
                                 Map<String, Setting> settings) throws ConfigException {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return;
        }
        ConfigLocation at = ConfigLocation.env(variable);
        Object parsed = ConfigSchema.KEYS.get(key).type().parse(key, new RawNode.Scalar(value, RawNode.Kind.STRING, at), ctx);
        settings.put(key, new Setting(key, parsed, ConfigSource.of(at)));
    }

    static void apply(RawNode root, ValueType.Context ctx, Map<String, Setting> settings) throws ConfigException {
        if (root == null || root instanceof RawNode.Scalar s && s.kind() == RawNode.Kind.NULL) {
            return;
        }
        if (!(root instanceof RawNode.Mapping top)) {
            throw new ConfigException(root.at(), "a config file must be a mapping of sections such as 'sandbox:' (got " + RawNode.describe(root) + ")");
        }
        for (RawNode.Entry entry : top.entries()) {
            if (ConfigSchema.SECTIONS.contains(entry.key())) {
                RawNode value = entry.value();
                if (value instanceof RawNode.Scalar s && s.kind() == RawNode.Kind.NULL) {
                    continue;
                }
                if (!(value instanceof RawNode.Mapping section)) {
                    throw new ConfigException(value.at(), "'" + entry.key() + "' must be a mapping of keys (got " + RawNode.describe(value) + ")");
                }
                for (RawNode.Entry sub : section.entries()) {
                    applyKey(entry.key() + "." + sub.key(), sub, ctx, settings);
                }
            } else if (entry.key().contains(".")) {
                throw new ConfigException(entry.keyAt(), "unknown key '" + entry.key() + "' (write keys nested: '"
                        + entry.key().substring(0, entry.key().indexOf('.')) + ":' with '" + entry.key().substring(entry.key().indexOf('.') + 1) + ":' under it)");
            } else {
                applyKey(entry.key(), entry, ctx, settings);
            }
        }
    }

    private static void applyKey(String name, RawNode.Entry entry, ValueType.Context ctx, Map<String, Setting> settings)
            throws ConfigException {
        if (ConfigSchema.UPSTREAM_ONLY.contains(name)) {
            ctx.warnings().add(entry.keyAt() + ": warning: '" + name + "' is a vectra-guard key that vg does not use; it has no effect");
            return;
        }
        String key = ConfigSchema.ALIASES.getOrDefault(name, name);
        ConfigKey spec = ConfigSchema.KEYS.get(key);
        if (spec == null) {
            throw new ConfigException(entry.keyAt(), "unknown key '" + name + "'"
                    + suggest(name).map(s -> " (did you mean '" + s + "'?)").orElse(""));
        }
        Object value = spec.type().parse(key, entry.value(), ctx);
        settings.put(key, new Setting(key, value, ConfigSource.of(entry.value().at())));
    }

    /** Nearest valid key: first among the keys of the same section, then among all keys by their last part. */
    static Optional<String> suggest(String name) {
        int dot = name.indexOf('.');
        if (dot < 0) {
            List<String> topLevel = new ArrayList<>(ConfigSchema.SECTIONS);
            ConfigSchema.KEYS.values().stream().filter(k -> k.section().isEmpty()).forEach(k -> topLevel.add(k.name()));
            Optional<String> near = Suggestions.nearest(name, topLevel);
            return near.isPresent() ? near : byLeaf(name);
        }
        String section = name.substring(0, dot);
        String leaf = name.substring(dot + 1);
        List<String> sameSection = ConfigSchema.KEYS.values().stream()
                .filter(k -> k.section().equals(section)).map(ConfigKey::leaf).toList();
        Optional<String> near = Suggestions.nearest(leaf, sameSection);
        if (near.isPresent()) {
            return Optional.of(section + "." + near.get());
        }
        return byLeaf(leaf);
    }

    private static Optional<String> byLeaf(String leaf) {
        Map<String, String> byLeaf = new LinkedHashMap<>();
        ConfigSchema.KEYS.values().forEach(k -> byLeaf.putIfAbsent(k.leaf(), k.name()));
        return Suggestions.nearest(leaf, byLeaf.keySet()).map(byLeaf::get);
    }
}
