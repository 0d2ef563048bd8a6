package dev.vectraguard.nativecore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class NativeCoreTest {

    private static final String UNICODE = "caf\u00e9-\u65e5\u672c-\ud83d\ude00";

    private static SpawnRequest fullRequest() {
        return SpawnRequest.builder(List.of("npm", "install", UNICODE))
                .env(List.of("PATH=/usr/bin:/bin", "HOME=/home/u", "LANG=" + UNICODE))
                .searchPath("/usr/bin:/bin")
                .cwd("/home/u/project")
                .hostname("vg-sandbox")
                .namespaces(SpawnRequest.NS_USER | SpawnRequest.NS_MOUNT | SpawnRequest.NS_PID | SpawnRequest.NS_NET)
                .flags(SpawnRequest.NEW_SESSION | SpawnRequest.NO_NEW_PRIVS | SpawnRequest.DIE_WITH_PARENT)
                .uid(1000)
                .gid(1001)
                .mount(MountOp.bind("/usr", "/usr", MountOp.READONLY))
                .mount(MountOp.tmpfs("/tmp", "size=64m,mode=1777"))
                .mount(MountOp.bind("/home/u/.npm", "/home/u/.npm", MountOp.OPTIONAL))
                .mount(MountOp.symlink("/bin", "usr/bin"))
                .landlockPathRule(new LandlockPathRule("/usr", 0x1L))
                .landlockPathRule(new LandlockPathRule("/home/u/project", 0xffffL))
                .landlockHandledFs(0xffffL)
                .landlockHandledNet(0x3L)
                .landlockPortRule(new LandlockPortRule(443, 0x2L))
                .landlockScoped(0x3L)
                .rlimit(new RLimit(7, 1024, 4096))
                .rlimit(new RLimit(4, 0, RLimit.INFINITY))
                .cgroupProcsFds(17, 18)
                .seccompFilter(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
                .capabilitiesKeep(1L << 10)
                .stdio(5, 6, 7)
                .nice(10)
                .build();
    }

    private static List<String> strings(MemorySegment pointerArray) {
        MemorySegment array = pointerArray.reinterpret(Long.MAX_VALUE);
        List<String> result = new ArrayList<>();
        for (long i = 0; ; i++) {
            MemorySegment s = array.getAtIndex(vg_core_h.C_POINTER, i);
            if (s.equals(MemorySegment.NULL)) {
                return result;
            }
            result.add(s.getString(0));
        }
    }

    private static String string(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? null : pointer.getString(0);
    }

    @Test
    void spawnSpecRoundTripsThroughTheGeneratedGetters() {
        SpawnRequest r = fullRequest();
        try (Arena arena = Arena.ofConfined()) {
            // Exactly the bound spawn() allocates: marshalling must fit (a slicing allocator throws otherwise).
            SegmentAllocator slab = SegmentAllocator.slicingAllocator(arena.allocate(NativeCore.spawnBytes(r), 8));
            MemorySegment spec = NativeCore.marshalSpawnSpec(r, slab);
            vg_process.allocate(slab);
            vg_error.allocate(slab);

            assertEquals(r.argv(), strings(vg_spawn_spec.argv(spec)));
            assertEquals(r.env(), strings(vg_spawn_spec.envp(spec)));
            assertEquals("/usr/bin:/bin", string(vg_spawn_spec.search_path(spec)));
            assertEquals("/home/u/project", string(vg_spawn_spec.cwd(spec)));
            assertEquals("vg-sandbox", string(vg_spawn_spec.hostname(spec)));
            assertEquals(0x1 | 0x2 | 0x4 | 0x20, vg_spawn_spec.namespaces(spec));
            assertEquals(0x7, vg_spawn_spec.flags(spec));
            assertEquals(1000, vg_spawn_spec.uid(spec));
            assertEquals(1001, vg_spawn_spec.gid(spec));

            assertEquals(4, vg_spawn_spec.mount_count(spec));
            MemorySegment mounts = vg_mount_op.reinterpret(vg_spawn_spec.mounts(spec), 4, arena, null);
            MemorySegment bind = vg_mount_op.asSlice(mounts, 0);
            assertEquals(1, vg_mount_op.kind(bind));
            assertEquals(1, vg_mount_op.flags(bind));
            assertEquals("/usr", string(vg_mount_op.source(bind)));
            assertEquals("/usr", string(vg_mount_op.target(bind)));
            assertEquals(null, string(vg_mount_op.data(bind)));
            MemorySegment tmpfs = vg_mount_op.asSlice(mounts, 1);
            assertEquals(2, vg_mount_op.kind(tmpfs));
            assertEquals(null, string(vg_mount_op.source(tmpfs)));
            assertEquals("size=64m,mode=1777", string(vg_mount_op.data(tmpfs)));
            assertEquals(2, vg_mount_op.flags(vg_mount_op.asSlice(mounts, 2)));
            MemorySegment symlink = vg_mount_op.asSlice(mounts, 3);
            assertEquals(7, vg_mount_op.kind(symlink));
            assertEquals("usr/bin", string(vg_mount_op.data(symlink)));

            assertEquals(2, vg_spawn_spec.landlock_path_rule_count(spec));
            MemorySegment paths = vg_landlock_path_rule.reinterpret(vg_spawn_spec.landlock_path_rules(spec), 2, arena, null);
            assertEquals("/home/u/project", string(vg_landlock_path_rule.path(vg_landlock_path_rule.asSlice(paths, 1))));
            assertEquals(0xffffL, vg_landlock_path_rule.access(vg_landlock_path_rule.asSlice(paths, 1)));
            assertEquals(0xffffL, vg_spawn_spec.landlock_handled_fs(spec));
            assertEquals(0x3L, vg_spawn_spec.landlock_handled_net(spec));
            assertEquals(1, vg_spawn_spec.landlock_port_rule_count(spec));
            MemorySegment port = vg_landlock_port_rule.reinterpret(vg_spawn_spec.landlock_port_rules(spec), arena, null);
            assertEquals(443L, vg_landlock_port_rule.port(port));
            assertEquals(0x2L, vg_landlock_port_rule.access(port));
            assertEquals(0x3L, vg_spawn_spec.landlock_scoped(spec));

            assertEquals(2, vg_spawn_spec.rlimit_count(spec));
            MemorySegment rlimits = vg_rlimit.reinterpret(vg_spawn_spec.rlimits(spec), 2, arena, null);
            assertEquals(7, vg_rlimit.resource(vg_rlimit.asSlice(rlimits, 0)));
            assertEquals(1024L, vg_rlimit.soft(vg_rlimit.asSlice(rlimits, 0)));
            assertEquals(4096L, vg_rlimit.hard(vg_rlimit.asSlice(rlimits, 0)));
            assertEquals(-1L, vg_rlimit.hard(vg_rlimit.asSlice(rlimits, 1)));

            assertEquals(2, vg_spawn_spec.cgroup_procs_fd_count(spec));
            assertArrayEquals(new int[] {17, 18},
                    vg_spawn_spec.cgroup_procs_fds(spec).reinterpret(8).toArray(ValueLayout.JAVA_INT));
            assertEquals(16, vg_spawn_spec.seccomp_filter_len(spec));
            assertArrayEquals(r.seccompFilter(), vg_spawn_spec.seccomp_filter(spec).reinterpret(16).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(1L << 10, vg_spawn_spec.capabilities_keep(spec));
            assertEquals(5, vg_spawn_spec.stdin_fd(spec));
            assertEquals(6, vg_spawn_spec.stdout_fd(spec));
            assertEquals(7, vg_spawn_spec.stderr_fd(spec));
            assertEquals(10, vg_spawn_spec.nice(spec));
        }
    }

    @Test
    void minimalSpawnSpecHasNullPointersAndZeroCounts() {
        SpawnRequest r = SpawnRequest.builder(List.of("/bin/true")).build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment spec = NativeCore.marshalSpawnSpec(r,
                    SegmentAllocator.slicingAllocator(arena.allocate(NativeCore.spawnBytes(r), 8)));
            assertEquals(List.of("/bin/true"), strings(vg_spawn_spec.argv(spec)));
            assertEquals(List.of(), strings(vg_spawn_spec.envp(spec)));
            for (MemorySegment p : List.of(vg_spawn_spec.search_path(spec), vg_spawn_spec.cwd(spec),
                    vg_spawn_spec.hostname(spec), vg_spawn_spec.mounts(spec), vg_spawn_spec.landlock_path_rules(spec),
                    vg_spawn_spec.landlock_port_rules(spec), vg_spawn_spec.rlimits(spec),
                    vg_spawn_spec.cgroup_procs_fds(spec), vg_spawn_spec.seccomp_filter(spec))) {
                assertEquals(MemorySegment.NULL, p);
            }
            assertEquals(0, vg_spawn_spec.mount_count(spec) + vg_spawn_spec.rlimit_count(spec)
                    + vg_spawn_spec.seccomp_filter_len(spec) + vg_spawn_spec.cgroup_procs_fd_count(spec));
            assertEquals(0, vg_spawn_spec.stdin_fd(spec));
            assertEquals(1, vg_spawn_spec.stdout_fd(spec));
            assertEquals(2, vg_spawn_spec.stderr_fd(spec));
        }
    }

    @Test
    void seccompRulesRoundTrip() {
        List<SeccompRule> rules = List.of(
                new SeccompRule("ptrace", 0x00050001),
                new SeccompRule("ioctl", 0x00050001, List.of(new SeccompArg(1, SeccompArg.MASKED_EQ, 0xffffffffL, 0x5412))),
                new SeccompRule("socket", 0x00050061, List.of(
                        new SeccompArg(0, SeccompArg.EQ, 17, 0), new SeccompArg(1, SeccompArg.NE, 2, 0))));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = NativeCore.marshalSeccompRules(rules, arena);
            assertEquals(3 * 160, array.byteSize());
            MemorySegment ptrace = vg_seccomp_rule.asSlice(array, 0);
            assertEquals("ptrace", vg_seccomp_rule.syscall(ptrace).getString(0));
            assertEquals(0x00050001, vg_seccomp_rule.action(ptrace));
            assertEquals(0, vg_seccomp_rule.arg_count(ptrace));
            MemorySegment ioctl = vg_seccomp_rule.asSlice(array, 1);
            MemorySegment arg = vg_seccomp_rule.args(ioctl, 0);
            assertEquals(1, vg_seccomp_arg.index(arg));
            assertEquals(7, vg_seccomp_arg.op(arg));
            assertEquals(0xffffffffL, vg_seccomp_arg.value(arg));
            assertEquals(0x5412L, vg_seccomp_arg.value_two(arg));
            MemorySegment socket = vg_seccomp_rule.asSlice(array, 2);
            assertEquals("socket", vg_seccomp_rule.syscall(socket).getString(0));
            assertEquals(2, vg_seccomp_rule.arg_count(socket));
            assertEquals(socket.address() + 16 + 24, vg_seccomp_rule.args(socket, 1).address());
            assertEquals(2L, vg_seccomp_arg.value(vg_seccomp_rule.args(socket, 1)));
            assertEquals(1, vg_seccomp_arg.op(vg_seccomp_rule.args(socket, 1)));
            assertEquals(MemorySegment.NULL, NativeCore.marshalSeccompRules(List.of(), arena));
        }
    }

    @Test
    void errorDetailIsReadUpToItsNul() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = vg_error.allocate(arena);
            MemorySegment detail = vg_error.detail(err);
            detail.setString(0, "bind /home/u/.npm");
            assertEquals("bind /home/u/.npm", NativeCore.cString(detail));
            assertEquals((byte) 'b', vg_error.detail(err, 0));
            vg_error.detail(err, 1, (byte) 'B');
            assertEquals((byte) 'B', err.get(ValueLayout.JAVA_BYTE, vg_error.detail$offset() + 1));
            detail.fill((byte) 'x');
            assertEquals("x".repeat(248), NativeCore.cString(detail), "no NUL: the whole array, no overrun");
            assertEquals(248, vg_error.detail$dimensions()[0]);
        }
    }

    @Test
    void exceptionMessageNamesOperationDetailAndErrno() {
        var e = new NativeCoreException("sandbox setup", 5, 13, "EACCES", "bind /home/u/.npm");
        assertEquals("sandbox setup failed: bind /home/u/.npm: EACCES", e.getMessage());
        assertEquals("mount", e.stepName());
        assertFalse(e.commandNotFound());
        var noDetail = new NativeCoreException("sandbox setup", 14, 22, "EINVAL", "");
        assertEquals("sandbox setup failed: seccomp: EINVAL", noDetail.getMessage());
        assertTrue(new NativeCoreException("sandbox setup", 16, 2, "ENOENT", "execve npm").commandNotFound());
        assertTrue(new NativeCoreException("sandbox setup", 16, 13, "EACCES", "execve x").commandNotExecutable());
    }

    @Test
    void requestsRejectWhatCCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder(List.of()).build());
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder(List.of("sh", "a\0b")).build());
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder(List.of("sh")).env(List.of("NOVALUE")).build());
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder(List.of("sh")).seccompFilter(new byte[7]).build());
        assertThrows(IllegalArgumentException.class, () -> MountOp.bind("/a\0", "/a", 0));
        assertThrows(IllegalArgumentException.class, () -> new MountOp(42, 0, null, "/x", null));
        assertThrows(IllegalArgumentException.class, () -> new SeccompRule("x", 0, List.of(
                new SeccompArg(0, 4, 0, 0), new SeccompArg(1, 4, 0, 0), new SeccompArg(2, 4, 0, 0),
                new SeccompArg(3, 4, 0, 0), new SeccompArg(4, 4, 0, 0), new SeccompArg(5, 4, 0, 0),
                new SeccompArg(5, 4, 1, 0))));
        assertThrows(IllegalArgumentException.class, () -> new SeccompArg(6, 4, 0, 0));
        byte[] filter = new byte[8];
        SpawnRequest r = SpawnRequest.builder(List.of("sh")).seccompFilter(filter).build();
        filter[0] = 1;
        assertEquals(0, r.seccompFilter()[0], "the request keeps its own copy");
    }

    @Test
    void constantsComeFromTheHeader() {
        assertEquals(1, MountOp.BIND);
        assertEquals(9, MountOp.MASK);
        assertEquals(4, MountOp.NOEXEC);
        assertEquals(0x40, SpawnRequest.NS_CGROUP);
        assertEquals(0x4, SpawnRequest.DIE_WITH_PARENT);
    }

    // --- calls into the C core: skipped until the native engineer's library exports them ---

    private static void assumeExported(String... symbols) {
        assumeTrue(NativeCore.available(), () -> NativeCore.unavailableReason().orElse(""));
        for (String symbol : symbols) {
            assumeTrue(VgCoreLoader.hasSymbol(symbol), "libvgcore.so does not export " + symbol + " yet");
        }
    }

    @Test
    void abiVersionIsOne() {
        assumeExported("vg_abi_version");
        assertEquals(vg_core_h.VG_CORE_ABI_VERSION(), vg_core_h.vg_abi_version());
    }

    @Test
    void errnoNames() {
        assumeExported("vg_errno_name");
        assertEquals("EACCES", NativeCore.errnoName(13));
        assertEquals("ENOENT", NativeCore.errnoName(2));
        assertEquals("E?", NativeCore.errnoName(99999));
    }

    @Test
    void pipeAndClose() throws Exception {
        assumeExported("vg_pipe", "vg_close");
        int[] fds = NativeCore.pipe();
        assertEquals(2, fds.length);
        assertNotEquals(fds[0], fds[1]);
        assertTrue(NativeCore.close(fds[0]));
        assertTrue(NativeCore.close(fds[1]));
        assertFalse(NativeCore.close(fds[1]), "closing twice fails (EBADF)");
    }

    @Test
    void probeReportsTheRunningKernel() throws Exception {
        assumeExported("vg_probe");
        KernelFeatures features = NativeCore.probe();
        String[] release = System.getProperty("os.version").split("[.-]");
        assertEquals(Integer.parseInt(release[0]), features.kernelMajor());
        assertEquals(Integer.parseInt(release[1]), features.kernelMinor());
        assertTrue(features.landlockAbi() >= 0);
    }

    @Test
    void seccompCompilesToWholeSockFilters() throws Exception {
        assumeExported("vg_seccomp_compile", "vg_errno_name");
        byte[] program = NativeCore.compileSeccomp(List.of(
                new SeccompRule("ptrace", 0x00050001),
                new SeccompRule("no_such_syscall_on_any_arch", 0x00050001),
                new SeccompRule("ioctl", 0x00050001, List.of(new SeccompArg(1, SeccompArg.MASKED_EQ, 0xffffffffL, 0x5412)))),
                0x7fff0000);
        assertTrue(program.length > 0);
        assertEquals(0, program.length % 8);
    }

    @Test
    void spawnRunsACommandAndReportsItsExitCode() throws Exception {
        assumeExported("vg_spawn", "vg_wait", "vg_kill", "vg_release", "vg_errno_name");
        SpawnRequest r = SpawnRequest.builder(List.of("/bin/sh", "-c", "exit 3"))
                .env(List.of("PATH=/usr/bin:/bin"))
                .searchPath("/usr/bin:/bin")
                .flags(SpawnRequest.NEW_SESSION | SpawnRequest.NO_NEW_PRIVS | SpawnRequest.DIE_WITH_PARENT)
                .build();
        try (NativeProcess process = NativeCore.spawn(r)) {
            assertTrue(process.pid() > 0);
            assertEquals(OptionalInt.of(3), process.waitFor(10_000));
        }
    }

    @Test
    void spawnOfAMissingCommandSaysNotFound() throws Exception {
        assumeExported("vg_spawn", "vg_errno_name");
        SpawnRequest r = SpawnRequest.builder(List.of("vg-no-such-command-" + ProcessHandle.current().pid()))
                .searchPath("/usr/bin:/bin")
                .build();
        NativeCoreException e = assertThrows(NativeCoreException.class, () -> NativeCore.spawn(r).close());
        assertTrue(e.commandNotFound(), e.getMessage());
        assertTrue(e.getMessage().startsWith("sandbox setup failed: "), e.getMessage());
    }
}
