package dev.vectraguard.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the effective configuration: defaults, then the user file
 * ({@code $XDG_CONFIG_HOME/vectra-guard/config.yaml}, else {@code ~/.config/vectra-guard/config.yaml}),
 * then {@code ./vectra-guard.yaml}, then the {@code --config} file (which must exist), then the
 * environment ({@code VECTRAGUARD_RUNTIME}, {@code VECTRAGUARD_STATE_DIR}; {@code VECTRAGUARD_ENV} is
 * validated and passed on). Later sources override earlier ones key by key; a list value replaces the
 * whole list. Relative paths in a file are resolved against that file's directory.
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
     */
    public record Request(Path explicitConfig, Path workingDir, Path home, Map<String, String> env) {
        /** This process's working directory, home and environment. */
        public static Request ofProcess(Path explicitConfig) {
            Map<String, String> env = System.getenv();
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            return new Request(explicitConfig, Path.of("").toAbsolutePath(), Path.of(home), env);
        }
    }

    /** The files that {@code request} would read, lowest precedence first (the explicit one even if missing). */
    public static List<Path> candidateFiles(Request request) {
        List<Path> files = new ArrayList<>();
        String xdg = request.env().get("XDG_CONFIG_HOME");
        Path userDir = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : request.home().resolve(".config");
        addIfFile(files, userDir.resolve("vectra-guard").resolve("config.yaml"));
        addIfFile(files, request.workingDir().resolve(PROJECT_FILE));
        if (request.explicitConfig() != null) {
            Path explicit = request.workingDir().resolve(request.explicitConfig());
            if (!files.contains(explicit.normalize())) {
                files.add(explicit.normalize());
            }
        }
        return files;
    }

    private static void addIfFile(List<Path> files, Path p) {
        if (Files.isRegularFile(p)) {
            files.add(p.normalize());
        }
    }

    public static LoadedConfig load(Request request) throws ConfigException {
        Map<String, Setting> settings = defaults();
        List<String> warnings = new ArrayList<>();
        List<Path> files = candidateFiles(request);
        for (Path file : files) {
            String text = readFile(file);
            Path baseDir = file.toAbsolutePath().getParent();
            apply(YamlReader.read(file.toString(), text), new ValueType.Context(baseDir, request.home(), warnings), settings);
        }
        ValueType.Context envContext = new ValueType.Context(request.workingDir(), request.home(), warnings);
        applyEnv(request.env(), RUNTIME_ENV, "sandbox.runtime", envContext, settings);
        applyEnv(request.env(), STATE_DIR_ENV, "state_dir", envContext, settings);
        String declared = request.env().get(DeploymentEnv.ENV_VAR);
        DeploymentEnv deploymentEnv = declared == null || declared.isBlank() ? null : DeploymentEnv.parse(declared);
        return finish(settings, files, warnings, deploymentEnv);
    }

    /**
     * Reads one YAML document over the defaults, without user files or environment: for presets,
     * {@code vg config validate FILE} and tests.
     */
    public static LoadedConfig loadText(String fileName, String yaml, Path baseDir, Path home) throws ConfigException {
        Map<String, Setting> settings = defaults();
        List<String> warnings = new ArrayList<>();
        apply(YamlReader.read(fileName, yaml), new ValueType.Context(baseDir, home, warnings), settings);
        return finish(settings, List.of(), warnings, null);
    }

    private static LoadedConfig finish(Map<String, Setting> settings, List<Path> files, List<String> warnings, DeploymentEnv env) {
        Map<String, Object> values = new LinkedHashMap<>();
        settings.forEach((k, s) -> values.put(k, s.value()));
        Setting image = settings.get("sandbox.image");
        Object runtime = settings.get("sandbox.runtime").value();
        if (image.value() != null && runtime != SandboxRuntime.DOCKER && runtime != SandboxRuntime.PODMAN) {
            warnings.add(image.source() + ": warning: 'sandbox.image' is only used by the docker and podman runtimes; "
                    + "with sandbox.runtime " + ((SandboxRuntime) runtime).label() + " it has no effect");
        }
        return new LoadedConfig(VgConfig.from(values), java.util.Collections.unmodifiableMap(settings), List.copyOf(files),
                List.copyOf(warnings), env);
    }

    private static Map<String, Setting> defaults() {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (ConfigKey k : ConfigSchema.KEYS.values()) {
            settings.put(k.name(), new Setting(k.name(), k.defaultValue(), ConfigSource.DEFAULT));
        }
        return settings;
    }

    private static String readFile(Path file) throws ConfigException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": config file is not valid UTF-8");
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
