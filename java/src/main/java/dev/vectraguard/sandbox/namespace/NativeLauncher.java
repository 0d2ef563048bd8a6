package dev.vectraguard.sandbox.namespace;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.egress.EgressSession;
import dev.vectraguard.nativecore.EgressCalls;
import dev.vectraguard.nativecore.MountOp;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.nativecore.NativeProcess;
import dev.vectraguard.nativecore.PreparedNamespaces;
import dev.vectraguard.nativecore.SpawnRequest;
import dev.vectraguard.nativecore.vg_core_h;
import dev.vectraguard.sandbox.CacheLayers;
import dev.vectraguard.sandbox.CallerAccount;
import dev.vectraguard.sandbox.Capability;
import dev.vectraguard.sandbox.LandlockAccess;
import dev.vectraguard.sandbox.MountPlanner;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.ResourceControl;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SeccompProfiles;
import dev.vectraguard.sandbox.SecurityProfile;
import dev.vectraguard.sandbox.SpecChecks;
import dev.vectraguard.sandbox.Stdio;
import dev.vectraguard.sandbox.VgCacheDir;
import dev.vectraguard.sandbox.WatchedProcess;
import dev.vectraguard.sandbox.toolconfig.ToolConfigCopies;
import dev.vectraguard.sandbox.toolconfig.ToolConfigFiles;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Starts commands in the native sandbox through vg's C core (see {@link NativeRuntime}).
 *
 * <p>Every sandbox gets its own user, mount, pid, ipc, uts and cgroup namespaces (and network
 * namespace unless the network is full), a fresh root with the system directories read-only or as a
 * throwaway overlay, the workspace and caches writable, no capabilities beyond the level's set,
 * Landlock rules mirroring the mounts, a seccomp filter and resource limits.
 */
final class NativeLauncher {
    /** Hidden (empty) with restricted networking, so that every lookup asks vg's DNS. */
    private static final List<String> RESOLVER_FILES = List.of("/etc/resolv.conf", "/etc/hosts");
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** The Landlock ABI that scopes abstract unix sockets and signals to the sandbox. */
    private static final int LANDLOCK_SCOPE_ABI = 6;
    /** The Landlock ABI that refuses TCP connect and bind (Linux 6.7). */
    private static final int HANDOVER_LANDLOCK_ABI = 4;
    private static volatile Integer landlockAbi;

    /** The start of the message of a sandbox refused its namespaces (user namespaces restricted or off). */
    static final String NAMESPACES_REFUSED = "sandbox setup failed: cannot create namespaces";

    private NativeLauncher() {}

    /**
     * Starts the command of {@code spec} in a new sandbox.
     *
     * @throws SandboxException when the sandbox cannot be set up (exit code 125), the command is not
     *                          found (127) or not executable (126); the message is one line
     */
    static SandboxProcess start(SandboxSpec spec) throws SandboxException {
        return start(spec, () -> { });
    }

    /** {@link #start(SandboxSpec)}, running {@code afterPlanning} between the mount plan and the spawn (tests). */
    static SandboxProcess start(SandboxSpec spec, Runnable afterPlanning) throws SandboxException {
        if (!NativeCore.available()) {
            throw new SandboxException("native sandbox unavailable: " + NativeRuntime.coreUnavailableReason());
        }
        if (spec.command().getFirst().isEmpty()) {
            throw new SandboxException("the command name is empty: nothing to run", SandboxException.NOT_FOUND);
        }
        List<String> notices = new ArrayList<>();
        SpecChecks.allowedNetwork(spec);

        Path home = CallerAccount.homeDirectory(spec.environment());
        int[] ids = CallerAccount.ids();
        Path vgCacheDir = VgCacheDir.prepare(spec, home);
        CacheLayers cacheLayers = CacheLayers.create(spec.cacheDirs(), vgCacheDir);
        notices.addAll(cacheLayers.notices());
        ToolConfigCopies toolConfigs = ToolConfigFiles.write(home, spec.toolConfig(), vgCacheDir,
                Path.of(System.getProperty("java.io.tmpdir")));
        notices.addAll(toolConfigs.notices());
        try {
            return start(spec, afterPlanning, notices, home, ids, cacheLayers, toolConfigs);
        } finally {
            toolConfigs.delete(); // mounted by now, or never
        }
    }

