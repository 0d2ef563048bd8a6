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

    private static final long LOW_32_BITS = 0xffff_ffffL; // the kernel reads these arguments as int
    private static final long MSG_FASTOPEN = 0x2000_0000L;
    private static final int IPPROTO_TCP = 6, TCP_FASTOPEN_CONNECT = 30;
    private static final int SOL_SOCKET = 1, SO_BINDTODEVICE = 25, SO_BINDTOIFINDEX = 62;

    /**
     * Refused with restricted networking: a connection opened by the first data (TCP Fast Open,
     * {@code MSG_FASTOPEN} or {@code TCP_FASTOPEN_CONNECT}) without a connect() that vg holds, and
     * a socket bound to a network interface by name or index.
     */
    static final List<SeccompRule> EGRESS_DENIED = List.of(
            new SeccompRule("sendto", ACT_ERRNO | EPERM, List.of(new SeccompArg(3, SeccompArg.MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))),
            new SeccompRule("sendmsg", ACT_ERRNO | EPERM, List.of(new SeccompArg(2, SeccompArg.MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))),
            new SeccompRule("sendmmsg", ACT_ERRNO | EPERM, List.of(new SeccompArg(3, SeccompArg.MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))),
            socketOption(IPPROTO_TCP, TCP_FASTOPEN_CONNECT),
            socketOption(SOL_SOCKET, SO_BINDTODEVICE),
            socketOption(SOL_SOCKET, SO_BINDTOIFINDEX));

    /** The socket ioctls that show a network namespace's interfaces (SIOC* 0x89xx, wireless 0x8bxx), answered by vg. */
    private static final List<SeccompRule> SOCKET_IOCTLS_HELD = List.of(
            new SeccompRule("ioctl", ACT_NOTIFY, List.of(new SeccompArg(1, SeccompArg.MASKED_EQ, 0xffff_ff00L, 0x8900))),
            new SeccompRule("ioctl", ACT_NOTIFY, List.of(new SeccompArg(1, SeccompArg.MASKED_EQ, 0xffff_ff00L, 0x8b00))));

    private static SeccompRule socketOption(int level, int name) {
        return new SeccompRule("setsockopt", ACT_ERRNO | EPERM, List.of(
                new SeccompArg(1, SeccompArg.MASKED_EQ, LOW_32_BITS, level),
                new SeccompArg(2, SeccompArg.MASKED_EQ, LOW_32_BITS, name)));
    }

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

        /** Whether any rule of the profile names {@code syscall}. */
        public boolean mentions(String syscall) {
            return rules.stream().anyMatch(rule -> rule.syscall().equals(syscall));
        }

        private static boolean permits(int action) {
            return action == ACT_ALLOW || action == ACT_LOG;
        }
    }

    private record Compiled(byte[] program, boolean deniesKeyrings, boolean handoverSafe) {}

    /** The system calls of io_uring, whose operations seccomp never sees. */
    static final List<String> IO_URING_CALLS = List.of("io_uring_setup", "io_uring_enter", "io_uring_register");

    /**
     * Whether the profile, compiled for restricted networking, stops what a socket of vg's network
     * handed to the command could otherwise do unseen: io_uring, each call of {@link #EGRESS_DENIED}
     * refused either by vg's rule or by the profile itself, and no rule of the profile permitting an
     * ioctl that vg's {@link #SOCKET_IOCTLS_HELD} should hold.
     */
    private static boolean handoverSafe(Profile profile) {
        return IO_URING_CALLS.stream().allMatch(profile::denies)
                && (profile.denies("ioctl") || profile.rules().stream().noneMatch(
                        rule -> rule.syscall().equals("ioctl") && Profile.permits(rule.action())))
                && EGRESS_DENIED.stream().map(SeccompRule::syscall).allMatch(
                        call -> profile.denies(call) || (Profile.permits(profile.defaultAction()) && !profile.mentions(call)));
    }

    /** The compiled BPF program of a shipped profile name or a JSON file path. */
    public static byte[] compiled(String nameOrPath) throws SandboxException {
        return compile(nameOrPath).program();
    }

    /**
     * Whether a connection may be handed over to the command compiled with this profile for
     * restricted networking instead of relayed (see {@link #handoverSafe(Profile)}).
     */
    public static boolean handoverSafe(String nameOrPath) throws SandboxException {
        return compile(nameOrPath + EGRESS).handoverSafe();
    }

    /** Whether the profile stops every use of the kernel keyrings ({@link #KEYRING_CALLS}). */
    public static boolean deniesKeyrings(String nameOrPath) throws SandboxException {
        return compile(nameOrPath).deniesKeyrings();
    }

    /** The calls vg's egress decides on and makes itself (see {@code EgressSession}). */
    private static final List<String> HELD_CALLS = List.of("connect", "bind", "listen");

    /**
     * The profile with every connect(), bind() and listen() it permits held for vg's egress policy (a
     * user notification), for restricted networking; a profile that denies one keeps denying it.
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
        if (egress) {
            rules = new ArrayList<>(rules);
            for (String held : HELD_CALLS) {
                if (!profile.denies(held)) {
                    rules.removeIf(rule -> rule.syscall().equals(held));
                    rules.add(new SeccompRule(held, ACT_NOTIFY));
                }
            }
            if (!profile.denies("ioctl")) {
                rules.addAll(SOCKET_IOCTLS_HELD);
            }
            for (SeccompRule denied : EGRESS_DENIED) {
                // Only where nothing in the profile speaks of the call: libseccomp lets a rule without
                // arguments shadow one with arguments, and refuses a rule with the default's action.
                if (Profile.permits(profile.defaultAction()) && !profile.mentions(denied.syscall())) {
                    rules.add(denied);
                }
            }
        }
        try {
            Compiled compiled = new Compiled(NativeCore.compileSeccomp(rules, profile.defaultAction()),
                    KEYRING_CALLS.stream().allMatch(profile::denies), egress && handoverSafe(profile));
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
