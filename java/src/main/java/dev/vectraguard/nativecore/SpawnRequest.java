package dev.vectraguard.nativecore;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a sandbox is, as {@link NativeCore#spawn(SpawnRequest)} hands it to {@code vg_spawn}.
 * Paths in mounts, Landlock rules and {@code cwd} are paths inside the sandbox. Null strings become
 * NULL pointers; empty lists and a null seccomp filter mean "none".
 *
 * @param argv the command; argv[0] is looked up in {@code searchPath} unless it contains a '/'
 * @param env the complete environment, "K=V" entries
 * @param namespaces {@code NS_*} bits
 * @param flags {@code NEW_SESSION | NO_NEW_PRIVS | DIE_WITH_PARENT} bits
 * @param uid uid inside the sandbox, mapped to the caller's real uid
 * @param gid gid inside the sandbox, mapped to the caller's real gid
 * @param landlockHandledFs LANDLOCK_ACCESS_FS_* handled; 0 = no filesystem restriction
 * @param landlockHandledNet LANDLOCK_ACCESS_NET_* handled; 0 = no network restriction
 * @param landlockScoped LANDLOCK_SCOPE_* bits (ABI >= 6); 0 = none
 * @param cgroupProcsFds open cgroup.procs (v2) or tasks (v1) files; the sandbox init writes "0" to each first
 * @param seccompFilter a program from {@link NativeCore#compileSeccomp}; null = no filter
 * @param capabilitiesKeep bit N keeps capability N; 0 drops all
 * @param stdinFd caller fd that becomes fd 0 (likewise stdout, stderr)
 * @param scratchSize bytes of the sandbox's scratch tmpfs ("mode=" tmpfs targets, /dev/shm, overlay uppers
 *                    together); 0 = the kernel's default (half of the host's RAM)
 * @param scratchInodes inodes of the scratch tmpfs; 0 = the kernel's default
 * @param nice the command's nice value is raised to this (0..19; never lowered); 0 = unchanged
 */