    private static SandboxProcess start(SandboxSpec spec, Runnable afterPlanning, List<String> notices, Path home, int[] ids,
                                        CacheLayers cacheLayers, ToolConfigCopies toolConfigs) throws SandboxException {
        SecurityProfile profile = spec.profile();
        NetworkMode network = spec.network();
        boolean restricted = network == NetworkMode.RESTRICTED;
        MountPlanner.FilesystemPlan plan;
        byte[] seccomp;
        try {
            plan = MountPlanner.plan(spec, home, CallerAccount.accountHome(ids[0]), spec.workingDirectory(), cacheLayers, toolConfigs);
            seccomp = restricted ? SeccompProfiles.compiledForEgress(spec.seccompProfile())
                    : SeccompProfiles.compiled(spec.seccompProfile());
            afterPlanning.run();
        } catch (SandboxException | RuntimeException e) {
            cacheLayers.discard();
            throw e;
        }
        List<MountOp> mounts = plan.mounts();
        if (restricted) {
            // Names are resolved by vg's DNS on the sandbox's 127.0.0.1:53 only (the resolver's default
            // without a nameserver line): not from the host's lists, which may name private hosts.
            mounts = new ArrayList<>(mounts);
            for (String file : RESOLVER_FILES) {
                mounts.add(MountOp.mask(file, MountOp.OPTIONAL));
            }
        }
        Map<String, String> environment = new java.util.TreeMap<>(spec.environment());
        environment.put("HOME", home.toString());
        String searchPath = environment.getOrDefault("PATH", DEFAULT_PATH);

        ResourceControl resources;
        try {
            resources = ResourceControl.acquire(spec.limits());
        } catch (SandboxException | RuntimeException e) {
            cacheLayers.discard();
            throw e;
        }
        if (resources.notice() != null) {
            notices.add(resources.notice());
        }
        if (network == NetworkMode.FULL) {
            int abi = landlockAbi();
            if (abi > 0 && abi < LANDLOCK_SCOPE_ABI) {
                // Without the host's network the sandbox's own network namespace separates abstract sockets.
                notices.add("Landlock ABI " + abi + " cannot scope abstract unix sockets (ABI " + LANDLOCK_SCOPE_ABI
                        + ", Linux 6.12): with the host's network the command can reach the host's abstract unix sockets");
            }
        }
        List<Integer> parentEnds = new ArrayList<>();
        List<Integer> childEnds = new ArrayList<>();
        Caller caller = Caller.current();
        try {
            int[] stdinPipe = spec.stdin() == Stdio.PIPE ? pipe(parentEnds, childEnds, 1) : null;
            int[] stdoutPipe = spec.stdout() == Stdio.PIPE ? pipe(parentEnds, childEnds, 0) : null;
            int[] stderrPipe = spec.stderr() == Stdio.PIPE ? pipe(parentEnds, childEnds, 0) : null;
            int namespaces = vg_core_h.VG_NS_USER() | vg_core_h.VG_NS_MOUNT() | vg_core_h.VG_NS_PID()
                    | vg_core_h.VG_NS_IPC() | vg_core_h.VG_NS_UTS() | vg_core_h.VG_NS_CGROUP()
                    | (network == NetworkMode.FULL ? 0 : vg_core_h.VG_NS_NET());
            int flags = vg_core_h.VG_SPAWN_NO_NEW_PRIVS() | vg_core_h.VG_SPAWN_DIE_WITH_CALLER()
                    | (spec.stdin() == Stdio.INHERIT ? 0 : vg_core_h.VG_SPAWN_NEW_SESSION());
            SpawnRequest request = new SpawnRequest(
                    spec.command(),
                    environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
                    searchPath, plan.cwd(), "vg-sandbox", namespaces, flags, ids[0], ids[1],
                    mounts, plan.landlockRules(), LandlockAccess.ALL_FS,
                    restricted ? LandlockAccess.NET_BIND_TCP | LandlockAccess.NET_CONNECT_TCP : 0L, List.of(),
                    LandlockAccess.SCOPE_ABSTRACT_UNIX_SOCKET | LandlockAccess.SCOPE_SIGNAL,
                    resources.rlimits(), resources.cgroupProcsFds(), seccomp, Capability.mask(spec.capabilities()),
                    stdio(spec.stdin(), stdinPipe, 0, caller.stdinFd()), stdio(spec.stdout(), stdoutPipe, 1, caller.stdoutFd()),
                    stdio(spec.stderr(), stderrPipe, 1, caller.stderrFd()), spec.limits().scratchBytes(), spec.limits().scratchInodes(),
                    ResourceControl.NICE);
            int[] egressPair = restricted ? socketPair(parentEnds, childEnds) : null;
            int egressFd = restricted ? egressPair[1] : -1;
            NativeProcess process;
            boolean landlockApplied = true;
            boolean reusableNamespaces = network != NetworkMode.FULL && NamespacePool.reusable(spec);
            PreparedNamespaces prepared = network == NetworkMode.FULL ? null
                    : NamespacePool.take(ids[0], ids[1], !reusableNamespaces);
            try {
                process = NativeCore.spawn(request, prepared, egressFd);
            } catch (NativeCoreException failure) {
                if (prepared != null) {
                    prepared.close();
                    prepared = null;
                }
                if (!landlockMissing(failure)) {
                    throw translate(failure, spec.command().getFirst());
                }
                if (!profile.throwawayRoot() && !spec.allowWeakerFallback()) {
                    throw new SandboxException("security level '" + profile.level().label() + "' needs Landlock, which this "
                            + "kernel does not offer; set sandbox.allow_weaker_fallback: true to run without it");
                }
                notices.add("Landlock is not available: filesystem access is limited by the mount plan only");
                landlockApplied = false;
                process = spawnOrTranslate(withoutLandlock(request), egressFd, spec.command().getFirst());
            }
            EgressSession egress = null;
            if (restricted) {
                try {
                    egress = EgressSession.start(spec.egressPolicy(), egressPair[0], handover(spec, landlockApplied));
                } catch (NativeCoreException | IllegalStateException e) {
                    process.release(); // kills what runs
                    if (prepared != null) {
                        prepared.close();
                    }
                    throw new SandboxException("sandbox setup failed: restricted networking: " + e.getMessage());
                }
            }
            if (network != NetworkMode.FULL) {
                NamespacePool.replenish(ids[0], ids[1], !reusableNamespaces);
            }
            PreparedNamespaces preparedUsed = prepared;
            Runnable afterExit = prepared == null ? null : () -> NamespacePool.giveBack(preparedUsed, reusableNamespaces);
            closeAll(childEnds);
            childEnds.clear();
            if (egressPair != null) {
                NativeCore.close(egressPair[0]);
                parentEnds.remove(Integer.valueOf(egressPair[0]));
            }
            return SandboxProcess.ofNativeCore(WatchedProcess.of(process), resources, cacheLayers, egress, afterExit, spec.timeout().orElse(null),
                    stdinPipe == null ? null : output(stdinPipe[1]),
                    stdoutPipe == null ? null : input(stdoutPipe[0]),
                    stderrPipe == null ? null : input(stderrPipe[0]), notices);
        } catch (SandboxException | RuntimeException e) {
            closeAll(parentEnds);
            closeAll(childEnds);
            resources.close();
            cacheLayers.discard();
            throw e;
        }
    }

