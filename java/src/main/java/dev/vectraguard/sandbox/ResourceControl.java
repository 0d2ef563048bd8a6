package dev.vectraguard.sandbox;

import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.nativecore.RLimit;
import dev.vectraguard.probe.CgroupProbe;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies {@link ResourceLimits} to one sandbox: cgroups where the machine has a usable hierarchy
 * (v2 with the controllers enabled for us, or v1 as root), rlimits otherwise. {@link #description()}
 * says which were applied.
 */
public final class ResourceControl implements AutoCloseable {
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** This process's pid namespace (the inode of /proc/self/ns/pid), part of its cgroups' names. */
    private static final String UNKNOWN_NAMESPACE = "unknown";
    private static final String PID_NAMESPACE = pidNamespace();
    private static final AtomicBoolean SWEPT = new AtomicBoolean();
    private static final int RLIMIT_DATA = 2;
    private static final int RLIMIT_CORE = 4;
    private static final int RLIMIT_NPROC = 6;
    private static final int RLIMIT_NICE = 13;
    private static final int CPU_PERIOD_US = 100_000;

    /**
     * The nice value of every sandboxed command: on a contended machine the host's own processes
     * (nice 0) win, on an idle one the command runs at full speed. RLIMIT_NICE 0 keeps the command
     * from taking it back.
     */
    public static final int NICE = 10;

    /** Cgroup sets kept for reuse per limits: as many as sandboxes have run at once, up to this. */
    private static final int POOL_LIMIT = 8;

    private final ResourceLimits limits;
    private final List<Path> cgroupDirs;
    private final int[] procsFds;
    private final List<RLimit> rlimits;
    private final String description;
    /** The files read and written again when the cgroups are reused; null with rlimits. */
    private final CgroupFiles files;
    /** Out-of-memory kills counted in these cgroups before this sandbox (they may be reused). */
    private final long oomKillsBefore;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Why the limits are weaker than asked (no usable cgroup), or null. */
    private final String notice;

    /**
     * @param oomCounter the file with the memory cgroup's "oom_kill N" line (v1 memory.oom_control, v2 memory.events)
     * @param cpuLimit   the CPU quota file (v1 cpu.cfs_quota_us, v2 cpu.max) and {@code cpuValue} its content
     *                   (no quota: -1, "max 100000")
     */
    private record CgroupFiles(Path oomCounter, Path cpuLimit, String cpuValue) {}

    private ResourceControl(ResourceLimits limits, List<Path> cgroupDirs, int[] procsFds, List<RLimit> rlimits,
                            String description, CgroupFiles files, long oomKillsBefore, String notice) {
        this.limits = limits;
        this.cgroupDirs = cgroupDirs;
        this.procsFds = procsFds;
        this.rlimits = rlimits;
        this.description = description;
        this.files = files;
        this.oomKillsBefore = oomKillsBefore;
        this.notice = notice;
    }

    /**
     * Cgroups of ended sandboxes, empty and ready for the next sandbox with the same limits: creating
     * and removing three cgroups per sandbox costs more than the sandbox's own setup, and a JVM that
     * starts sandboxes one after another needs just one set.
     */
    private static final Map<ResourceLimits, Deque<ResourceControl>> POOL = new ConcurrentHashMap<>();
    private static volatile boolean shuttingDown;

    static {
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            SandboxCleanup.drain();
            removePooled();
        }, "vg-cgroup-cleanup"));
    }

    /** Limits a container engine applies itself: nothing for vg to create or remove. */
    static ResourceControl byEngine(ResourceLimits limits, String description) {
        return new ResourceControl(limits, List.of(), new int[0], List.of(), description, null, 0, null);
    }

    /** Limits for one sandbox: a pooled cgroup set if there is one, else new cgroups. */
    public static ResourceControl acquire(ResourceLimits limits) throws SandboxException {
        Deque<ResourceControl> pooled = POOL.get(limits);
        ResourceControl ready = pooled == null ? null : pooled.pollFirst();
        return ready != null ? ready : apply(limits);
    }

    static ResourceControl apply(ResourceLimits limits) throws SandboxException {
        List<RLimit> base = List.of(new RLimit(RLIMIT_CORE, 0, 0), new RLimit(RLIMIT_NICE, 0, 0));
        String name = "run-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "." + PID_NAMESPACE;
        CgroupProbe.CgroupInfo cgroups = CgroupProbe.probe();
        String whyNot = cgroups.reason();
        if (cgroups.usableForLimits() && cgroups.version() == 2) {
            try {
                return cgroupV2(limits, name, base, cgroups.base());
            } catch (IOException e) {
                whyNot = "cannot enable the cgroup v2 controllers in " + cgroups.base() + ": " + e.getMessage();
            }
        } else if (cgroups.usableForLimits() && cgroups.version() == 1) {
            return cgroupV1(limits, name, base);
        }
        List<RLimit> rlimits = new ArrayList<>(base);
        rlimits.add(new RLimit(RLIMIT_DATA, limits.memoryBytes(), limits.memoryBytes()));
        rlimits.add(new RLimit(RLIMIT_NPROC, limits.pids(), limits.pids()));
        return new ResourceControl(limits, List.of(), new int[0], List.copyOf(rlimits),
                "rlimits: memory " + mib(limits.memoryBytes()) + " (data), pids " + limits.pids()
                        + ", cpu not limited (nice " + NICE + ")",
                null, 0, "limits are rlimits, not cgroups: " + whyNot);
    }

    private static ResourceControl cgroupV1(ResourceLimits limits, String name, List<RLimit> base) throws SandboxException {
        if (SWEPT.compareAndSet(false, true)) {
            for (String controller : List.of("memory", "pids", "cpu")) {
                removeStale(CGROUP_ROOT.resolve(controller).resolve("vectra-guard"));
            }
        }
        List<Path> dirs = new ArrayList<>();
        try {
            Path memory = create(CGROUP_ROOT.resolve("memory/vectra-guard").resolve(name), dirs);
            write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            if (Files.exists(memsw)) {
                write(memsw, Long.toString(limits.memoryBytes()));
            }
            Path pids = create(CGROUP_ROOT.resolve("pids/vectra-guard").resolve(name), dirs);
            write(pids.resolve("pids.max"), Integer.toString(limits.pids()));
            Path cpu = create(CGROUP_ROOT.resolve("cpu/vectra-guard").resolve(name), dirs);
            write(cpu.resolve("cpu.shares"), Long.toString(Math.clamp(limits.cpuMillis() * 1024L / 1000, 2, 262_144)));
            write(cpu.resolve("cpu.cfs_period_us"), Integer.toString(CPU_PERIOD_US));
            CgroupFiles files = new CgroupFiles(memory.resolve("memory.oom_control"), cpu.resolve("cpu.cfs_quota_us"),
                    limits.cpuQuota() ? Long.toString(quotaMicros(limits)) : "-1");
            write(files.cpuLimit(), files.cpuValue());
            // v1 "tasks" moves one thread (the sandbox init has one) without the global threadgroup
            // lock that a cgroup.procs write takes: that lock's RCU grace period made one spawn in
            // fifty wait 10-20 ms.
            int[] fds = openJoinFiles(dirs, "tasks");
            return new ResourceControl(limits, List.copyOf(dirs), fds, base,
                    "cgroup v1: memory " + mib(limits.memoryBytes()) + ", " + cpuDescription(limits) + ", pids " + limits.pids(),
                    files, 0, null);
        } catch (IOException e) {
            removeAll(dirs);
            throw new SandboxException("cannot set up cgroup limits: " + e.getMessage());
        }
    }

    private static String pidNamespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(); // pid:[4026531836]
            String inode = link.substring(link.indexOf('[') + 1, link.length() - 1);
            return !inode.isEmpty() && inode.chars().allMatch(Character::isDigit) ? inode : UNKNOWN_NAMESPACE;
        } catch (IOException | RuntimeException e) {
            return UNKNOWN_NAMESPACE;
        }
    }

    /**
     * Removes the cgroups of vg processes that died without cleaning up (killed, power loss). A cgroup
     * is named {@code run-PID-N.PIDNS}: only those of this pid namespace can be judged by their owner's
     * pid; another namespace's (a vg in a container, or on the host seen from one) are left alone,
     * as are names this version does not know. (Versions before the namespace was in the name read
     * {@code run-PID-N...} and keep a cgroup whose PID they see alive.)
     */
    private static void removeStale(Path parent) {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(parent, "run-*")) {
            for (Path run : runs) {
                String[] parts = run.getFileName().toString().split("-");
                boolean judged = parts.length == 3 && !PID_NAMESPACE.equals(UNKNOWN_NAMESPACE)
                        && parts[2].endsWith("." + PID_NAMESPACE) && parts[1].chars().allMatch(Character::isDigit);
                if (judged && ProcessHandle.of(Long.parseLong(parts[1])).isEmpty()) {
                    try {
                        Files.deleteIfExists(run);
                    } catch (IOException busy) {
                        // still has tasks: left for a later sweep
                    }
                }
            }
        } catch (IOException | RuntimeException absent) {
            // no vectra-guard cgroups yet
        }
    }

    /**
     * v2 under {@code cgroupBase} (the root, or the cgroup systemd delegated to this user, {@link CgroupProbe}).
     *
     * @throws IOException when the controllers cannot be enabled for vg's cgroups
     */
    private static ResourceControl cgroupV2(ResourceLimits limits, String name, List<RLimit> base, Path cgroupBase)
            throws IOException, SandboxException {
        Path parent = cgroupBase.resolve("vectra-guard");
        if (!cgroupBase.equals(CGROUP_ROOT)) {
            moveProcessesToCallers(cgroupBase);
        }
        write(cgroupBase.resolve("cgroup.subtree_control"), "+memory +pids +cpu");
        Files.createDirectories(parent);
        write(parent.resolve("cgroup.subtree_control"), "+memory +pids +cpu");
        if (SWEPT.compareAndSet(false, true)) {
            removeStale(parent);
        }
        List<Path> dirs = new ArrayList<>();
        try {
            Path run = create(parent.resolve(name), dirs);
            write(run.resolve("memory.max"), Long.toString(limits.memoryBytes()));
            write(run.resolve("memory.swap.max"), "0");
            write(run.resolve("pids.max"), Integer.toString(limits.pids()));
            write(run.resolve("cpu.weight"), Long.toString(Math.clamp(limits.cpuMillis() / 10, 1, 10_000)));
            CgroupFiles files = new CgroupFiles(run.resolve("memory.events"), run.resolve("cpu.max"),
                    (limits.cpuQuota() ? Long.toString(quotaMicros(limits)) : "max") + " " + CPU_PERIOD_US);
            write(files.cpuLimit(), files.cpuValue());
            int[] fds = openJoinFiles(dirs, "cgroup.procs");
            return new ResourceControl(limits, List.copyOf(dirs), fds, base,
                    "cgroup v2" + (cgroupBase.equals(CGROUP_ROOT) ? "" : " (delegated)") + ": memory " + mib(limits.memoryBytes())
                            + ", " + cpuDescription(limits) + ", pids " + limits.pids(),
                    files, 0, null);
        } catch (IOException e) {
            removeAll(dirs);
            throw new SandboxException("cannot set up cgroup limits: " + e.getMessage());
        }
    }

    /**
     * A cgroup v2 that gives controllers to its children may hold no process itself: the processes of
     * the delegated cgroup (vg, and the shell that started it in the scope) move to its
     * {@link CgroupProbe#CALLERS} child, where later vg processes of the scope start too.
     */
    private static void moveProcessesToCallers(Path delegated) throws IOException {
        Path callers = delegated.resolve(CgroupProbe.CALLERS);
        for (int round = 0; round < 3; round++) { // a process may fork while the others move
            List<String> pids = Files.readAllLines(delegated.resolve("cgroup.procs"));
            if (pids.isEmpty()) {
                return;
            }
            Files.createDirectories(callers);
            for (String pid : pids) {
                try {
                    write(callers.resolve("cgroup.procs"), pid);
                } catch (IOException e) {
                    if (ProcessHandle.of(Long.parseLong(pid.trim())).isPresent()) {
                        throw e;
                    } // else it exited meanwhile
                }
            }
        }
    }

    /** Open cgroup.procs (v2) or tasks (v1) files of the sandbox's cgroups, which its init joins (empty with rlimits). */
    public int[] cgroupProcsFds() {
        return procsFds;
    }

    public List<RLimit> rlimits() {
        return rlimits;
    }

    String description() {
        return description;
    }

    /** What the user should know about these limits (rlimits instead of cgroups, and why), or null. */
    public String notice() {
        return notice;
    }

    /** The cgroup directories this sandbox joins (empty with rlimits). */
    public List<Path> cgroupDirs() {
        return cgroupDirs;
    }

    /**
     * Whether the memory limit stopped the command: an out-of-memory kill happened in its cgroup, or
     * with rlimits (which refuse memory rather than kill, and leave no count) the command failed after
     * one of its processes had a resident set of three quarters of the limit or more.
     *
     * @param status     the command's exit status, null while it runs
     * @param peakBytes  the largest resident set of the sandbox's processes
     */
    boolean memoryLimitHit(Integer status, long peakBytes) {
        if (files == null) {
            return status != null && status != 0 && peakBytes >= limits.memoryBytes() / 4 * 3;
        }
        return oomKills() > oomKillsBefore;
    }

    /** Out-of-memory kills counted so far in the memory cgroup; 0 without cgroups. */
    private long oomKills() {
        if (files == null) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(files.oomCounter())) {
                if (line.startsWith("oom_kill ")) {
                    return Long.parseLong(line.substring("oom_kill ".length()).trim());
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            // counted as none
        }
        return 0;
    }

    /**
     * The sandbox has ended and its init is reaped: its cgroups are empty. They go back to the pool
     * for the next sandbox with the same limits, or are removed when the pool is full, the JVM is
     * exiting, or (never expected) a process is still in them.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // the cgroups may already serve another sandbox
        }
        if (!cgroupDirs.isEmpty() && !shuttingDown && empty() && resetCpuBudget()) {
            Deque<ResourceControl> pooled = POOL.computeIfAbsent(limits, key -> new ConcurrentLinkedDeque<>());
            if (pooled.size() < POOL_LIMIT) {
                ResourceControl reused = new ResourceControl(limits, cgroupDirs, procsFds, rlimits, description, files, oomKills(), null);
                pooled.addFirst(reused);
                if (!shuttingDown || !pooled.remove(reused)) {
                    return; // pooled, or removed by removePooled meanwhile
                }
            }
        }
        remove();
    }

    /** Closes the fds and removes the cgroups. */
    private void remove() {
        for (int fd : procsFds) {
            NativeCore.close(fd);
        }
        removeAll(cgroupDirs);
    }

    /**
     * Writing the CPU quota again gives the next sandbox a full budget for the current period: the
     * quota is per cgroup, and the ended sandbox may have used this period's share.
     */
    private boolean resetCpuBudget() {
        try {
            write(files.cpuLimit(), files.cpuValue());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean empty() {
        for (Path dir : cgroupDirs) {
            try {
                if (!Files.readString(dir.resolve("cgroup.procs")).isEmpty()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** At JVM exit (after the last sandbox's cleanup): removes every pooled cgroup. */
    private static void removePooled() {
        shuttingDown = true;
        for (Deque<ResourceControl> pooled : POOL.values()) {
            for (ResourceControl control; (control = pooled.pollFirst()) != null; ) {
                control.remove();
            }
        }
    }

    /** The files the sandbox init writes "0" to, to join each cgroup. */
    private static int[] openJoinFiles(List<Path> dirs, String file) throws IOException {
        int[] fds = new int[dirs.size()];
        for (int i = 0; i < fds.length; i++) {
            try {
                fds[i] = NativeCore.open(dirs.get(i).resolve(file).toString(), NativeCore.O_WRONLY);
            } catch (NativeCoreException e) {
                for (int j = 0; j < i; j++) {
                    NativeCore.close(fds[j]);
                }
                throw new IOException(e.getMessage());
            }
        }
        return fds;
    }

    private static Path create(Path dir, List<Path> created) throws IOException {
        Files.createDirectories(dir);
        created.add(dir);
        return dir;
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    private static void removeAll(List<Path> dirs) {
        for (Path dir : dirs) {
            for (int attempt = 0; attempt < 50; attempt++) {
                try {
                    Files.deleteIfExists(dir);
                    break;
                } catch (IOException busy) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
    }

    private static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }

    /** The CPU time the quota allows per {@link #CPU_PERIOD_US}. */
    private static long quotaMicros(ResourceLimits limits) {
        return limits.cpuMillis() * (long) CPU_PERIOD_US / 1000;
    }

    /** "cpu share 1 (no quota), nice 10" or "cpu quota 0.5 (hard), nice 10". */
    private static String cpuDescription(ResourceLimits limits) {
        return "cpu " + (limits.cpuQuota() ? "quota " + cpus(limits.cpuMillis()) + " (hard)" : "share " + cpus(limits.cpuMillis()) + " (no quota)")
                + ", nice " + NICE;
    }

    private static String cpus(int millis) {
        return millis % 1000 == 0 ? Integer.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }
}
