package dev.vectraguard.config;

import dev.vectraguard.policy.GuardLevel;
import dev.vectraguard.policy.SandboxMode;
import dev.vectraguard.sandbox.Capability;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.SecurityProfile;
import dev.vectraguard.sandbox.ToolConfigMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a value from an untrusted config file tightens the policy that trusted sources set. Each
 * key has its own comparator; a key without one (today {@code sandbox.runtime}, {@code sandbox.image},
 * {@code sandbox.workspace_dir}, {@code sandbox.cache_dir}, {@code sandbox.trust_store_path}, {@code state_dir}, and every key added later until someone writes
 * its comparator) can only be set to the value it already has.
 */
final class Tightening {
    enum Verdict { TIGHTER, SAME, LOOSER }

    /** Lists an untrusted file adds to instead of replacing: every entry only makes the policy stricter. */
    static final Set<String> ADDITIVE = Set.of("policies.denylist", "policies.protected_directories", "env_protection.protected_vars",
            "production_indicators.branches", "production_indicators.hosts", "production_indicators.keywords",
            "sandbox.denied_domains");

    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    private Tightening() {}

    /** {@code base}'s list for an {@link #ADDITIVE} key with the candidate's new entries appended. */
    static List<Object> union(Object base, Object candidate) {
        Set<Object> merged = new LinkedHashSet<>((Collection<?>) base);
        merged.addAll((Collection<?>) candidate);
        return List.copyOf(merged);
    }

    /** How {@code candidate} for {@code key} compares with the effective value in {@code base}. */
    static Verdict compare(String key, Object candidate, Map<String, Setting> base) {
        Object current = base.get(key).value();
        SecurityLevel level = (SecurityLevel) base.get("sandbox.security_level").value();
        SecurityProfile profile = SecurityProfile.of(level);
        return switch (key) {
            case "guard_level.level" -> guardLevel((GuardLevel) candidate, (GuardLevel) current);
            case "sandbox.enabled", "env_protection.enabled", "metrics.enabled", "sandbox.log_output" -> trueIsTighter(candidate, current);
            case "sandbox.enable_cache", "sandbox.allow_weaker_fallback", "sandbox.allow_network", "sandbox.use_overlayfs" ->
                    trueIsTighter(current, candidate);
            case "sandbox.mode" -> higherIsTighter(-((SandboxMode) candidate).ordinal(), -((SandboxMode) current).ordinal());
            case "sandbox.security_level" -> higherIsTighter(((SecurityLevel) candidate).ordinal(), ((SecurityLevel) current).ordinal());
            case "sandbox.network_mode" -> higherIsTighter(-network(candidate, level).ordinal(), -network(current, level).ordinal());
            case "sandbox.seccomp_profile" -> seccomp(seccomp(candidate, level), seccomp(current, level));
            case "sandbox.capability_set" -> subset(candidate == null ? profile.capabilities() : capabilities(candidate),
                    base.get(key).source() instanceof ConfigSource.Default || current == null ? profile.capabilities() : capabilities(current));
            case "sandbox.allowed_domains" -> domainPatterns(asStrings(candidate), asStrings(current));
            case "sandbox.allow_private_networks" -> subset(asText(candidate), asText(current));
            case "sandbox.timeout" -> lowerIsTighter(unlimitedIfZero((Duration) candidate), unlimitedIfZero((Duration) current));
            case "trust.default_duration" -> lowerIsTighter(foreverIfNull((Duration) candidate), foreverIfNull((Duration) current));
            case "sandbox.memory_limit" -> lowerIsTighter(orDefault((Long) candidate, profile.memoryBytes()),
                    orDefault((Long) current, profile.memoryBytes()));
            case "sandbox.cpu_limit" -> lowerIsTighter(orDefault((Double) candidate, profile.cpuMillis() / 1000.0),
                    orDefault((Double) current, profile.cpuMillis() / 1000.0));
            case "sandbox.pids_limit" -> lowerIsTighter(orDefault((Integer) candidate, profile.pids()),
                    orDefault((Integer) current, profile.pids()));
            case "policies.allowlist", "sandbox.cache_dirs", "sandbox.bind_mounts" ->
                    subset(new HashSet<>((List<?>) candidate), new HashSet<>((List<?>) current));
            case "sandbox.env_whitelist" -> envPatterns(asStrings(candidate), asStrings(current));
            case "sandbox.tool_config" -> lowerIsTighter((ToolConfigMode) candidate, (ToolConfigMode) current);
            case "logging.format" -> Objects.equals(candidate, current) ? Verdict.SAME : Verdict.TIGHTER;
            default -> Objects.equals(candidate, current) ? Verdict.SAME : Verdict.LOOSER;
        };
    }

