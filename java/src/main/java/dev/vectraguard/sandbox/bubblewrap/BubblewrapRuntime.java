package dev.vectraguard.sandbox.bubblewrap;

import dev.vectraguard.nativecore.ByteStrings;
import dev.vectraguard.nativecore.MountOp;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.nativecore.RLimit;
import dev.vectraguard.nativecore.vg_core_h;
import dev.vectraguard.sandbox.CacheLayers;
import dev.vectraguard.sandbox.CallerAccount;
import dev.vectraguard.sandbox.CallerStdio;
import dev.vectraguard.sandbox.MountPlanner;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.ResourceControl;
import dev.vectraguard.sandbox.RunFiles;
import dev.vectraguard.sandbox.Runtime;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SeccompProfiles;
import dev.vectraguard.sandbox.SpecChecks;
import dev.vectraguard.sandbox.Stdio;
import dev.vectraguard.sandbox.WatchedProcess;
import dev.vectraguard.sandbox.toolconfig.ToolConfigCopies;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs sandboxes with bubblewrap ({@code bwrap}), for machines where vg's own core cannot make its
 * namespaces but bubblewrap can (a setuid bwrap, or a distribution profile that allows it).
 *
 * <p>What it gives, at every level: new user, pid, ipc, uts and cgroup namespaces (and a network
 * namespace unless the network is full); the command runs as the caller's uid, and a root caller's
 * command as the unprivileged owner of the workspace (never root mapped to root); every capability
 * dropped, {@code no_new_privs}, a new session (no terminal injection), killed with vg
 * ({@code --die-with-parent}); vg's own compiled seccomp program for the level; the same mount plan
 * as the native runtime (workspace and caches at their host paths, empty home, credential paths and
 * root-only host files hidden, private /tmp, new /proc with /proc/sys read-only, minimal /dev);
 * only the spec's environment; every inherited descriptor but stdio closed; vg's cgroups (or
 * rlimits) for memory, cpu and pids; the timeout kills the whole sandbox.
 *
 * <p>What it does not give: the system directories are read-only at every level (no throwaway
 * overlay: stricter), the caches are read-only (no append-only layer), there is no Landlock (so
 * strict and paranoid are refused unless {@code sandbox.allow_weaker_fallback}) and no restricted
 * networking (refused: vg's egress relay lives in the native sandbox). The notice line says so.
 */
public final class BubblewrapRuntime implements Runtime {
    public static final String NAME = "bubblewrap";
    private static final List<String> BIN_DIRS = List.of("/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin");
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final int SIGKILL = 9;
    /** The launcher's descriptor of the first pinned bind source (3 is the seccomp program's). */
    private static final int FIRST_PINNED_FD = 4;
    /** How many descriptors /bin/sh (dash) can open: single-digit numbers only; bash takes more. */
    private static final int SH_PINNED_FDS = 10 - FIRST_PINNED_FD;
    private static final Map<Integer, String> PRLIMIT_OPTIONS = Map.of(2, "--data", 4, "--core", 6, "--nproc", 9, "--as",
            13, "--nice");
    private static volatile Optional<String> version;
    private static volatile Optional<String> unusable;

    @Override
    public String name() {
        return NAME;
    }

    /** The bwrap executable, when installed. */
    public static Optional<Path> executable() {
        return findBinary("bwrap");
    }

    @Override
    public Optional<String> version() {
        Optional<String> known = version;
        if (known == null) {
            known = executable().map(bwrap -> output(List.of(bwrap.toString(), "--version")).strip()).filter(v -> !v.isEmpty());
            version = known;
        }
        return known;
    }

    /** Not installed, or cannot make a sandbox for this user (tried once per JVM with {@code true}). */
    @Override
    public Optional<String> unavailableReason() {
        Optional<String> known = unusable;
        if (known == null) {
            known = probe();
            unusable = known;
        }
        return known;
    }

    private static Optional<String> probe() {
        Optional<Path> bwrap = executable();
        if (bwrap.isEmpty()) {
            return Optional.of("bwrap is not installed (package bubblewrap)");
        }
        try {
            Process process = new ProcessBuilder(bwrap.get().toString(), "--unshare-user", "--unshare-pid", "--unshare-net",
                    "--ro-bind", "/", "/", "--", "true").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("bwrap did not answer within 10 s");
            }
            return process.exitValue() == 0 ? Optional.empty()
                    : Optional.of("bwrap cannot make a sandbox here: " + (output.isEmpty() ? "exit " + process.exitValue()
                            : output.lines().findFirst().orElse("")));
        } catch (IOException e) {
            return Optional.of("bwrap cannot run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while trying bwrap");
        }
    }

    @Override
    public Optional<String> shortfall(SandboxSpec spec) {
        if (spec.network() == NetworkMode.RESTRICTED) {
            return Optional.of("restricted networking (vg's egress relay needs the native runtime)");
        }
        if (!spec.profile().throwawayRoot()) {
            return Optional.of("Landlock, which security level '" + spec.securityLevel().label() + "' needs");
        }
        return Optional.empty();
    }

    @Override
    public void check(SandboxSpec spec) throws SandboxException {
        SpecChecks.check(spec);
        refuseShortfall(spec);
    }

    private void refuseShortfall(SandboxSpec spec) throws SandboxException {
        if (spec.network() == NetworkMode.RESTRICTED) {
            throw new SandboxException("runtime bubblewrap cannot give restricted networking (vg's egress relay needs the "
                    + "native runtime): use --network none (or sandbox.network_mode: none), or the native runtime");
        }
        Optional<String> missing = shortfall(spec);
        if (missing.isPresent() && !spec.allowWeakerFallback()) {
            throw new SandboxException("runtime bubblewrap cannot give " + missing.get() + ": use the native runtime, or set "
                    + "sandbox.allow_weaker_fallback: true to run without it");
        }
    }

    @Override
    public SandboxProcess start(SandboxSpec spec) throws SandboxException {
        Path bwrap = executable().orElseThrow(() -> new SandboxException("runtime bubblewrap: bwrap is not installed "
                + "(package bubblewrap)"));
        if (spec.command().getFirst().isEmpty()) {
            throw new SandboxException("the command name is empty: nothing to run", SandboxException.NOT_FOUND);
        }
        SpecChecks.check(spec);
        refuseShortfall(spec);
        List<String> notices = new ArrayList<>();
        shortfall(spec).ifPresent(missing -> notices.add("without " + missing + " (bubblewrap)"));
        if (spec.throwawaySystem()) {
            notices.add("system directories read-only (bubblewrap)");
        }
        if (!spec.cacheDirs().isEmpty()) {
            notices.add("caches read-only (bubblewrap)");
        }
        if (spec.network() == NetworkMode.FULL) {
            // Without the host's network the sandbox's own network namespace separates abstract sockets.
            notices.add("with the host's network the command can reach the host's abstract unix sockets (bubblewrap has "
                    + "no Landlock to scope them)");
        }
        for (String word : spec.command()) {
            requireUtf8("argument '" + word + "'", word);
        }
        Map<String, String> environment = new TreeMap<>(spec.environment());
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            requireUtf8("variable " + variable.getKey(), variable.getKey() + variable.getValue());
        }
        Path home = CallerAccount.homeDirectory(spec.environment());
        environment.put("HOME", home.toString());

        int[] caller = CallerAccount.ids();
        int[] ids = caller[0] == 0 ? unprivilegedIds(spec.workspace()) : caller;
        MountPlanner.FilesystemPlan plan = MountPlanner.plan(spec, home, CallerAccount.accountHome(caller[0]),
                spec.workingDirectory(), CacheLayers.create(List.of(), home), ToolConfigCopies.NONE);
        requireExecutable(spec.command().getFirst(), environment.getOrDefault("PATH", DEFAULT_PATH), plan.cwd());
        byte[] seccomp = SeccompProfiles.compiled(spec.seccompProfile());

        List<String> args = new ArrayList<>(List.of(bwrap.toString(), "--unshare-user", "--unshare-pid", "--unshare-ipc",
                "--unshare-uts", "--unshare-cgroup-try", "--disable-userns", "--hostname", "vg-sandbox", "--die-with-parent",
                "--new-session", "--cap-drop", "ALL", "--clearenv"));
        if (spec.network() != NetworkMode.FULL) {
            args.add("--unshare-net");
        }
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            args.addAll(List.of("--setenv", variable.getKey(), variable.getValue()));
        }
        List<String> leftOut = new ArrayList<>();
        List<Integer> pinned = new ArrayList<>();
        try {
            args.addAll(mountArguments(plan.mounts(), spec.limits().scratchBytes(), caller[0] == 0 ? ids : null, leftOut, pinned));
        } catch (SandboxException e) {
            closeAll(pinned);
            throw e;
        }
        if (!leftOut.isEmpty()) {
            notices.add("left out what uid " + ids[0] + " cannot read: " + String.join(", ", leftOut));
        }
        args.addAll(List.of("--chdir", plan.cwd(), "--seccomp", "3", "--"));

        ResourceControl resources = null;
        Path seccompFile = null;
        CallerStdio stdio = null;
        try {
            resources = ResourceControl.acquire(spec.limits());
            if (resources.notice() != null) {
                notices.add(resources.notice());
            }
            args.addAll(inside(resources.rlimits(), environment.get("PWD")));
            args.addAll(spec.command());
            seccompFile = writePrivate(seccomp);
            List<String> launcher = launcher(resources, seccompFile, pinned, caller[0] == 0 ? ids : null);
            launcher.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(launcher);
            builder.environment().clear();
            builder.environment().put("PATH", DEFAULT_PATH);
            builder.directory(new File("/"));
            stdio = CallerStdio.of(spec);
            Process process = stdio.applyTo(builder).start();
            return SandboxProcess.ofWatched(stdio.watch(new Bubblewrapped(process, seccompFile, pinned)), resources,
                    CacheLayers.create(List.of(), home), spec.timeout().orElse(null),
                    spec.stdin() == Stdio.PIPE ? process.getOutputStream() : null,
                    spec.stdout() == Stdio.PIPE ? process.getInputStream() : null,
                    spec.stderr() == Stdio.PIPE ? process.getErrorStream() : null, notices);
        } catch (IOException | RuntimeException e) {
            if (seccompFile != null) {
                deleteQuietly(seccompFile);
            }
            if (stdio != null) {
                stdio.discard();
            }
            if (resources != null) {
                resources.close();
            }
            closeAll(pinned);
            throw new SandboxException("sandbox setup failed: cannot start bwrap: " + e.getMessage());
        } catch (SandboxException e) {
            if (seccompFile != null) {
                deleteQuietly(seccompFile);
            }
            if (resources != null) {
                resources.close();
            }
            closeAll(pinned);
            throw e;
        }
    }

    /**
     * The process started: a shell that joins the sandbox's cgroups, opens the seccomp program as fd 3
     * for bwrap, opens vg's {@code pinned} descriptors again as fds 4, 5, ... (the objects vg checked,
     * whatever their paths lead to by now) and executes, through setpriv for a root caller (its
     * command as an unprivileged uid), bwrap itself.
     */
    private static List<String> launcher(ResourceControl resources, Path seccompFile, List<Integer> pinned, int[] ids)
            throws SandboxException {
        String shell = "/bin/sh";
        if (pinned.size() > SH_PINNED_FDS) {
            shell = findBinary("bash").orElseThrow(() -> new SandboxException("runtime bubblewrap: bash is needed to hand "
                    + pinned.size() + " protected paths to bwrap (/bin/sh opens at most " + SH_PINNED_FDS + ")")).toString();
        }
        List<String> launcher = new ArrayList<>(List.of(shell, "-c",
                "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; n=$((n-1)); shift; done; "
                        + "exec 3< \"$1\" || exit 125; rm -f \"$1\"; shift; "
                        + "n=$1; shift; fd=" + FIRST_PINNED_FD + "; while [ \"$n\" -gt 0 ]; do "
                        + "command eval \"exec $fd< \\\"\\$1\\\"\" || exit 125; fd=$((fd+1)); n=$((n-1)); shift; done; "
                        + "exec \"$@\"", "vg-bubblewrap"));
        launcher.add(Integer.toString(resources.cgroupDirs().size()));
        for (Path dir : resources.cgroupDirs()) {
            launcher.add(dir.resolve("cgroup.procs").toString());
        }
        launcher.add(seccompFile.toString());
        launcher.add(Integer.toString(pinned.size()));
        long self = ProcessHandle.current().pid();
        for (int fd : pinned) {
            launcher.add("/proc/" + self + "/fd/" + fd);
        }
        if (ids != null) {
            launcher.addAll(List.of(findBinary("setpriv").orElseThrow(() -> new SandboxException(
                    "runtime bubblewrap: setpriv (util-linux) is needed to run a root caller's command unprivileged")).toString(),
                    "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups"));
        }
        return launcher;
    }

    /**
     * What runs inside before the command: prlimit sets the rlimits there (so the process count is
     * that of the sandbox's own user namespace, not of the caller's uid on the host), env takes out the
     * PWD that bwrap adds (or sets the spec's own), and nice lowers its priority. nice comes last: env
     * reads no option after a NAME=VALUE (its "--" would be the command), nice's "--" ends its options.
     */
    private static List<String> inside(List<RLimit> rlimits, String pwd) throws SandboxException {
        List<String> prefix = new ArrayList<>();
        if (!rlimits.isEmpty()) {
            prefix.add(findBinary("prlimit").orElseThrow(() -> new SandboxException(
                    "runtime bubblewrap: prlimit (util-linux) is needed for the resource limits")).toString());
            for (RLimit limit : rlimits) {
                String option = PRLIMIT_OPTIONS.get(limit.resource());
                if (option == null) {
                    throw new SandboxException("runtime bubblewrap: cannot set rlimit " + limit.resource());
                }
                prefix.add(option + "=" + unsigned(limit.soft()) + ":" + unsigned(limit.hard()));
            }
            prefix.add("--");
        }
        prefix.add(findBinary("env").orElseThrow(() -> new SandboxException("runtime bubblewrap: env (coreutils) is missing"))
                .toString());
        prefix.addAll(pwd == null ? List.of("-u", "PWD") : List.of("PWD=" + pwd));
        // The command's lower priority (ResourceControl.NICE); RLIMIT_NICE 0 above keeps it from taking it back.
        prefix.addAll(List.of(findBinary("nice").orElseThrow(() -> new SandboxException("runtime bubblewrap: nice (coreutils) is missing"))
                .toString(), "-n", Integer.toString(ResourceControl.NICE), "--"));
        return prefix;
    }

    /**
     * The mount plan as bubblewrap options, in order. The scratch bound is shared out: half to /tmp,
     * an eighth to each other tmpfs (/var/tmp, /run, the home, /dev/shm). {@code ids} (a root caller's
     * command ids) leaves out the read-only binds that uid cannot reach (root's caches and tools under
     * /root) and refuses a writable one. A bind the plan takes without symlinks (the workspace, the
     * paths protected in it, caches, bind mounts) is opened here and handed to bwrap as a descriptor
     * ({@code --bind-fd}), added to {@code pinned}: a path a sandbox can change (swap for a symlink)
     * between this plan and bwrap's mount cannot make bwrap bind what it leads to.
     */
    static List<String> mountArguments(List<MountOp> mounts, long scratchBytes, int[] ids, List<String> leftOut,
                                       List<Integer> pinned) throws SandboxException {
        List<String> args = new ArrayList<>();
        List<String[]> binds = new ArrayList<>();
        for (MountOp op : mounts) {
            boolean optional = (op.flags() & MountOp.OPTIONAL) != 0;
            boolean readOnly = (op.flags() & MountOp.READONLY) != 0;
            int kind = op.kind();
            if (kind == MountOp.BIND || kind == MountOp.OVERLAY) {
                if (ids != null && !reachable(Path.of(op.source()), ids)) {
                    if (optional || readOnly || kind == MountOp.OVERLAY) {
                        leftOut.add(op.source());
                        continue;
                    }
                    throw new SandboxException("runtime bubblewrap runs a root caller's command as uid " + ids[0]
                            + " (the workspace owner), which cannot reach " + op.source());
                }
                boolean writable = kind == MountOp.BIND && !readOnly;
                if (kind == MountOp.BIND && (op.flags() & vg_core_h.VG_MF_NO_SYMLINKS()) != 0) {
                    OptionalInt fd = pin(op.source(), optional);
                    if (fd.isEmpty()) {
                        continue;
                    }
                    pinned.add(fd.getAsInt());
                    args.addAll(List.of(writable ? "--bind-fd" : "--ro-bind-fd",
                            Integer.toString(FIRST_PINNED_FD + pinned.size() - 1), op.target()));
                } else {
                    args.addAll(List.of((writable ? "--bind" : "--ro-bind") + (optional ? "-try" : ""), op.source(),
                            op.target()));
                }
                binds.add(new String[] {op.source(), op.target()});
            } else if (kind == MountOp.TMPFS) {
                String mode = op.data() != null && op.data().startsWith("mode=") ? op.data().substring(5) : "0755";
                long size = op.target().equals("/tmp") ? scratchBytes / 2 : scratchBytes / 8;
                args.addAll(List.of("--perms", mode, "--size", Long.toString(Math.max(size, 1 << 20)), "--tmpfs", op.target()));
            } else if (kind == MountOp.PROC) {
                args.addAll(List.of("--proc", op.target()));
            } else if (kind == MountOp.DEV) {
                args.addAll(List.of("--dev", op.target(), "--size", Long.toString(Math.max(scratchBytes / 8, 1 << 20)),
                        "--tmpfs", op.target() + "/shm"));
            } else if (kind == MountOp.DIR) {
                args.addAll(List.of("--dir", op.target()));
            } else if (kind == MountOp.SYMLINK) {
                args.addAll(List.of("--symlink", op.data(), op.target()));
            } else if (kind == MountOp.REMOUNT_RO) {
                args.addAll(List.of("--remount-ro", op.target()));
            } else if (kind == MountOp.MASK) {
                Path host = hostPathOf(op.target(), binds);
                if (ids != null && !searchable(host.getParent(), ids)) {
                    continue; // that uid cannot reach it, so nothing to hide; bwrap, as that uid, could not mount over it
                }
                if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
                    args.addAll(List.of("--perms", "0000", "--size", "4096", "--tmpfs", op.target(), "--remount-ro", op.target()));
                } else if (Files.exists(host, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(host)) {
                    args.addAll(List.of("--ro-bind", "/dev/null", op.target()));
                } else if (!optional) {
                    throw new SandboxException("runtime bubblewrap: cannot hide " + op.target() + ": it does not exist");
                }
            } else {
                throw new SandboxException("runtime bubblewrap cannot make mount kind " + kind + " at " + op.target());
            }
        }
        return args;
    }

    /**
     * Opens {@code source} without following a symlink in it (the plan's paths are real paths: one
     * that now opens elsewhere changed since) for bwrap to bind; empty when an optional one is gone,
     * or when it is no directory or regular file (a FIFO, socket or device holds nothing a read-only
     * bind would keep, and opening a FIFO again would block).
     */
    private static OptionalInt pin(String source, boolean optional) throws SandboxException {
        int fd;
        try {
            fd = NativeCore.open(source, NativeCore.O_RDONLY | NativeCore.O_NOFOLLOW | NativeCore.O_NONBLOCK | NativeCore.O_NOCTTY);
        } catch (NativeCoreException e) {
            if (optional && e.errnoName().equals("ENOENT")) {
                return OptionalInt.empty();
            }
            throw new SandboxException("sandbox setup failed: bind " + source + ": " + e.errnoName()
                    + (e.errnoName().equals("ELOOP") ? " (it is a symlink now)" : ""));
        }
        try {
            Path opened = Path.of("/proc/self/fd", Integer.toString(fd));
            if (!Files.readSymbolicLink(opened).toString().equals(source)) {
                throw new SandboxException("sandbox setup failed: bind " + source + ": a directory above it changed "
                        + "(moved, or a symlink now) while the sandbox was being made");
            }
            if (!Files.isDirectory(opened) && !Files.isRegularFile(opened)) {
                NativeCore.close(fd);
                return OptionalInt.empty();
            }
            return OptionalInt.of(fd);
        } catch (IOException | SandboxException | RuntimeException e) {
            NativeCore.close(fd);
            if (e instanceof SandboxException refused) {
                throw refused;
            }
            throw new SandboxException("sandbox setup failed: bind " + source + ": " + e.getMessage());
        }
    }

    private static void closeAll(List<Integer> fds) {
        for (int fd : fds) {
            NativeCore.close(fd);
        }
    }

    /** The host path shown at {@code target}: through the bind whose target holds it, else the same path. */
    private static Path hostPathOf(String target, List<String[]> binds) {
        Path path = Path.of(target);
        Path best = null;
        Path bestSource = null;
        for (String[] bind : binds) {
            Path bound = Path.of(bind[1]);
            if (path.startsWith(bound) && (best == null || bound.getNameCount() > best.getNameCount())) {
                best = bound;
                bestSource = Path.of(bind[0]);
            }
        }
        return best == null ? path : bestSource.resolve(best.relativize(path));
    }

    /**
     * The ids a root caller's command runs as: the workspace's owner. A workspace owned by root is
     * refused: its command would run as root or could not write it.
     */
    static int[] unprivilegedIds(Path workspace) throws SandboxException {
        try {
            Path real = workspace.toRealPath();
            int uid = (Integer) Files.getAttribute(real, "unix:uid");
            int gid = (Integer) Files.getAttribute(real, "unix:gid");
            if (uid == 0) {
                throw new SandboxException("runtime bubblewrap never runs a command as root: run vg as the user who should "
                        + "run it, or give the workspace " + real + " to that user (chown); its command then runs as that user");
            }
            return new int[] {uid, gid == 0 ? uid : gid};
        } catch (IOException e) {
            throw new SandboxException("workspace " + workspace + " does not exist");
        }
    }

    /** Whether {@code ids} can reach {@code path}: search permission on every directory above, read on it. */
    static boolean reachable(Path path, int[] ids) {
        try {
            Path current = Path.of("/");
            for (Path part : path) {
                if (!permitted(current, ids, 1)) {
                    return false;
                }
                current = current.resolve(part);
            }
            return permitted(current, ids, 4);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code ids} may search {@code dir} and every directory above it; true when one is missing (nothing to decide). */
    static boolean searchable(Path dir, int[] ids) {
        try {
            Path current = Path.of("/");
            if (!permitted(current, ids, 1)) {
                return false;
            }
            for (Path part : dir) {
                current = current.resolve(part);
                if (!permitted(current, ids, 1)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean permitted(Path path, int[] ids, int bit) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,uid,gid");
        int mode = (Integer) attributes.get("mode");
        int shift = (Integer) attributes.get("uid") == ids[0] ? 6 : (Integer) attributes.get("gid") == ids[1] ? 3 : 0;
        return (mode >> shift & bit) != 0;
    }

    /** 127 and 126 before the sandbox starts, as the native runtime gives them (the paths are the host's). */
    static void requireExecutable(String command, String searchPath, String cwd) throws SandboxException {
        List<Path> candidates = new ArrayList<>();
        if (command.contains("/")) {
            candidates.add(Path.of(cwd).resolve(command));
        } else {
            for (String dir : searchPath.split(":", -1)) {
                candidates.add(Path.of(cwd).resolve(dir.isEmpty() ? "." : dir).resolve(command));
            }
        }
        Path found = null;
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return;
            }
            if (found == null && Files.exists(candidate)) {
                found = candidate;
            }
        }
        if (found == null) {
            throw new SandboxException(command + ": command not found in the sandbox", SandboxException.NOT_FOUND);
        }
        throw new SandboxException(command + ": not executable (EACCES)", SandboxException.NOT_EXECUTABLE);
    }

    private static void requireUtf8(String what, String value) throws SandboxException {
        if (ByteStrings.hasEscapedBytes(value)) {
            throw new SandboxException("runtime bubblewrap: " + what + " is not valid UTF-8; only the native runtime "
                    + "passes such bytes unchanged");
        }
    }

    private static Path writePrivate(byte[] content) throws SandboxException {
        try {
            return RunFiles.write("vg-seccomp-", content);
        } catch (IOException e) {
            throw new SandboxException("sandbox setup failed: cannot write the seccomp program: " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file vg could not remove: nothing depends on it
        }
    }

    private static String unsigned(long value) {
        return value == RLimit.INFINITY ? "unlimited" : Long.toString(value);
    }

    private static Optional<Path> findBinary(String name) {
        for (String dir : BIN_DIRS) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String output(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? text : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * The bwrap process. Its end is the sandbox's end: bwrap's init (pid 1 inside) exits with the
     * command, which kills what is left in the pid namespace, and dies with bwrap (SIGKILL here ends it
     * all). Other signals go to the command itself, bwrap's grandchild.
     */
    private static final class Bubblewrapped implements WatchedProcess {
        private final Process process;
        private final Path seccompFile;
        private final List<Integer> pinned;
        private boolean released;

        /** {@code pinned}: vg's descriptors of the bind sources, kept open until the sandbox ends (the launcher opens them again). */
        Bubblewrapped(Process process, Path seccompFile, List<Integer> pinned) {
            this.process = process;
            this.seccompFile = seccompFile;
            this.pinned = pinned;
        }

        @Override
        public int pid() {
            return (int) process.pid();
        }

        @Override
        public OptionalInt waitFor(int timeoutMillis) {
            return WatchedProcess.waitFor(process, timeoutMillis);
        }

        @Override
        public void kill(int signal) throws SandboxException {
            if (signal == SIGKILL) {
                process.destroyForcibly();
                return;
            }
            Optional<Long> command = child(process.pid()).flatMap(BubblewrapRuntime::child);
            if (command.isEmpty()) {
                return; // not started yet or already gone
            }
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(command.get())).start().waitFor();
            } catch (IOException e) {
                throw new SandboxException("cannot signal the sandbox: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public synchronized void release() {
            deleteQuietly(seccompFile);
            if (!released) {
                released = true;
                closeAll(pinned); // a closed number may be reused at once: only once, only here
            }
        }
    }

    /** The first child of {@code pid} (bwrap's own process tree has one child per level). */
    private static Optional<Long> child(long pid) {
        try {
            String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children")).strip();
            return children.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(children.split(" ")[0]));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