    private static NativeProcess spawnOrTranslate(SpawnRequest request, int egressFd, String command) throws SandboxException {
        try {
            return NativeCore.spawn(request, null, egressFd);
        } catch (NativeCoreException failure) {
            throw translate(failure, command);
        }
    }

    /**
     * Whether the sandbox guards a socket of vg's network namespace handed to it (see
     * {@code EgressSession}): Landlock (ABI 4) applied refuses the command's own TCP connect and bind,
     * and the seccomp profile denies io_uring and leaves vg's rules for TCP Fast Open, interface
     * binding and socket ioctls unshadowed. The kernel is probed at the first allowed connection only.
     */
    private static BooleanSupplier handover(SandboxSpec spec, boolean landlockApplied) throws SandboxException {
        boolean profileGuards = SeccompProfiles.handoverSafe(spec.seccompProfile());
        return () -> landlockApplied && profileGuards && landlockAbi() >= HANDOVER_LANDLOCK_ABI;
    }

    /** The kernel's Landlock ABI, probed once per JVM (by a sandbox with the host's network, or at a hand-over); 0 if unknown. */
    private static int landlockAbi() {
        Integer abi = landlockAbi;
        if (abi == null) {
            try {
                abi = NativeCore.probe().landlockAbi();
            } catch (NativeCoreException e) {
                abi = 0;
            }
            landlockAbi = abi;
        }
        return abi;
    }

    private static boolean landlockMissing(NativeCoreException failure) {
        return failure.step() == vg_core_h.VG_STEP_LANDLOCK()
                && (failure.errnoName().equals("ENOSYS") || failure.errnoName().equals("EOPNOTSUPP"));
    }