    /**
     * Over a concrete trusted level, a level at least as strict (auto counts as medium, its weakest
     * result). Over a trusted {@code auto}, medium and up: such a level is a floor, the result of
     * {@code auto} still wins when it is stricter.
     */
    private static Verdict guardLevel(GuardLevel candidate, GuardLevel current) {
        if (candidate == current) {
            return Verdict.SAME;
        }
        int floor = GuardLevel.MEDIUM.ordinal();
        if (current == GuardLevel.AUTO) {
            return candidate.ordinal() >= floor ? Verdict.TIGHTER : Verdict.LOOSER;
        }
        int wanted = candidate == GuardLevel.AUTO ? floor : candidate.ordinal();
        return higherIsTighter(wanted, current.ordinal());
    }

    private static Verdict trueIsTighter(Object candidate, Object current) {
        return candidate.equals(current) ? Verdict.SAME : (Boolean) candidate ? Verdict.TIGHTER : Verdict.LOOSER;
    }

    private static Verdict higherIsTighter(int candidate, int current) {
        return candidate == current ? Verdict.SAME : candidate > current ? Verdict.TIGHTER : Verdict.LOOSER;
    }

    private static <T extends Comparable<T>> Verdict lowerIsTighter(T candidate, T current) {
        int c = candidate.compareTo(current);
        return c == 0 ? Verdict.SAME : c < 0 ? Verdict.TIGHTER : Verdict.LOOSER;
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static Duration unlimitedIfZero(Duration d) {
        return d == null || d.isZero() ? FOREVER : d;
    }

    private static Duration foreverIfNull(Duration d) {
        return d == null ? FOREVER : d;
    }

    private static NetworkMode network(Object value, SecurityLevel level) {
        return value != null ? (NetworkMode) value : SandboxConfig.networkFor(level);
    }

    private static SeccompProfile seccomp(Object value, SecurityLevel level) {
        return value != null ? (SeccompProfile) value : SandboxConfig.seccompFor(level);
    }

    /** Only built-in profiles are ranked (minimal < moderate < strict); a profile file is never taken from an untrusted file. */
    private static Verdict seccomp(SeccompProfile candidate, SeccompProfile current) {
        if (candidate.equals(current)) {
            return Verdict.SAME;
        }
        if (candidate.builtin() == null || current.builtin() == null) {
            return Verdict.LOOSER;
        }
        return higherIsTighter(SeccompProfile.BUILTINS.indexOf(candidate.builtin()), SeccompProfile.BUILTINS.indexOf(current.builtin()));
    }

    private static Set<Capability> capabilities(Object value) {
        Set<Capability> set = new HashSet<>();
        for (String name : ((CapabilitySet) value).expand()) {
            set.add(Capability.named(name));
        }
        return set;
    }

    private static <T> Verdict subset(Set<T> candidate, Set<T> current) {
        return candidate.equals(current) ? Verdict.SAME : current.containsAll(candidate) ? Verdict.TIGHTER : Verdict.LOOSER;
    }

    /** Each candidate pattern must be a trusted pattern, or a plain name a trusted pattern matches. */
    private static Verdict envPatterns(List<String> candidate, List<String> current) {
        if (new HashSet<>(candidate).equals(new HashSet<>(current))) {
            return Verdict.SAME;
        }
        for (String pattern : candidate) {
            boolean covered = current.contains(pattern)
                    || pattern.indexOf('*') < 0 && Globs.matchesAny(current, pattern);
            if (!covered) {
                return Verdict.LOOSER;
            }
        }
        return Verdict.TIGHTER;
    }

    /**
     * An empty allowlist means any public domain, so any list narrows it; otherwise each candidate
     * pattern must be a trusted pattern, or a plain name a trusted pattern matches.
     */
    private static Verdict domainPatterns(List<String> candidate, List<String> current) {
        if (new HashSet<>(candidate).equals(new HashSet<>(current))) {
            return Verdict.SAME;
        }
        if (candidate.isEmpty()) {
            return Verdict.LOOSER;
        }
        return current.isEmpty() ? Verdict.TIGHTER : envPatterns(candidate, current);
    }

    /** Values compared by their text (CIDRs hold arrays, whose equality is identity). */
    private static Set<String> asText(Object list) {
        Set<String> out = new HashSet<>();
        for (Object o : (List<?>) list) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static List<String> asStrings(Object list) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add((String) o);
        }
        return out;
    }
}
