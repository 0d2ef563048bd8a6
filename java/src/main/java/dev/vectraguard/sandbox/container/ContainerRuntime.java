package dev.vectraguard.sandbox.container;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.nativecore.ByteStrings;
import dev.vectraguard.sandbox.CallerAccount;
import dev.vectraguard.sandbox.CallerStdio;
import dev.vectraguard.sandbox.HostMounts;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.ResourceLimits;
import dev.vectraguard.sandbox.RunFiles;
import dev.vectraguard.sandbox.Runtime;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SeccompProfiles;
import dev.vectraguard.sandbox.SpecChecks;
import dev.vectraguard.sandbox.Stdio;
import dev.vectraguard.sandbox.WatchedProcess;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What docker and podman share: the command runs in a new container of {@code sandbox.image} (never
 * pulled: a missing image is refused), removed when it ends ({@code --rm}), when the timeout
 * expires, when vg kills it, and when vg dies ({@link EngineCleanup}).
 *
 * <p>What it gives at every level: the image's root filesystem, with {@code --read-only} at strict and
 * paranoid (a throwaway container layer at permissive and balanced); the workspace, the caches
 * (read-only: no append-only layer) and the bind mounts at their host paths, the project config
 * read-only, the credential paths inside them hidden; a private /tmp, /var/tmp, /dev/shm and home
 * in memory bounded by the level's scratch size; only the spec's environment (the engine adds
 * {@code HOSTNAME}, docker the image's own {@code ENV} that the spec does not set); the command, never
 * the image's entrypoint; the caller's uid:gid ({@code --user}); every capability dropped,
 * {@code no-new-privileges}, vg's seccomp profile for the level; an init as pid 1 that forwards
 * signals ({@code --init}); {@code --pids-limit}, {@code --memory} (no swap) and a CPU share, or
 * {@code --cpus} where the limits ask for a hard quota; network none, or the engine's own network
 * for full. Restricted networking it cannot give (vg's egress policy lives in the native sandbox):
 * refused, or with {@code sandbox.allow_weaker_fallback} the engine's full network, with a notice.
 * Limits the engine cannot set for this user (rootless podman on cgroup v1) are refused the same
 * way, or with {@code sandbox.allow_weaker_fallback} left out, with a notice.
 */
public abstract sealed class ContainerRuntime implements Runtime permits DockerRuntime, PodmanRuntime {
    /** The upstream default of {@code sandbox.image}. */
    public static final String DEFAULT_IMAGE = "ubuntu:22.04";
    private static final int SIGKILL = 9;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Map<String, Optional<String>> UNUSABLE = new ConcurrentHashMap<>();
    private static final Set<String> PRESENT_IMAGES = ConcurrentHashMap.newKeySet();
    /**
     * Proxy variables an engine adds on its own: docker those of its config.json's {@code proxies},
     * podman those of its own environment. They pass as {@code --env NAME}, which the client takes from
     * its own environment, where vg puts the sandbox's values of them and no other: the engine adds none.
     */
    private static final List<String> PROXY_VARIABLES = List.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
            "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");

    private final String image;

    ContainerRuntime(String image) {
        this.image = image == null || image.isBlank() ? DEFAULT_IMAGE : image;
    }

    /** The image the containers start from. */
    public String image() {
        return image;
    }

    /** The engine's client executable name (docker, podman). */
    abstract String executableName();

    /** The Debian/Fedora package that installs the engine, for messages. */
    abstract String packageHint();

    /** Asks the engine whether this user can run containers (a few tens of ms); empty when it can. */
    abstract Optional<String> probe(Path executable, EngineEnvironment environment);

    /** Engine-specific options of {@code run}, after the common ones. */
    abstract List<String> engineOptions(int[] ids, ResourceLimits limits) throws SandboxException;

    /** Why the engine cannot set memory, cpu and pids limits for this user; empty when it can. */
    Optional<String> limitsUnavailable() {
        return Optional.empty();
    }

    /** Whether an {@code image inspect} failure says the image is missing (rather than the engine failing). */
    abstract boolean imageMissing(String output);

    /** The engine's client, when installed. */
    public Optional<Path> executable() {
        return EngineCommand.find(executableName());
    }

    @Override
    public Optional<String> version() {
        return executable().map(engine -> {
            EngineCommand result = EngineCommand.run(List.of(engine.toString(), "--version"), EngineEnvironment.ofCaller(), 10);
            return result.ok() ? result.firstLine() : engine.toString();
        });
    }

    /**
     * Not installed, the engine refuses this user (daemon unreachable, no access to its socket...), or
     * the image is not there; asked once per JVM.
     */
    @Override
    public Optional<String> unavailableReason() {
        Optional<Path> engine = executable();
        if (engine.isEmpty()) {
            return Optional.of(executableName() + " is not installed (" + packageHint() + ")");
        }
        EngineEnvironment environment = EngineEnvironment.ofCaller();
        Optional<String> unusable = UNUSABLE.computeIfAbsent(name() + " " + environment.key(),
                key -> probe(engine.get(), environment));
        if (unusable.isPresent()) {
            return unusable;
        }
        try {
            requireImage(engine.get(), environment);
            return Optional.empty();
        } catch (SandboxException e) {
            return Optional.of(e.getMessage().replaceFirst("^runtime " + name() + ": ", ""));
        }
    }

    @Override
    public Optional<String> shortfall(SandboxSpec spec) {
        List<String> missing = new ArrayList<>();
        if (spec.network() == NetworkMode.RESTRICTED) {
            missing.add("restricted networking (vg's egress policy needs the native runtime)");
        }
        limitsUnavailable().ifPresent(why -> missing.add("memory, cpu and pids limits (" + why + ")"));
        return missing.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", missing));
    }

    @Override
    public void check(SandboxSpec spec) throws SandboxException {
        SpecChecks.check(spec);
        refuseShortfall(spec);
    }

    private void refuseShortfall(SandboxSpec spec) throws SandboxException {
        Optional<String> missing = shortfall(spec);
        if (missing.isPresent() && !spec.allowWeakerFallback()) {
            throw new SandboxException("runtime " + name() + " cannot give " + missing.get() + ": "
                    + (spec.network() == NetworkMode.RESTRICTED ? "use --network none (or sandbox.network_mode: none), the "
                    + "native runtime, or set sandbox.allow_weaker_fallback: true to run with the engine's full network instead"
                    : "use the native runtime, or set sandbox.allow_weaker_fallback: true to run without them"));
        }
    }

    @Override
    public SandboxProcess start(SandboxSpec spec) throws SandboxException {
        Path engine = executable().orElseThrow(() -> new SandboxException("runtime " + name() + ": " + executableName()
                + " is not installed (" + packageHint() + ")"));
        if (spec.command().getFirst().isEmpty()) {
            throw new SandboxException("the command name is empty: nothing to run", SandboxException.NOT_FOUND);
        }
        SpecChecks.check(spec);
        refuseShortfall(spec);
        List<String> notices = new ArrayList<>();
        NetworkMode network = spec.network();
        if (network == NetworkMode.RESTRICTED) {
            notices.add("network full instead of restricted (" + name() + " has no egress policy: private ranges and the "
                    + "host's network are reachable)");
            network = NetworkMode.FULL;
        }
        if (!spec.cacheDirs().isEmpty()) {
            notices.add("caches read-only (" + name() + ")");
        }
        for (String word : spec.command()) {
            requireUtf8("argument '" + word + "'", word);
        }
        EngineEnvironment engineEnvironment = EngineEnvironment.ofCaller();
        requireImage(engine, engineEnvironment);
        HostMounts.Plan plan = HostMounts.of(spec);
        int[] ids = callerIds();
        Path home = CallerAccount.homeDirectory(spec.environment());
        Map<String, String> environment = new TreeMap<>(spec.environment());
        environment.put("HOME", home.toString());

        String name = "vg-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-"
                + Long.toHexString(System.nanoTime() & 0xffffff);
        ResourceLimits limits = spec.limits();
        Optional<String> limitsMissing = limitsUnavailable();
        limitsMissing.ifPresent(why -> notices.add("no memory, cpu or pids limit (" + why + ")"));
        List<String> args = new ArrayList<>();
        EngineCommand.find("setsid").ifPresent(setsid -> args.add(setsid.toString())); // terminal signals reach vg only
        args.addAll(List.of(engine.toString(), "run", "--rm", "--pull=never", "--init", "--name", name,
                "--label", EngineCleanup.OWNER_LABEL + "=" + EngineCleanup.OWNER, "--hostname", "vg-sandbox",
                "--user", ids[0] + ":" + ids[1], "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--shm-size", Long.toString(scratch(limits, 8))));
        if (limitsMissing.isEmpty()) {
            args.addAll(List.of("--pids-limit", Integer.toString(limits.pids()), "--memory", Long.toString(limits.memoryBytes()),
                    "--memory-swap", Long.toString(limits.memoryBytes())));
            if (limits.cpuQuota()) {
                args.addAll(List.of("--cpus", String.format(Locale.ROOT, "%.3f", limits.cpuMillis() / 1000.0)));
            } else {
                args.addAll(List.of("--cpu-shares", Long.toString(Math.clamp(limits.cpuMillis() * 1024L / 1000, 2, 262_144))));
            }
        }
        if (network == NetworkMode.NONE) {
            args.addAll(List.of("--network", "none"));
        }
        if (!spec.profile().throwawayRoot()) {
            args.add("--read-only");
        }
        args.addAll(tmpfs("/tmp", scratch(limits, 2), "1777"));
        args.addAll(tmpfs("/var/tmp", scratch(limits, 8), "1777"));
        if (home.getNameCount() > 0 && !home.equals(Path.of("/tmp")) && !home.equals(Path.of("/var/tmp"))) {
            args.addAll(tmpfs(home.toString(), scratch(limits, 8), "1777"));
        }
        for (HostMounts.HostMount mount : plan.mounts()) {
            args.addAll(mount(mount));
        }
        args.addAll(List.of("--workdir", plan.cwd()));
        args.addAll(engineOptions(ids, limits));
        Caller caller = Caller.current();
        CallerStdio stdio = CallerStdio.of(spec);
        boolean terminal = spec.stdin() == Stdio.INHERIT && spec.stdout() == Stdio.INHERIT && !stdio.copies(0)
                && !stdio.copies(1) && isTerminal(caller.stdinFd()) && isTerminal(caller.stdoutFd());
        if (spec.stdin() != Stdio.DISCARD) {
            args.add("-i");
        }
        if (terminal) {
            args.add("-t");
        }
        Path envFile = null;
        Path seccompFile = null;
        try {
            Map<String, String> proxies = new TreeMap<>();
            Map<String, String> fileEnvironment = new TreeMap<>(environment);
            for (String proxy : PROXY_VARIABLES) {
                String value = fileEnvironment.remove(proxy);
                if (value != null) {
                    requireUtf8("variable " + proxy, value);
                    proxies.put(proxy, value);
                }
                args.addAll(List.of("--env", proxy));
            }
            envFile = writePrivate("vg-env-", envFileText(fileEnvironment, notices));
            seccompFile = writePrivate("vg-seccomp-", SeccompProfiles.json(spec.seccompProfile()));
            // No entrypoint of the image's: it would run in place of the command, with the command as its arguments.
            args.addAll(List.of("--env-file", envFile.toString(), "--security-opt", "seccomp=" + seccompFile, "--entrypoint=",
                    "--", image));
            args.addAll(spec.command());
            try {
                EngineCleanup.starting(engine, engineEnvironment);
            } catch (IllegalStateException e) {
                EngineCleanup.removed();
                throw new SandboxException("sandbox setup failed: " + e.getMessage());
            }
            ProcessBuilder builder = engineEnvironment.applyTo(new ProcessBuilder(args)).directory(new File("/"));
            PROXY_VARIABLES.forEach(builder.environment()::remove);
            builder.environment().putAll(proxies);
            Process process;
            try {
                process = stdio.applyTo(builder).start();
            } catch (IOException e) {
                EngineCleanup.removed();
                throw new SandboxException("sandbox setup failed: cannot start " + engine + ": " + e.getMessage());
            }
            String description = limitsMissing.isPresent() ? name() + ": no limits"
                    : name() + ": memory " + limits.memoryBytes() / (1024 * 1024) + " MiB, "
                    + (limits.cpuQuota() ? "cpu quota " + limits.cpuMillis() / 1000.0 : "cpu share " + limits.cpuMillis() / 1000.0)
                    + ", pids " + limits.pids();
            return SandboxProcess.ofEngine(stdio.watch(new Container(engine, engineEnvironment, name, process, terminal,
                    List.of(envFile, seccompFile))), limits,
                    description, spec.timeout().orElse(null),
                    spec.stdin() == Stdio.PIPE ? process.getOutputStream() : null,
                    spec.stdout() == Stdio.PIPE ? process.getInputStream() : null,
                    spec.stderr() == Stdio.PIPE ? process.getErrorStream() : null, notices);
        } catch (SandboxException | RuntimeException e) {
            deleteQuietly(envFile);
            deleteQuietly(seccompFile);
            stdio.discard();
            throw e;
        }
    }

    /** Refuses a missing image with one line (vg never pulls: {@code --pull=never}); asked once per image and JVM. */
    private void requireImage(Path engine, EngineEnvironment environment) throws SandboxException {
        String known = name() + " " + environment.key() + " " + image;
        if (PRESENT_IMAGES.contains(known)) {
            return;
        }
        EngineCommand inspect = EngineCommand.run(List.of(engine.toString(), "image", "inspect", "--format", "{{.Id}}", image),
                environment, 60);
        if (inspect.ok()) {
            PRESENT_IMAGES.add(known);
            return;
        }
        if (imageMissing(inspect.output())) {
            throw new SandboxException("runtime " + name() + ": image " + image + " is not present, and vg never pulls one: "
                    + executableName() + " pull " + image + " (or set sandbox.image to an image you have)");
        }
        throw new SandboxException("runtime " + name() + " unavailable: " + inspect.firstLine());
    }

    /** A fraction (1/{@code part}) of the level's scratch bound: /tmp half, /var/tmp, home and /dev/shm an eighth each. */
    private static long scratch(ResourceLimits limits, int part) {
        return Math.max(limits.scratchBytes() / part, 1 << 20);
    }

    private static List<String> tmpfs(String target, long bytes, String mode) throws SandboxException {
        requireMountable(target);
        return List.of("--mount", "type=tmpfs,destination=" + target + ",tmpfs-size=" + bytes + ",tmpfs-mode=" + mode);
    }

    private static List<String> mount(HostMounts.HostMount mount) throws SandboxException {
        requireMountable(mount.target());
        if (mount.hides()) {
            return mount.directory()
                    ? List.of("--mount", "type=tmpfs,destination=" + mount.target() + ",tmpfs-size=4096,tmpfs-mode=0")
                    : List.of("--mount", "type=bind,source=/dev/null,destination=" + mount.target() + ",readonly");
        }
        requireMountable(mount.source());
        return List.of("--mount", "type=bind,source=" + mount.source() + ",destination=" + mount.target()
                + (mount.readOnly() ? ",readonly" : ""));
    }

    /** {@code --mount} is a comma-separated list: a path with a comma, quote or line break cannot be named in it. */
    private static void requireMountable(String path) throws SandboxException {
        if (path.contains(",") || path.contains("\"") || path.contains("\n") || ByteStrings.hasEscapedBytes(path)) {
            throw new SandboxException("container runtimes cannot mount " + path + ": a comma, quote, line break or non-UTF-8 "
                    + "byte in the path; use the native runtime or rename it");
        }
    }

    /** The environment as an env file (values are taken as written); a value with a line break cannot be, and is left out. */
    private String envFileText(Map<String, String> environment, List<String> notices) throws SandboxException {
        StringBuilder text = new StringBuilder();
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            requireUtf8("variable " + variable.getKey(), variable.getKey() + variable.getValue());
            if (variable.getValue().contains("\n") || variable.getValue().contains("\r")) {
                dropped.add(variable.getKey());
                continue;
            }
            text.append(variable.getKey()).append('=').append(variable.getValue()).append('\n');
        }
        if (!dropped.isEmpty()) {
            notices.add("left out variables whose values hold a line break (an env file cannot pass them): "
                    + String.join(", ", dropped));
        }
        return text.toString();
    }

    private void requireUtf8(String what, String value) throws SandboxException {
        if (ByteStrings.hasEscapedBytes(value)) {
            throw new SandboxException("runtime " + name() + ": " + what + " is not valid UTF-8; only the native runtime "
                    + "passes such bytes unchanged");
        }
    }

    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The caller's real uid and gid (owner of /proc/self). */
    static int[] callerIds() throws SandboxException {
        try {
            Path self = Path.of("/proc/self");
            return new int[] {(Integer) Files.getAttribute(self, "unix:uid"), (Integer) Files.getAttribute(self, "unix:gid")};
        } catch (IOException | UnsupportedOperationException e) {
            throw new SandboxException("cannot read the caller's uid/gid: " + e.getMessage());
        }
    }

    private static Path writePrivate(String prefix, String content) throws SandboxException {
        try {
            return RunFiles.write(prefix, content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SandboxException("sandbox setup failed: cannot write a temporary file: " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a private temporary file vg could not remove: nothing depends on it
            }
        }
    }

    /**
     * The engine's client, attached to the container: its exit is the container's exit code (125, 126,
     * 127 for the engine's own failures). SIGKILL removes the container ({@code rm -f}, which kills
     * everything in it); other signals go to the command through the container's init. The client can
     * end before its container: detached from a terminal by the engine's detach keys (ctrl-p ctrl-q),
     * or killed by a signal; the container then runs on, so vg removes it and says so.
     */
    private static final class Container implements WatchedProcess {
        private final Path engine;
        private final EngineEnvironment environment;
        private final String name;
        private final Process client;
        private final boolean detachable;
        private final List<Path> files;
        private volatile boolean removed;
        private boolean released;

        /** @param detachable whether the client has a terminal, where the engine's detach keys work */
        Container(Path engine, EngineEnvironment environment, String name, Process client, boolean detachable,
                  List<Path> files) {
            this.engine = engine;
            this.environment = environment;
            this.name = name;
            this.client = client;
            this.detachable = detachable;
            this.files = files;
        }

        @Override
        public int pid() {
            return (int) client.pid();
        }

        @Override
        public OptionalInt waitFor(int timeoutMillis) throws SandboxException {
            OptionalInt status = WatchedProcess.waitFor(client, timeoutMillis);
            // A client that ended normally leaves no container (--rm): asked only where it may not have.
            if (status.isPresent() && !removed && (detachable || status.getAsInt() >= 128)) {
                removed = true;
                removeLeftContainer(status.getAsInt());
            }
            return status;
        }

        private void removeLeftContainer(int status) throws SandboxException {
            EngineCommand running = EngineCommand.run(List.of(engine.toString(), "container", "inspect", "--format",
                    "{{.State.Running}}", name), environment, 30);
            if (!running.ok()) {
                return;
            }
            EngineCommand.run(List.of(engine.toString(), "rm", "-f", name), environment, 60);
            if (running.output().strip().equals("true")) {
                throw new SandboxException("the " + engine.getFileName() + " client ended (status " + status
                        + ") while container " + name + " still ran (detached by the engine's detach keys, ctrl-p ctrl-q, "
                        + "or the client was killed): vg removed the container and the command with it");
            }
        }

        @Override
        public void kill(int signal) {
            if (signal == SIGKILL) {
                removed = true;
                EngineCommand.run(List.of(engine.toString(), "rm", "-f", name), environment, 60);
                client.destroyForcibly();
                return;
            }
            EngineCommand result = EngineCommand.run(List.of(engine.toString(), "kill", "--signal=" + signal, name), environment, 30);
            if (!result.ok() && client.isAlive() && !result.output().contains("is not running")) {
                kill(SIGKILL); // not created yet, or the engine cannot deliver it: vg was told to stop the command
            }
        }

        @Override
        public synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            if (client.isAlive()) {
                client.destroyForcibly();
            }
            files.forEach(ContainerRuntime::deleteQuietly);
            EngineCleanup.removed();
        }
    }
}
