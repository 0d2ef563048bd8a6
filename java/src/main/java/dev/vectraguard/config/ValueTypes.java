package dev.vectraguard.config;

import dev.vectraguard.egress.Cidr;
import dev.vectraguard.json.JsonException;
import dev.vectraguard.json.JsonMapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The value types of the config keys; every error names the key, the expectation and what was written. */
final class ValueTypes {
    private static final Pattern ENV_PATTERN = Pattern.compile("[A-Za-z_*][A-Za-z0-9_*]*");

    private ValueTypes() {}

    static ConfigException invalid(String key, RawNode node, String expectation) {
        return new ConfigException(node.at(), "'" + key + "' must be " + expectation + " (got " + RawNode.describe(node) + ")");
    }

    private static boolean isNull(RawNode node) {
        return node instanceof RawNode.Scalar s && s.kind() == RawNode.Kind.NULL;
    }

    /** The scalar's text, for keys whose values are words; lists, mappings and null are errors. */
    private static String text(String key, RawNode node, String expectation) throws ConfigException {
        if (node instanceof RawNode.Scalar s && s.kind() != RawNode.Kind.NULL) {
            return s.text();
        }
        throw invalid(key, node, expectation);
    }

    static final ValueType BOOLEAN = (key, node, ctx) -> {
        if (node instanceof RawNode.Scalar s && (s.kind() == RawNode.Kind.BOOL || s.kind() == RawNode.Kind.STRING && isBoolWord(s.text()))) {
            return Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT));
        }
        throw invalid(key, node, "true or false");
    };

    /** Environment overrides arrive as strings; quoted "true" in YAML is accepted too. */
    private static boolean isBoolWord(String s) {
        return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
    }

    static <E extends Enum<E>> ValueType enumOf(Class<E> type) {
        return enumOf(type, false);
    }

    /** Lower-case constant names, any case accepted; {@code nullable}: null means "unset". */
    static <E extends Enum<E>> ValueType enumOf(Class<E> type, boolean nullable) {
        List<String> labels = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        String expectation = "one of " + String.join(", ", labels);
        return (key, node, ctx) -> {
            if (nullable && isNull(node)) {
                return null;
            }
            String word = text(key, node, expectation).strip().toLowerCase(Locale.ROOT);
            int i = labels.indexOf(word);
            if (i < 0) {
                throw invalid(key, node, expectation);
            }
            return type.getEnumConstants()[i];
        };
    }

    /** Upstream vectra-guard calls its own namespace sandbox "namespace" or "process"; vg's is "native". */
    static final ValueType RUNTIME = (key, node, ctx) -> {
        if (node instanceof RawNode.Scalar s && (s.text().strip().equalsIgnoreCase("process")
                || s.text().strip().equalsIgnoreCase("namespace"))) {
            ctx.warnings().add(node.at() + ": warning: '" + key + "': '" + s.text().strip() + "' (vectra-guard) is read as 'native'");
            return SandboxRuntime.NATIVE;
        }
        try {
            return enumOf(SandboxRuntime.class).parse(key, node, ctx);
        } catch (ConfigException e) {
            throw invalid(key, node, "one of auto, native (also namespace, process), bubblewrap, docker, podman");
        }
    };

    static ValueType string(boolean nullable) {
        return (key, node, ctx) -> {
            if (nullable && isNull(node)) {
                return null;
            }
            return text(key, node, "a string");
        };
    }

    static ValueType duration(boolean nullable) {
        String expectation = "a duration like 30s, 5m" + (nullable ? " or never" : "");
        return (key, node, ctx) -> {
            if (nullable && isNull(node)) {
                return null;
            }
            String t = text(key, node, expectation);
            if (nullable && t.strip().equalsIgnoreCase("never")) {
                return null;
            }
            try {
                return Durations.parse(t);
            } catch (IllegalArgumentException e) {
                throw invalid(key, node, expectation);
            }
        };
    }

    static final ValueType SIZE = (key, node, ctx) -> {
        if (isNull(node)) {
            return null;
        }
        String expectation = "a size like 512m, 1g";
        try {
            long bytes = ByteSizes.parse(text(key, node, expectation));
            if (bytes <= 0) {
                throw invalid(key, node, expectation);
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw invalid(key, node, expectation);
        }
    };

    static final ValueType POSITIVE_INT = (key, node, ctx) -> {
        if (isNull(node)) {
            return null;
        }
        String expectation = "a positive integer";
        try {
            long n = Long.parseLong(text(key, node, expectation).strip());
            if (n <= 0 || n > Integer.MAX_VALUE) {
                throw invalid(key, node, expectation);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw invalid(key, node, expectation);
        }
    };

    static final ValueType CPUS = (key, node, ctx) -> {
        if (isNull(node)) {
            return null;
        }
        String expectation = "a positive number of CPUs like 0.5 or 2";
        try {
            double n = Double.parseDouble(text(key, node, expectation).strip());
            if (!(n > 0) || Double.isInfinite(n)) {
                throw invalid(key, node, expectation);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(key, node, expectation);
        }
    };

    /** A list of scalars; null is the empty list. */
    private static List<RawNode.Scalar> items(String key, RawNode node, String expectation) throws ConfigException {
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof RawNode.Sequence seq)) {
            throw invalid(key, node, expectation);
        }
        List<RawNode.Scalar> out = new ArrayList<>();
        for (RawNode item : seq.items()) {
            if (!(item instanceof RawNode.Scalar s) || s.kind() == RawNode.Kind.NULL) {
                throw new ConfigException(item.at(), "'" + key + "' must be " + expectation + " (got " + RawNode.describe(item) + " as an item)");
            }
            out.add(s);
        }
        return out;
    }

    static final ValueType STRING_LIST = (key, node, ctx) ->
            items(key, node, "a list of strings").stream().map(RawNode.Scalar::text).toList();

    private static final Pattern DOMAIN_PATTERN = Pattern.compile("[A-Za-z0-9*_-]+(\\.[A-Za-z0-9*_-]+)*\\.?");

    static final ValueType DOMAIN_PATTERNS = (key, node, ctx) -> {
        String expectation = "a list of domain names (* allowed, e.g. *.npmjs.org)";
        List<String> out = new ArrayList<>();
        for (RawNode.Scalar s : items(key, node, expectation)) {
            if (!DOMAIN_PATTERN.matcher(s.text()).matches()) {
                throw new ConfigException(s.at(), "'" + key + "' must be " + expectation + " (got '" + s.text() + "')");
            }
            out.add(s.text().toLowerCase(Locale.ROOT));
        }
        return List.copyOf(out);
    };

    static final ValueType CIDRS = (key, node, ctx) -> {
        String expectation = "a list of address ranges (e.g. 10.1.0.0/16, fd00::/8)";
        List<Cidr> out = new ArrayList<>();
        for (RawNode.Scalar s : items(key, node, expectation)) {
            try {
                out.add(Cidr.parse(s.text()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(s.at(), "'" + key + "' must be " + expectation + " (got '" + s.text() + "')");
            }
        }
        return List.copyOf(out);
    };

    static final ValueType ENV_PATTERNS = (key, node, ctx) -> {
        String expectation = "a list of environment variable names (* allowed, e.g. LC_*)";
        List<String> out = new ArrayList<>();
        for (RawNode.Scalar s : items(key, node, expectation)) {
            if (!ENV_PATTERN.matcher(s.text()).matches()) {
                throw new ConfigException(s.at(), "'" + key + "' must be " + expectation + " (got '" + s.text() + "')");
            }
            out.add(s.text());
        }
        return List.copyOf(out);
    };

    /** Expands {@code ~} and {@code ~/...}, resolves relative paths against the base dir, normalises. */
    static Path path(String text, ValueType.Context ctx) {
        Path p;
        if (text.equals("~")) {
            p = ctx.home();
        } else if (text.startsWith("~/")) {
            p = ctx.home().resolve(text.substring(2));
        } else {
            p = ctx.baseDir().resolve(text);
        }
        return p.toAbsolutePath().normalize();
    }

    static final ValueType PATH = (key, node, ctx) -> {
        if (isNull(node)) {
            return null;
        }
        String t = text(key, node, "a path");
        if (t.isBlank()) {
            throw invalid(key, node, "a path");
        }
        return path(t, ctx);
    };

    static final ValueType PATH_LIST = (key, node, ctx) -> {
        List<Path> out = new ArrayList<>();
        for (RawNode.Scalar s : items(key, node, "a list of paths")) {
            if (s.text().isBlank()) {
                throw new ConfigException(s.at(), "'" + key + "' must be a list of paths (got an empty item)");
            }
            out.add(path(s.text(), ctx));
        }
        return List.copyOf(out);
    };

    /**
     * Cache directories: paths, also in vectra-guard's {@code host:/container} form, read as the host
     * path with a warning, since vg shares a cache at its host path.
     */
    static final ValueType CACHE_DIRS = (key, node, ctx) -> {
        List<Path> out = new ArrayList<>();
        for (RawNode.Scalar s : items(key, node, "a list of paths")) {
            String text = s.text();
            if (text.isBlank()) {
                throw new ConfigException(s.at(), "'" + key + "' must be a list of paths (got an empty item)");
            }
            int colon = text.lastIndexOf(':');
            if (colon > 0 && text.startsWith("/", colon + 1)) {
                Path host = path(text.substring(0, colon), ctx);
                ctx.warnings().add(s.at() + ": warning: '" + key + "': '" + text + "' (vectra-guard) is read as '" + host
                        + "': vg shares a cache at its host path");
                text = host.toString();
            }
            out.add(path(text, ctx));
        }
        return List.copyOf(out);
    };

    static final ValueType BIND_MOUNTS = (key, node, ctx) -> {
        String expectation = "a list of bind mounts ({host_path, container_path, read_only} or \"host:container:ro\")";
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof RawNode.Sequence seq)) {
            throw invalid(key, node, expectation);
        }
        List<BindMount> out = new ArrayList<>();
        for (RawNode item : seq.items()) {
            switch (item) {
                case RawNode.Scalar s when s.kind() != RawNode.Kind.NULL -> out.add(shortBind(key, s, ctx));
                case RawNode.Mapping m -> out.add(mappingBind(key, m, ctx));
                default -> throw new ConfigException(item.at(), "'" + key + "' must be " + expectation + " (got " + RawNode.describe(item) + " as an item)");
            }
        }
        return List.copyOf(out);
    };

    private static BindMount shortBind(String key, RawNode.Scalar s, ValueType.Context ctx) throws ConfigException {
        List<String> parts = new ArrayList<>(Arrays.asList(s.text().split(":", -1)));
        boolean readOnly = false;
        String last = parts.getLast();
        if (parts.size() > 1 && (last.equals("ro") || last.equals("rw"))) {
            readOnly = last.equals("ro");
            parts.removeLast();
        }
        if (parts.size() > 2 || parts.stream().anyMatch(String::isBlank)) {
            throw new ConfigException(s.at(), "'" + key + "' item must be \"host_path[:container_path][:ro|:rw]\" (got '" + s.text() + "')");
        }
        Path host = path(parts.get(0), ctx);
        Path container = parts.size() == 2 ? absolute(key, s, parts.get(1)) : host;
        return new BindMount(host, container, readOnly);
    }

    private static Path absolute(String key, RawNode node, String text) throws ConfigException {
        if (!text.startsWith("/")) {
            throw new ConfigException(node.at(), "'" + key + "' container_path must be absolute (got '" + text + "')");
        }
        return Path.of(text).normalize();
    }

    private static BindMount mappingBind(String key, RawNode.Mapping m, ValueType.Context ctx) throws ConfigException {
        Path host = null;
        Path container = null;
        boolean readOnly = false;
        List<String> fields = List.of("host_path", "container_path", "read_only");
        for (RawNode.Entry e : m.entries()) {
            String sub = key + "." + e.key();
            switch (e.key()) {
                case "host_path" -> host = (Path) PATH.parse(sub, e.value(), ctx);
                case "container_path" -> {
                    if (!isNull(e.value())) {
                        container = absolute(sub, e.value(), text(sub, e.value(), "an absolute path"));
                    }
                }
                case "read_only" -> readOnly = (Boolean) BOOLEAN.parse(sub, e.value(), ctx);
                default -> throw new ConfigException(e.keyAt(), "unknown key '" + sub + "'"
                        + Suggestions.nearest(e.key(), fields).map(f -> " (did you mean '" + key + "." + f + "'?)").orElse("")
                        + "; a bind mount has host_path, container_path, read_only");
            }
        }
        if (host == null) {
            throw new ConfigException(m.at(), "'" + key + "' item needs a host_path");
        }
        return new BindMount(host, container == null ? host : container, readOnly);
    }

    static final ValueType SECCOMP = (key, node, ctx) -> {
        if (isNull(node)) {
            return null;
        }
        String expectation = "one of " + String.join(", ", SeccompProfile.BUILTINS) + " or a path to a JSON file";
        String t = text(key, node, expectation).strip();
        if (SeccompProfile.BUILTINS.contains(t.toLowerCase(Locale.ROOT))) {
            return SeccompProfile.builtin(t.toLowerCase(Locale.ROOT));
        }
        if (!t.contains("/") && !t.endsWith(".json")) {
            throw invalid(key, node, expectation);
        }
        Path file = path(t, ctx);
        String content;
        try {
            content = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(node.at(), "'" + key + "': cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        try {
            JsonMapping.read(content, java.util.Map.class);
        } catch (JsonException e) {
            throw new ConfigException(node.at(), "'" + key + "': " + file + " is not a JSON seccomp profile: " + e.getMessage());
        }
        return new SeccompProfile(null, file);
    };

    static final ValueType CAPABILITIES = (key, node, ctx) -> {
        String expectation = "one of " + String.join(", ", CapabilitySet.PRESETS) + " or a list of capability names";
        if (node instanceof RawNode.Scalar s && s.kind() != RawNode.Kind.NULL) {
            String t = s.text().strip().toLowerCase(Locale.ROOT);
            if (!CapabilitySet.PRESETS.contains(t)) {
                throw invalid(key, node, expectation);
            }
            return new CapabilitySet(t, null);
        }
        List<String> caps = new ArrayList<>();
        for (RawNode.Scalar s : items(key, node, expectation)) {
            String name = s.text().strip().toUpperCase(Locale.ROOT);
            if (!name.startsWith("CAP_")) {
                name = "CAP_" + name;
            }
            if (!CapabilitySet.KNOWN.contains(name)) {
                String suggestion = Suggestions.nearest(name, CapabilitySet.KNOWN).map(c -> " (did you mean '" + c + "'?)").orElse("");
                throw new ConfigException(s.at(), "'" + key + "': unknown capability '" + s.text() + "'" + suggestion);
            }
            if (!caps.contains(name)) {
                caps.add(name);
            }
        }
        return new CapabilitySet(null, List.copyOf(caps));
    };

}
