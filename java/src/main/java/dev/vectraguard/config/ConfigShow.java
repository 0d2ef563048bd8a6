package dev.vectraguard.config;

import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.SecurityProfile;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code vg config show}: the effective configuration with the source of every value, as YAML text or JSON. */
public final class ConfigShow {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/.~][A-Za-z0-9_./~-]*");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
    private static final String CPU_LIMIT = "sandbox.cpu_limit";
    private static final List<String> RESERVED = List.of("true", "false", "null", "yes", "no", "on", "off", "~");

    private ConfigShow() {}

    /**
     * YAML that vg reads back to the same configuration, each value followed by {@code # default},
     * {@code # from FILE:LINE} or {@code # from env VAR}. Values derived from the security level stay
     * {@code null} (so they keep following it) and their comment names the effective value.
     */
    public static String text(LoadedConfig loaded) {
        StringBuilder out = new StringBuilder();
        out.append("# effective vg configuration");
        if (!loaded.files().isEmpty()) {
            out.append("; files read, later ones win: ");
            out.append(String.join(", ", loaded.fileTrust().isEmpty() ? loaded.files().stream().map(Path::toString).toList()
                    : loaded.fileTrust().stream().map(t -> t.file() + " (" + fileLabel(t) + ")").toList()));
        }
        out.append('\n');
        String section = null;
        for (Setting s : loaded.settings().values()) {
            ConfigKey key = ConfigSchema.KEYS.get(s.key());
            String line;
            if (key.section().isEmpty()) {
                section = null;
                line = key.leaf() + ": " + yaml(plainValue(s));
            } else {
                if (!key.section().equals(section)) {
                    section = key.section();
                    out.append(section).append(":\n");
                }
                line = "  " + key.leaf() + ": " + yaml(plainValue(s));
            }
            out.append(line).repeat(' ', Math.max(1, 40 - line.length())).append("# ").append(sourceText(s));
            if (s.value() == null && derived(s.key())) {
                out.append(": ").append(yaml(effective(s, loaded.config())));
            }
            if (s.key().equals(CPU_LIMIT)) {
                out.append(s.value() == null ? " (from sandbox.security_level)" : "").append(": ").append(cpuMeaning(loaded));
            }
            String trust = trustOf(s, loaded);
            if (!trust.equals("trusted")) {
                out.append(" (").append(trust.equals("tightening") ? "tightens; file not approved" : trust).append(')');
            }
            out.append('\n');
            for (IgnoredSetting ignored : loaded.ignored()) {
                if (ignored.key().equals(s.key())) {
                    out.append("#   ignored: ").append(ignored.source()).append(" sets ").append(yaml(plain(ignored.value())))
                            .append(" (would loosen; file not approved)\n");
                }
            }
        }
        if (loaded.deploymentEnv() != null) {
            out.append("# ").append(DeploymentEnv.ENV_VAR).append('=').append(loaded.deploymentEnv().label()).append('\n');
        }
        return out.toString();
    }

    /**
     * {@code {"sandbox.mode":{"value":"always","source":"default","trust":"trusted"}, ...}} in schema order;
     * trust is trusted, approved or tightening (from a file that is not approved); a key with values
     * that were not applied also has {@code "ignored":[{"value":...,"source":"FILE:LINE","file":FILE}]}.
     */
    public static String json(LoadedConfig loaded) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Setting s : loaded.settings().values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("value", effective(s, loaded.config()));
            entry.put("source", sourceText(s));
            entry.put("trust", trustOf(s, loaded));
            List<Object> ignored = new ArrayList<>();
            for (IgnoredSetting i : loaded.ignored()) {
                if (i.key().equals(s.key())) {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("value", plain(i.value()));
                    item.put("source", i.source().toString());
                    item.put("file", i.source().path());
                    ignored.add(item);
                }
            }
            if (!ignored.isEmpty()) {
                entry.put("ignored", ignored);
            }
            if (s.key().equals(CPU_LIMIT)) {
                entry.put("applies", loaded.cpuQuota(level(loaded)) ? "quota" : "share");
                entry.put("cpus", cpus(loaded));
            }
            out.put(s.key(), entry);
        }
        return JsonMapping.writePretty(out);
    }

    /**
     * What the CPU figure does at the configured level: "share of 1 cpu under contention (cgroup
     * cpu.weight / cpu.shares), no hard quota" or "hard quota of 0.5 cpu (cgroup cpu.max / cfs_quota_us)".
     */
    private static String cpuMeaning(LoadedConfig loaded) {
        String cpus = new BigDecimal(Double.toString(cpus(loaded))).stripTrailingZeros().toPlainString();
        return loaded.cpuQuota(level(loaded))
                ? "hard quota of " + cpus + " cpu (cgroup cpu.max / cfs_quota_us), even on an idle machine"
                : "share of " + cpus + " cpu under contention (cgroup cpu.weight / cpu.shares), no hard quota";
    }

    /** {@code sandbox.cpu_limit}, else the configured level's CPU figure. */
    private static double cpus(LoadedConfig loaded) {
        Double configured = loaded.config().sandbox().cpuLimit();
        return configured != null ? configured : SecurityProfile.of(level(loaded)).cpuMillis() / 1000.0;
    }

    private static SecurityLevel level(LoadedConfig loaded) {
        return loaded.config().sandbox().securityLevel();
    }

    /** trusted (defaults, trusted files, environment), approved, or tightening (an unapproved file's stricter value). */
    private static String trustOf(Setting s, LoadedConfig loaded) {
        if (s.source() instanceof ConfigSource.File f) {
            ConfigFileTrust.Status status = loaded.trustOf(f.path());
            if (status == ConfigFileTrust.Status.APPROVED) {
                return "approved";
            }
            if (status == ConfigFileTrust.Status.UNTRUSTED) {
                return "tightening";
            }
        }
        return "trusted";
    }

    private static String fileLabel(ConfigFileTrust t) {
        return switch (t.status()) {
            case TRUSTED -> "trusted";
            case APPROVED -> "approved";
            case UNTRUSTED -> "not trusted, may only tighten: " + t.reason();
        };
    }

    private static String sourceText(Setting s) {
        if (s.source() instanceof ConfigSource.Default && s.value() == null && derived(s.key())) {
            return "default (from sandbox.security_level)";
        }
        if (s.source() instanceof ConfigSource.Default && s.key().equals("sandbox.cache_dir")) {
            return "default (~/.cache/vectra-guard)";
        }
        return s.source() instanceof ConfigSource.Default ? "default" : "from " + s.source();
    }

    private static boolean derived(String key) {
        return key.equals("sandbox.network_mode") || key.equals("sandbox.seccomp_profile");
    }

    /** The value as plain data (strings, numbers, booleans, lists), derived defaults filled in. */
    private static Object effective(Setting s, VgConfig config) {
        if (s.value() == null && s.key().equals("sandbox.network_mode")) {
            return plain(config.sandbox().effectiveNetworkMode());
        }
        if (s.value() == null && s.key().equals("sandbox.seccomp_profile")) {
            return plain(config.sandbox().effectiveSeccompProfile());
        }
        return plainValue(s);
    }

    private static Object plainValue(Setting s) {
        if (s.key().equals("sandbox.memory_limit") && s.value() instanceof Long bytes) {
            return ByteSizes.format(bytes);
        }
        return plain(s.value());
    }

    private static Object plain(Object value) {
        return switch (value) {
            case null -> null;
            case Boolean b -> b;
            case Number n -> n;
            case String s -> s;
            case Enum<?> e -> e.name().toLowerCase(Locale.ROOT);
            case Duration d -> Durations.format(d);
            case Path p -> p.toString();
            case BindMount b -> b.toString();
            case SeccompProfile p -> p.toString();
            case CapabilitySet c -> c.preset() != null ? c.preset() : plain(c.capabilities());
            case List<?> list -> {
                List<Object> items = new ArrayList<>();
                list.forEach(i -> items.add(plain(i)));
                yield items;
            }
            default -> value.toString();
        };
    }

    private static String yaml(Object value) {
        return switch (value) {
            case null -> "null";
            case List<?> list -> {
                List<String> items = new ArrayList<>();
                list.forEach(i -> items.add(yaml(i)));
                yield "[" + String.join(", ", items) + "]";
            }
            case String s -> PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT)) && !looksNumeric(s)
                    ? s : JsonMapping.write(s);
            default -> value.toString();
        };
    }

    /** Strings YAML would read as numbers (core schema), so they must be quoted to stay strings. */
    private static boolean looksNumeric(String s) {
        return NUMBER.matcher(s).matches();
    }
}
