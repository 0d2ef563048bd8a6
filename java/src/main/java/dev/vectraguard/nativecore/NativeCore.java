package dev.vectraguard.nativecore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The native core for the rest of vg, without java.lang.foreign types: plain records in, plain
 * values out. Each call marshals into one confined arena that lives exactly as long as the call.
 *
 * <p>When libvgcore.so could not be loaded, {@link #available()} is false, {@link #unavailableReason()}
 * says why, and every other method throws {@link IllegalStateException} with that reason.
 */
public final class NativeCore {

    /** Largest classic BPF program the kernel accepts: BPF_MAXINSNS (4096) sock_filter entries of 8 bytes. */
    static final int MAX_SECCOMP_PROGRAM_BYTES = 4096 * 8;

    private NativeCore() {}

    /** True when libvgcore.so is loaded and has the ABI version this vg was built for. */
    public static boolean available() {
        return VgCoreLoader.available();
    }

    /** One line saying why the native core is unavailable; empty when it is available. */
    public static Optional<String> unavailableReason() {
        return VgCoreLoader.unavailableReason();
    }

    /** The kernel features this caller can use (vg_probe). */
    public static KernelFeatures probe() throws NativeCoreException {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment features = vg_features.allocate(arena);
            MemorySegment err = vg_error.allocate(arena);
            if (call("vg_probe", () -> vg_core_h.vg_probe(features, err)) < 0) {
                throw failure("probe", err);
            }
            return new KernelFeatures(
                    vg_features.kernel_major(features),
                    vg_features.kernel_minor(features),
                    vg_features.landlock_abi(features),
                    vg_features.seccomp_filter(features) != 0,
                    vg_features.seccomp_kill_process(features) != 0,
                    vg_features.user_namespaces(features) != 0,
                    vg_features.pidfd(features) != 0,
                    vg_features.close_range(features) != 0,
                    vg_features.overlay_in_userns(features) != 0,
                    vg_features.mount_setattr(features) != 0);
        }
    }

    /**
     * Compiles {@code rules} for the native architecture into a classic BPF program (an array of
     * struct sock_filter) for {@link SpawnRequest#seccompFilter()}.
     *
     * @param defaultAction raw SECCOMP_RET_* value for syscalls no rule matches
     */
    public static byte[] compileSeccomp(List<SeccompRule> rules, int defaultAction) throws NativeCoreException {
        requireAvailable();
        long size = vg_seccomp_rule.sizeof() * rules.size() + MAX_SECCOMP_PROGRAM_BYTES + vg_error.sizeof() + 16;
        for (SeccompRule rule : rules) {
            size += stringBytes(rule.syscall());
        }
        try (Arena arena = Arena.ofConfined()) {
            SegmentAllocator slab = SegmentAllocator.slicingAllocator(arena.allocate(size, 8));
            MemorySegment ruleArray = marshalSeccompRules(rules, slab);
            MemorySegment out = slab.allocate(MAX_SECCOMP_PROGRAM_BYTES, 8);
            MemorySegment outLen = slab.allocate(vg_core_h.C_INT);
            MemorySegment err = vg_error.allocate(slab);
            int result = call("vg_seccomp_compile", () -> vg_core_h.vg_seccomp_compile(
                    ruleArray, rules.size(), defaultAction, out, MAX_SECCOMP_PROGRAM_BYTES, outLen, err));
            if (result < 0) {
                throw failure("seccomp compile", err);
            }
            int length = outLen.get(vg_core_h.C_INT, 0);
            return out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    static MemorySegment marshalSeccompRules(List<SeccompRule> rules, SegmentAllocator slab) {
        if (rules.isEmpty()) {
            return MemorySegment.NULL;
        }
        MemorySegment array = vg_seccomp_rule.allocateArray(rules.size(), slab);
        for (int i = 0; i < rules.size(); i++) {
            SeccompRule rule = rules.get(i);
            MemorySegment r = vg_seccomp_rule.asSlice(array, i);
            vg_seccomp_rule.syscall(r, slab.allocateFrom(rule.syscall()));
            vg_seccomp_rule.action(r, rule.action());
            vg_seccomp_rule.arg_count(r, rule.args().size());
            for (int j = 0; j < rule.args().size(); j++) {
                SeccompArg arg = rule.args().get(j);
                MemorySegment a = vg_seccomp_rule.args(r, j);
                vg_seccomp_arg.index(a, arg.index());
                vg_seccomp_arg.op(a, arg.op());
                vg_seccomp_arg.value(a, arg.value());
                vg_seccomp_arg.value_two(a, arg.valueTwo());
            }
        }
        return array;
    }

    /** Symbolic name of an errno value ("EACCES"), or "E?" when unknown. */
    public static String errnoName(int errno) {
        requireAvailable();
        MemorySegment name = callObject("vg_errno_name", () -> vg_core_h.vg_errno_name(errno));
        return name.equals(MemorySegment.NULL) ? "E?" : name.getString(0);
    }

    /** A pipe with O_CLOEXEC on both ends: {@code [0]} read end, {@code [1]} write end. */
    public static int[] pipe() throws NativeCoreException {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(vg_core_h.C_INT, 2);
            MemorySegment err = vg_error.allocate(arena);
            if (call("vg_pipe", () -> vg_core_h.vg_pipe(fds, err)) < 0) {
                throw failure("pipe", err);
            }
            return fds.toArray(ValueLayout.JAVA_INT);
        }
    }

    /** open(2) flag for {@link #open}: read only. */
    public static final int O_RDONLY = 0;

    /** open(2) flag for {@link #open}: write only. */
    public static final int O_WRONLY = 1;

    /** open(2) flag for {@link #open}: a terminal opened does not become the controlling terminal. */
    public static final int O_NOCTTY = 0x100;

    /** open(2) flag for {@link #open}: do not wait (a FIFO without a peer fails instead of blocking). */
    public static final int O_NONBLOCK = 0x800;

    /** open(2) flag for {@link #open}: fail with ELOOP when the path's last component is a symlink. */
    public static final int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0x8000 : 0x20000;

    /** Opens {@code path} with {@code flags} (O_CLOEXEC always added); the raw descriptor, to close with {@link #close}. */
    public static int open(String path, int flags) throws NativeCoreException {
        requireAvailable();
        return LibcFiles.open(path, flags);
    }

    /**
     * Makes the user and network namespaces of a later sandbox ahead of time ({@code vg_prepare_namespaces}):
     * ids {@code uid}/{@code gid} inside, mapped to ours; loopback up. Close the result when done.
     */
    public static PreparedNamespaces prepareNamespaces(int uid, int gid) throws NativeCoreException {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(vg_core_h.C_INT, 3);
            MemorySegment err = vg_error.allocate(arena);
            if (call("vg_prepare_namespaces", () -> vg_core_h.vg_prepare_namespaces(uid, gid, fds, err)) < 0) {
                throw failure("prepare namespaces", err);
            }
            return new PreparedNamespaces(uid, gid, fds.getAtIndex(vg_core_h.C_INT, 0), fds.getAtIndex(vg_core_h.C_INT, 1),
                    fds.getAtIndex(vg_core_h.C_INT, 2));
        }
    }

    /** {@code vg_netns_sockets}: sockets plus TIME_WAIT connections left in a prepared network namespace. */
    static int netnsSockets(int sockstatFd) throws NativeCoreException {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = vg_error.allocate(arena);
            int left = call("vg_netns_sockets", () -> vg_core_h.vg_netns_sockets(sockstatFd, err));
            if (left < 0) {
                throw failure("count the sockets of a network namespace", err);
            }
            return left;
        }
    }

    /**
     * Marks {@code directory} so that ext4 spreads its new subdirectories over the disk's block
     * groups (FS_TOPDIR_FL, {@code chattr +T}); false when its filesystem has no such flag.
     *
     * @throws NativeCoreException when the directory cannot be opened or its flags not changed
     */
    public static boolean spreadSubdirectories(Path directory) throws NativeCoreException {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(directory.toString());
            MemorySegment err = vg_error.allocate(arena);
            int result = call("vg_spread_subdirectories", () -> vg_core_h.vg_spread_subdirectories(path, err));
            if (result < 0) {
                throw failure("set FS_TOPDIR_FL on " + directory, err);
            }
            return result == 1;
        }
    }

    /** Closes {@code fd}; false when close(2) failed (e.g. EBADF). */
    public static boolean close(int fd) {
        requireAvailable();
        return call("vg_close", () -> vg_core_h.vg_close(fd)) >= 0;
    }

    /**
     * Copies from {@code fromFd} to {@code toFd} until EOF (vg_copy), changing neither's flags: once
     * {@code endFd} is readable or hung up, each further read is waited for at most
     * {@code endWaitMillis}; once {@code abandonFd} is (-1: none), it returns at once. Blocks: run it
     * on a platform thread of its own.
     *
     * @return the bytes copied
     * @throws NativeCoreException when a read or write failed (EPIPE: {@code toFd} has no reader)
     */
    public static long copy(int fromFd, int toFd, int endFd, int endWaitMillis, int abandonFd) throws NativeCoreException {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(vg_core_h.C_LONG);
            MemorySegment err = vg_error.allocate(arena);
            if (call("vg_copy", () -> vg_core_h.vg_copy(fromFd, toFd, endFd, endWaitMillis, abandonFd, bytes, err)) < 0) {
                throw failure("copy", err);
            }
            return bytes.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /**
     * Starts the sandbox described by {@code request}; returns once the command has been exec'd.
     *
     * @throws NativeCoreException when setup failed, with the failing step, errno and detail
     *     ({@link NativeCoreException#commandNotFound()} / {@link NativeCoreException#commandNotExecutable()}
     *     when execve itself failed)
     */
    public static NativeProcess spawn(SpawnRequest request) throws NativeCoreException {
        return spawn(request, null);
    }

    /**
     * As {@link #spawn(SpawnRequest)}, in the user and network namespaces of {@code prepared} (from
     * {@link #prepareNamespaces}; null makes new ones). The request must ask for both namespaces and
     * have the uid and gid the pair was made with. The caller still closes the pair afterwards.
     */
    public static NativeProcess spawn(SpawnRequest request, PreparedNamespaces prepared) throws NativeCoreException {
        return spawn(request, prepared, -1);
    }

    /**
     * As {@link #spawn(SpawnRequest, PreparedNamespaces)}, with restricted networking when {@code egressFd}
     * is an end of {@link EgressCalls#socketPair()} ({@code VG_SPAWN_EGRESS}; -1: without): the sandbox sends
     * its relay listener, DNS socket and seccomp listener there (see {@link EgressCalls#receiveFds}). The
     * request needs a network namespace and a seccomp filter.
     */
    public static NativeProcess spawn(SpawnRequest request, PreparedNamespaces prepared, int egressFd)
            throws NativeCoreException {
        requireAvailable();
        if (prepared != null && prepared.closed()) {
            throw new IllegalStateException("prepared namespaces already closed");
        }
        try (Arena arena = Arena.ofConfined()) {
            SegmentAllocator slab = SegmentAllocator.slicingAllocator(arena.allocate(spawnBytes(request), 8));
            MemorySegment spec = marshalSpawnSpec(request, slab);
            if (prepared != null) {
                vg_spawn_spec.flags(spec, request.flags() | vg_core_h.VG_SPAWN_PREPARED_NAMESPACES());
                vg_spawn_spec.userns_fd(spec, prepared.usernsFd());
                vg_spawn_spec.netns_fd(spec, prepared.netnsFd());
            }
            if (egressFd >= 0) {
                vg_spawn_spec.flags(spec, vg_spawn_spec.flags(spec) | vg_core_h.VG_SPAWN_EGRESS());
                vg_spawn_spec.egress_fd(spec, egressFd);
            }
            MemorySegment process = vg_process.allocate(slab);
            MemorySegment err = vg_error.allocate(slab);
            if (call("vg_spawn", () -> vg_core_h.vg_spawn(spec, process, err)) < 0) {
                throw failure("sandbox setup", err);
            }
            return new NativeProcess(vg_process.pid(process), vg_process.pidfd(process), vg_process.status_fd(process));
        }
    }

    /** An upper bound of the bytes {@link #marshalSpawnSpec} and spawn's own out-structs take from the slab. */
    static long spawnBytes(SpawnRequest r) {
        long align = 8; // worst-case alignment padding per allocation
        long size = vg_spawn_spec.sizeof() + vg_process.sizeof() + vg_error.sizeof() + 3 * align;
        size += (r.argv().size() + 1) * 8L + align;
        for (String s : r.argv()) size += stringBytes(s);
        size += (r.env().size() + 1) * 8L + align;
        for (String s : r.env()) size += stringBytes(s);
        size += stringBytes(r.searchPath()) + stringBytes(r.cwd()) + stringBytes(r.hostname());
        size += vg_mount_op.sizeof() * r.mounts().size() + align;
        for (MountOp m : r.mounts()) size += stringBytes(m.source()) + stringBytes(m.target()) + stringBytes(m.data());
        size += vg_landlock_path_rule.sizeof() * r.landlockPathRules().size() + align;
        for (LandlockPathRule p : r.landlockPathRules()) size += stringBytes(p.path());
        size += vg_landlock_port_rule.sizeof() * r.landlockPortRules().size() + align;
        size += vg_rlimit.sizeof() * r.rlimits().size() + align;
        size += 4L * r.cgroupProcsFdsView().length + align;
        byte[] filter = r.seccompFilterView();
        size += (filter == null ? 0 : filter.length) + align;
        return size;
    }

    /** Builds a vg_spawn_spec and everything it points to in {@code slab}. */
    static MemorySegment marshalSpawnSpec(SpawnRequest r, SegmentAllocator slab) {
        MemorySegment spec = vg_spawn_spec.allocate(slab);
        vg_spawn_spec.argv(spec, stringArray(r.argv(), slab));
        vg_spawn_spec.envp(spec, stringArray(r.env(), slab));
        vg_spawn_spec.search_path(spec, string(r.searchPath(), slab));
        vg_spawn_spec.cwd(spec, string(r.cwd(), slab));
        vg_spawn_spec.hostname(spec, string(r.hostname(), slab));
        vg_spawn_spec.namespaces(spec, r.namespaces());
        vg_spawn_spec.flags(spec, r.flags());
        vg_spawn_spec.uid(spec, r.uid());
        vg_spawn_spec.gid(spec, r.gid());

        List<MountOp> mounts = r.mounts();
        if (!mounts.isEmpty()) {
            MemorySegment array = vg_mount_op.allocateArray(mounts.size(), slab);
            for (int i = 0; i < mounts.size(); i++) {
                MountOp m = mounts.get(i);
                MemorySegment op = vg_mount_op.asSlice(array, i);
                vg_mount_op.kind(op, m.kind());
                vg_mount_op.flags(op, m.flags());
                vg_mount_op.source(op, string(m.source(), slab));
                vg_mount_op.target(op, string(m.target(), slab));
                vg_mount_op.data(op, string(m.data(), slab));
            }
            vg_spawn_spec.mounts(spec, array);
            vg_spawn_spec.mount_count(spec, mounts.size());
        }

        List<LandlockPathRule> paths = r.landlockPathRules();
        if (!paths.isEmpty()) {
            MemorySegment array = vg_landlock_path_rule.allocateArray(paths.size(), slab);
            for (int i = 0; i < paths.size(); i++) {
                MemorySegment rule = vg_landlock_path_rule.asSlice(array, i);
                vg_landlock_path_rule.path(rule, string(paths.get(i).path(), slab));
                vg_landlock_path_rule.access(rule, paths.get(i).access());
            }
            vg_spawn_spec.landlock_path_rules(spec, array);
            vg_spawn_spec.landlock_path_rule_count(spec, paths.size());
        }
        vg_spawn_spec.landlock_handled_fs(spec, r.landlockHandledFs());
        vg_spawn_spec.landlock_handled_net(spec, r.landlockHandledNet());

        List<LandlockPortRule> ports = r.landlockPortRules();
        if (!ports.isEmpty()) {
            MemorySegment array = vg_landlock_port_rule.allocateArray(ports.size(), slab);
            for (int i = 0; i < ports.size(); i++) {
                MemorySegment rule = vg_landlock_port_rule.asSlice(array, i);
                vg_landlock_port_rule.port(rule, ports.get(i).port());
                vg_landlock_port_rule.access(rule, ports.get(i).access());
            }
            vg_spawn_spec.landlock_port_rules(spec, array);
            vg_spawn_spec.landlock_port_rule_count(spec, ports.size());
        }
        vg_spawn_spec.landlock_scoped(spec, r.landlockScoped());

        List<RLimit> rlimits = r.rlimits();
        if (!rlimits.isEmpty()) {
            MemorySegment array = vg_rlimit.allocateArray(rlimits.size(), slab);
            for (int i = 0; i < rlimits.size(); i++) {
                MemorySegment limit = vg_rlimit.asSlice(array, i);
                vg_rlimit.resource(limit, rlimits.get(i).resource());
                vg_rlimit.soft(limit, rlimits.get(i).soft());
                vg_rlimit.hard(limit, rlimits.get(i).hard());
            }
            vg_spawn_spec.rlimits(spec, array);
            vg_spawn_spec.rlimit_count(spec, rlimits.size());
        }

        int[] cgroupFds = r.cgroupProcsFdsView();
        if (cgroupFds.length > 0) {
            vg_spawn_spec.cgroup_procs_fds(spec, slab.allocateFrom(vg_core_h.C_INT, cgroupFds));
            vg_spawn_spec.cgroup_procs_fd_count(spec, cgroupFds.length);
        }

        byte[] filter = r.seccompFilterView();
        if (filter != null) {
            vg_spawn_spec.seccomp_filter(spec, slab.allocateFrom(vg_core_h.C_CHAR, filter));
            vg_spawn_spec.seccomp_filter_len(spec, filter.length);
        }
        vg_spawn_spec.capabilities_keep(spec, r.capabilitiesKeep());
        vg_spawn_spec.stdin_fd(spec, r.stdinFd());
        vg_spawn_spec.stdout_fd(spec, r.stdoutFd());
        vg_spawn_spec.stderr_fd(spec, r.stderrFd());
        vg_spawn_spec.scratch_size(spec, r.scratchSize());
        vg_spawn_spec.scratch_inodes(spec, r.scratchInodes());
        vg_spawn_spec.nice(spec, r.nice());
        return spec;
    }

    private static MemorySegment stringArray(List<String> strings, SegmentAllocator slab) {
        MemorySegment array = slab.allocate(vg_core_h.C_POINTER, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(vg_core_h.C_POINTER, i, nativeString(strings.get(i), slab));
        }
        array.setAtIndex(vg_core_h.C_POINTER, strings.size(), MemorySegment.NULL);
        return array;
    }

    private static MemorySegment string(String s, SegmentAllocator slab) {
        return s == null ? MemorySegment.NULL : nativeString(s, slab);
    }

    /** NUL-terminated, byte-exact (see {@link ByteStrings}). */
    private static MemorySegment nativeString(String s, SegmentAllocator slab) {
        byte[] bytes = ByteStrings.encode(s);
        MemorySegment c = slab.allocate(bytes.length + 1L);
        c.copyFrom(MemorySegment.ofArray(bytes));
        c.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return c;
    }

    /** Upper bound of a string's UTF-8 size plus its NUL (at most 3 bytes per UTF-16 char). */
    private static long stringBytes(String s) {
        return s == null ? 0 : 3L * s.length() + 1;
    }

    static NativeCoreException failure(String operation, MemorySegment err) {
        int errno = vg_error.errnum(err);
        return new NativeCoreException(operation, vg_error.step(err), errno, errnoName(errno),
                cString(vg_error.detail(err)));
    }

    /** The NUL-terminated string in a fixed-size char array; the whole array when it has no NUL. */
    static String cString(MemorySegment chars) {
        long length = 0;
        while (length < chars.byteSize() && chars.get(ValueLayout.JAVA_BYTE, length) != 0) {
            length++;
        }
        return ByteStrings.decode(chars.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
    }

    static void requireAvailable() {
        if (!VgCoreLoader.available()) {
            throw new IllegalStateException("native core unavailable: " + VgCoreLoader.unavailableReason().orElseThrow());
        }
    }

    /**
     * Runs a downcall; a function missing from the loaded library (its handle holder failed to
     * initialise) becomes an IllegalStateException naming it.
     */
    static int call(String function, IntSupplier downcall) {
        try {
            return downcall.getAsInt();
        } catch (LinkageError e) {
            throw missing(function, e);
        }
    }

    static <T> T callObject(String function, Supplier<T> downcall) {
        try {
            return downcall.get();
        } catch (LinkageError e) {
            throw missing(function, e);
        }
    }

    private static IllegalStateException missing(String function, LinkageError e) {
        String where = VgCoreLoader.libraryPath().map(Object::toString).orElse("libvgcore.so");
        return new IllegalStateException(where + " does not provide " + function, e);
    }
}