    private static SpawnRequest withoutLandlock(SpawnRequest r) {
        return new SpawnRequest(r.argv(), r.env(), r.searchPath(), r.cwd(), r.hostname(), r.namespaces(), r.flags(), r.uid(),
                r.gid(), r.mounts(), List.of(), 0L, 0L, List.of(), 0L, r.rlimits(), r.cgroupProcsFds(), r.seccompFilter(),
                r.capabilitiesKeep(), r.stdinFd(), r.stdoutFd(), r.stderrFd(), r.scratchSize(), r.scratchInodes(), r.nice());
    }

    static SandboxException translate(NativeCoreException failure, String command) {
        String errno = failure.errnoName();
        if (failure.step() == vg_core_h.VG_STEP_EXEC()) {
            if (errno.equals("ENOENT")) {
                return new SandboxException(command + ": command not found in the sandbox", SandboxException.NOT_FOUND);
            }
            if (errno.equals("EACCES") || errno.equals("ENOEXEC") || errno.equals("EISDIR")) {
                return new SandboxException(command + ": not executable (" + errno + ")", SandboxException.NOT_EXECUTABLE);
            }
        }
        if (failure.step() == vg_core_h.VG_STEP_CLONE() && (errno.equals("EPERM") || errno.equals("EINVAL") || errno.equals("ENOSPC"))) {
            return new SandboxException(NAMESPACES_REFUSED + " (" + errno + "): " + UserNamespaceSettings.refusalCause());
        }
        if (idsMappingRefused(failure)) {
            return new SandboxException(NAMESPACES_REFUSED + " (" + failure.detail() + ": " + errno + "): "
                    + UserNamespaceSettings.refusalCause());
        }
        return new SandboxException("sandbox setup failed: " + failure.detail() + ": " + errno);
    }

    /**
     * The new user namespace was made, but the kernel refused to map the caller's ids in it, as
     * Ubuntu's AppArmor restriction of unprivileged user namespaces does: as good as no namespace.
     */
    private static boolean idsMappingRefused(NativeCoreException failure) {
        String errno = failure.errnoName();
        return failure.step() == vg_core_h.VG_STEP_USERNS() && (errno.equals("EPERM") || errno.equals("EACCES"))
                && failure.detail().contains("/proc/self/");
    }

    private static int[] socketPair(List<Integer> parentEnds, List<Integer> childEnds) throws SandboxException {
        int[] fds;
        try {
            fds = EgressCalls.socketPair();
        } catch (NativeCoreException e) {
            throw new SandboxException("cannot create a socket pair: " + e.getMessage());
        }
        parentEnds.add(fds[0]);
        childEnds.add(fds[1]);
        return fds;
    }

    private static int[] pipe(List<Integer> parentEnds, List<Integer> childEnds, int parentIndex) throws SandboxException {
        int[] fds;
        try {
            fds = NativeCore.pipe();
        } catch (NativeCoreException e) {
            throw new SandboxException("cannot create a pipe: " + e.getMessage());
        }
        parentEnds.add(fds[parentIndex]);
        childEnds.add(fds[1 - parentIndex]);
        return fds;
    }

    /** The caller's fd that becomes the command's stdin, stdout or stderr; -1 makes the C core use /dev/null. */
    private static int stdio(Stdio mode, int[] pipe, int childIndex, int inherited) {
        return switch (mode) {
            case INHERIT -> inherited;
            case PIPE -> pipe[childIndex];
            case DISCARD -> -1;
        };
    }

    /** Wraps a pipe end in a stream (reopened through /proc/self/fd) and closes the original descriptor. */
    private static InputStream input(int fd) throws SandboxException {
        try {
            return new FileInputStream("/proc/self/fd/" + fd);
        } catch (IOException e) {
            throw new SandboxException("cannot open pipe: " + e.getMessage());
        } finally {
            NativeCore.close(fd);
        }
    }

    private static OutputStream output(int fd) throws SandboxException {
        try {
            return new FileOutputStream("/proc/self/fd/" + fd);
        } catch (IOException e) {
            throw new SandboxException("cannot open pipe: " + e.getMessage());
        } finally {
            NativeCore.close(fd);
        }
    }

    private static void closeAll(List<Integer> fds) {
        for (int fd : fds) {
            NativeCore.close(fd);
        }
    }
}
