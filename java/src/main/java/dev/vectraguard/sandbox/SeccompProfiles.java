package dev.vectraguard.sandbox;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.json.JsonException;
import dev.vectraguard.json.JsonKeys;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.nativecore.SeccompArg;
import dev.vectraguard.nativecore.SeccompRule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Seccomp profiles in the OCI/Docker JSON format: the shipped ones by name (minimal, moderate,
 * strict) or a user's file by path, compiled to BPF by the C core.
 */
public final class SeccompProfiles {
    public static final List<String> SHIPPED = List.of("minimal", "moderate", "strict");

    private static final int ACT_ALLOW = 0x7fff0000;
    private static final int ACT_ERRNO = 0x00050000;
    private static final int ACT_KILL_THREAD = 0x00000000;
    private static final int ACT_KILL_PROCESS = 0x80000000;
    private static final int ACT_TRAP = 0x00030000;
    private static final int ACT_LOG = 0x7ffc0000;
    private static final int ACT_NOTIFY = 0x7fc00000;
    private static final int EPERM = 1;
    /** Cache key suffix of a profile compiled for restricted networking. */
    private static final String EGRESS = "\0egress";

    /** The system calls of the kernel keyrings, whose keys a user namespace keeps after its processes end. */
    static final List<String> KEYRING_CALLS = List.of("keyctl", "add_key", "request_key");

    private static final Map<String, Compiled> COMPILED = new ConcurrentHashMap<>();

    private SeccompProfiles() {}

    /** A parsed profile: default action and rules. */
    public record Profile(String source, int defaultAction, List<SeccompRule> rules) {
        /** Whether every call of {@code syscall} is stopped (errno, trap or kill), whatever its arguments. */
        public boolean denies(String syscall) {
            boolean unconditionalDeny = false;
            for (SeccompRule rule : rules) {
                if (rule.syscall().equals(syscall)) {
                    if (permits(rule.action())) {
                        return false;
                    }
                    unconditionalDeny |= rule.args().isEmpty();
                }
            }
            return unconditionalDeny || !permits(defaultAction);
        }

        private static boolean permits(int action) {
            return action == ACT_ALLOW || action == ACT_LOG;
        }
    }

    private record Compiled(byte[] program, boolean deniesKeyrings) {}

    /** The compiled BPF program of a shipped profile name or a JSON file path. */
    public static byte[] compiled(String nameOrPath) throws SandboxException {
        return compile(nameOrPath).program();
    }

    /** Whether the profile stops every use of the kernel keyrings ({@link #KEYRING_CALLS}). */
    static boolean deniesKeyrings(String nameOrPath) throws SandboxException {
        return compile(nameOrPath).deniesKeyrings();
    }

    /**
     * The profile with every connect() it permits held for vg's egress policy (a user notification),
     * for restricted networking; a profile that denies connect() keeps denying it.
     */
    public static byte[] compiledForEgress(String nameOrPath) throws SandboxException {
        return compile(nameOrPath + EGRESS).program();
    }

    private static Compiled compile(String key) throws SandboxException {
        Compiled cached = COMPILED.get(key);
        if (cached != null) {
            return cached;
        }
        boolean egress = key.endsWith(EGRESS);
        Profile profile = load(egress ? key.substring(0, key.length() - EGRESS.length()) : key);
        List<SeccompRule> rules = profile.rules();
        if (egress && !profile.denies("connect")) {
            rules = new ArrayList<>(rules.stream().filter(rule -> !rule.syscall().equals("connect")).toList());
            rules.add(new SeccompRule("connect", ACT_NOTIFY));
        }
        try {
            Compiled compiled = new Compiled(NativeCore.compileSeccomp(rules, profile.defaultAction()),
                    KEYRING_CALLS.stream().allMatch(profile::denies));
            COMPILED.put(key, compiled);
            return compiled;
        } catch (NativeCoreException e) {
            throw new SandboxException("seccomp profile " + profile.source() + ": " + e.getMessage());
        }
    }

    /** The profile's JSON text (OCI/Docker format), as a container engine takes it; checked as {@link #load} does. */
    public static String json(String nameOrPath) throws SandboxException {
        load(nameOrPath);
        return source(nameOrPath).text();
    }

    public static Profile load(String nameOrPath) throws SandboxException {
        Source source = source(nameOrPath);
        return parse(source.name(), source.text());
    }

    private record Source(String name, String text) {}