public record SpawnRequest(
        List<String> argv,
        List<String> env,
        String searchPath,
        String cwd,
        String hostname,
        int namespaces,
        int flags,
        int uid,
        int gid,
        List<MountOp> mounts,
        List<LandlockPathRule> landlockPathRules,
        long landlockHandledFs,
        long landlockHandledNet,
        List<LandlockPortRule> landlockPortRules,
        long landlockScoped,
        List<RLimit> rlimits,
        int[] cgroupProcsFds,
        byte[] seccompFilter,
        long capabilitiesKeep,
        int stdinFd,
        int stdoutFd,
        int stderrFd,
        long scratchSize,
        long scratchInodes,
        int nice) {

    public static final int NS_USER = vg_core_h.VG_NS_USER();
    public static final int NS_MOUNT = vg_core_h.VG_NS_MOUNT();
    public static final int NS_PID = vg_core_h.VG_NS_PID();
    public static final int NS_IPC = vg_core_h.VG_NS_IPC();
    public static final int NS_UTS = vg_core_h.VG_NS_UTS();
    public static final int NS_NET = vg_core_h.VG_NS_NET();
    public static final int NS_CGROUP = vg_core_h.VG_NS_CGROUP();

    public static final int NEW_SESSION = vg_core_h.VG_SPAWN_NEW_SESSION();
    public static final int NO_NEW_PRIVS = vg_core_h.VG_SPAWN_NO_NEW_PRIVS();
    public static final int DIE_WITH_PARENT = vg_core_h.VG_SPAWN_DIE_WITH_PARENT();

    public SpawnRequest {
        argv = NativeStrings.checkAll("argv", argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        env = NativeStrings.checkAll("env", env);
        for (String entry : env) {
            if (entry.indexOf('=') <= 0) {
                throw new IllegalArgumentException("env entry is not K=V: " + entry);
            }
        }
        NativeStrings.checkNullable("searchPath", searchPath);
        NativeStrings.checkNullable("cwd", cwd);
        NativeStrings.checkNullable("hostname", hostname);
        mounts = List.copyOf(mounts);
        landlockPathRules = List.copyOf(landlockPathRules);
        landlockPortRules = List.copyOf(landlockPortRules);
        rlimits = List.copyOf(rlimits);
        if (scratchSize < 0 || scratchInodes < 0) {
            throw new IllegalArgumentException("scratch bounds must not be negative: " + scratchSize + " bytes, "
                    + scratchInodes + " inodes");
        }
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("nice must be 0..19: " + nice);
        }
        cgroupProcsFds = cgroupProcsFds == null ? new int[0] : cgroupProcsFds.clone();
        if (seccompFilter != null) {
            if (seccompFilter.length == 0 || seccompFilter.length % 8 != 0) {
                throw new IllegalArgumentException("seccomp filter length must be a positive multiple of 8: "
                        + seccompFilter.length);
            }
            seccompFilter = seccompFilter.clone();
        }
    }

    @Override
    public int[] cgroupProcsFds() {
        return cgroupProcsFds.clone();
    }

    @Override
    public byte[] seccompFilter() {
        return seccompFilter == null ? null : seccompFilter.clone();
    }

    // Package-private views without the defensive copy, for marshalling.
    int[] cgroupProcsFdsView() {
        return cgroupProcsFds;
    }

    byte[] seccompFilterView() {
        return seccompFilter;
    }

    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    /** Builds a request; defaults: empty environment, no namespaces, stdio 0/1/2, nothing else. */
    public static final class Builder {
        private final List<String> argv;
        private List<String> env = List.of();
        private String searchPath;
        private String cwd;
        private String hostname;
        private int namespaces;
        private int flags;
        private int uid;
        private int gid;
        private final List<MountOp> mounts = new ArrayList<>();
        private final List<LandlockPathRule> landlockPathRules = new ArrayList<>();
        private long landlockHandledFs;
        private long landlockHandledNet;
        private final List<LandlockPortRule> landlockPortRules = new ArrayList<>();
        private long landlockScoped;
        private final List<RLimit> rlimits = new ArrayList<>();
        private int[] cgroupProcsFds = new int[0];
        private byte[] seccompFilter;
        private long capabilitiesKeep;
        private int stdinFd = 0;
        private int stdoutFd = 1;
        private int stderrFd = 2;
        private long scratchSize;
        private long scratchInodes;
        private int nice;

        private Builder(List<String> argv) {
            this.argv = Objects.requireNonNull(argv, "argv");
        }

        public Builder env(List<String> env) { this.env = env; return this; }
        public Builder searchPath(String searchPath) { this.searchPath = searchPath; return this; }
        public Builder cwd(String cwd) { this.cwd = cwd; return this; }
        public Builder hostname(String hostname) { this.hostname = hostname; return this; }
        public Builder namespaces(int namespaces) { this.namespaces = namespaces; return this; }
        public Builder flags(int flags) { this.flags = flags; return this; }
        public Builder uid(int uid) { this.uid = uid; return this; }
        public Builder gid(int gid) { this.gid = gid; return this; }
        public Builder mount(MountOp mount) { this.mounts.add(mount); return this; }
        public Builder mounts(List<MountOp> mounts) { this.mounts.addAll(mounts); return this; }
        public Builder landlockPathRule(LandlockPathRule rule) { this.landlockPathRules.add(rule); return this; }
        public Builder landlockHandledFs(long access) { this.landlockHandledFs = access; return this; }
        public Builder landlockHandledNet(long access) { this.landlockHandledNet = access; return this; }
        public Builder landlockPortRule(LandlockPortRule rule) { this.landlockPortRules.add(rule); return this; }
        public Builder landlockScoped(long scopes) { this.landlockScoped = scopes; return this; }
        public Builder rlimit(RLimit limit) { this.rlimits.add(limit); return this; }
        public Builder cgroupProcsFds(int... fds) { this.cgroupProcsFds = fds; return this; }
        public Builder seccompFilter(byte[] filter) { this.seccompFilter = filter; return this; }
        public Builder capabilitiesKeep(long capabilities) { this.capabilitiesKeep = capabilities; return this; }
        public Builder stdio(int stdinFd, int stdoutFd, int stderrFd) {
            this.stdinFd = stdinFd;
            this.stdoutFd = stdoutFd;
            this.stderrFd = stderrFd;
            return this;
        }

        public Builder scratch(long bytes, long inodes) {
            this.scratchSize = bytes;
            this.scratchInodes = inodes;
            return this;
        }

        public Builder nice(int nice) { this.nice = nice; return this; }

        public SpawnRequest build() {
            return new SpawnRequest(argv, env, searchPath, cwd, hostname, namespaces, flags, uid, gid, mounts,
                    landlockPathRules, landlockHandledFs, landlockHandledNet, landlockPortRules, landlockScoped,
                    rlimits, cgroupProcsFds, seccompFilter, capabilitiesKeep, stdinFd, stdoutFd, stderrFd, scratchSize,
                    scratchInodes, nice);
        }
    }
}