    /** A shipped profile's text (from vg.share.dir or the jar), else the file's (relative to the caller's directory). */
    private static Source source(String nameOrPath) throws SandboxException {
        if (SHIPPED.contains(nameOrPath)) {
            try {
                String json = ShippedFiles.read("seccomp", nameOrPath + ".json").orElseThrow(() -> new SandboxException(
                        "seccomp profile " + nameOrPath + " is missing from the vg jar (/dev/vectraguard/seccomp/" + nameOrPath + ".json)"));
                return new Source(nameOrPath, json);
            } catch (IOException e) {
                throw new SandboxException("cannot read seccomp profile " + nameOrPath + ": " + e.getMessage());
            }
        }
        Path file = Caller.isRemote() ? Caller.current().resolve(Path.of(nameOrPath)) : Path.of(nameOrPath);
        try {
            return new Source(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new SandboxException("cannot read seccomp profile " + file + " (not one of " + String.join(", ", SHIPPED)
                    + " and not a readable file)");
        }
    }

    /** The OCI/Docker profile format (keys vg does not use, such as archMap or comment, are skipped). */
    @JsonKeys(ignoreUnknown = true)
    record ProfileJson(String defaultAction, Integer defaultErrnoRet, List<SyscallJson> syscalls) {}

    @JsonKeys(ignoreUnknown = true)
    record SyscallJson(List<String> names, String action, Integer errnoRet, List<ArgJson> args) {}

    @JsonKeys(ignoreUnknown = true)
    record ArgJson(Long index, Long value, Long valueTwo, String op) {}

    static Profile parse(String source, String json) throws SandboxException {
        ProfileJson profile;
        try {
            profile = JsonMapping.read(json, ProfileJson.class);
        } catch (JsonException e) {
            throw new SandboxException("seccomp profile " + source + ": " + e.getMessage());
        }
        if (profile == null) {
            throw new SandboxException("seccomp profile " + source + ": top level must be an object");
        }
        int defaultAction = action(source, "defaultAction", required(profile.defaultAction(), "'defaultAction' must be a string", source),
                profile.defaultErrnoRet());
        List<SeccompRule> rules = new ArrayList<>();
        List<SyscallJson> syscalls = profile.syscalls() == null ? List.of() : profile.syscalls();
        for (int i = 0; i < syscalls.size(); i++) {
            String where = "syscalls[" + i + "]";
            SyscallJson entry = required(syscalls.get(i), where + " must be an object", source);
            int action = action(source, where + ".action", required(entry.action(), "'action' must be a string", source), entry.errnoRet());
            List<SeccompArg> args = args(source, where, entry.args());
            if (entry.names() == null || entry.names().isEmpty()) {
                throw new SandboxException("seccomp profile " + source + ": " + where + ".names must be a non-empty array");
            }
            for (String syscall : entry.names()) {
                rules.add(new SeccompRule(required(syscall, where + ".names must hold strings", source), action, args));
            }
        }
        return new Profile(source, defaultAction, List.copyOf(rules));
    }

    private static List<SeccompArg> args(String source, String where, List<ArgJson> list) throws SandboxException {
        if (list == null) {
            return List.of();
        }
        if (list.size() > 6) {
            throw new SandboxException("seccomp profile " + source + ": " + where + ".args must be an array of at most 6");
        }
        List<SeccompArg> args = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String argWhere = where + ".args[" + i + "]";
            ArgJson arg = required(list.get(i), argWhere + " must be an object", source);
            long index = required(arg.index(), argWhere + ".index must be a number", source);
            if (index < 0 || index > 5) {
                throw new SandboxException("seccomp profile " + source + ": " + argWhere + ".index must be 0..5");
            }
            long first = required(arg.value(), argWhere + ".value must be a number", source);
            long second = arg.valueTwo() == null ? 0 : arg.valueTwo();
            args.add(new SeccompArg((int) index, operator(source, argWhere, required(arg.op(), "'op' must be a string", source)), first, second));
        }
        return List.copyOf(args);
    }

    private static int operator(String source, String where, String op) throws SandboxException {
        return switch (op) {
            case "SCMP_CMP_NE" -> 1;
            case "SCMP_CMP_LT" -> 2;
            case "SCMP_CMP_LE" -> 3;
            case "SCMP_CMP_EQ" -> 4;
            case "SCMP_CMP_GE" -> 5;
            case "SCMP_CMP_GT" -> 6;
            case "SCMP_CMP_MASKED_EQ" -> 7;
            default -> throw new SandboxException("seccomp profile " + source + ": " + where + ".op '" + op
                    + "' is not one of SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ");
        };
    }

    private static int action(String source, String where, String action, Integer errnoRet) throws SandboxException {
        return switch (action) {
            case "SCMP_ACT_ALLOW" -> ACT_ALLOW;
            case "SCMP_ACT_ERRNO" -> ACT_ERRNO | (errnoRet != null ? (errnoRet & 0xffff) : EPERM);
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> ACT_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> ACT_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> ACT_TRAP;
            case "SCMP_ACT_LOG" -> ACT_LOG;
            default -> throw new SandboxException("seccomp profile " + source + ": " + where + " '" + action
                    + "' is not supported (use SCMP_ACT_ALLOW, _ERRNO, _KILL, _KILL_PROCESS, _TRAP or _LOG)");
        };
    }

    private static <T> T required(T value, String problem, String source) throws SandboxException {
        if (value == null) {
            throw new SandboxException("seccomp profile " + source + ": " + problem);
        }
        return value;
    }
}
