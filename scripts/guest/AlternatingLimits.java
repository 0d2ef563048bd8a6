import dev.vectraguard.sandbox.Environment;
import dev.vectraguard.sandbox.ResourceLimits;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.Stdio;
import dev.vectraguard.sandbox.namespace.NativeRuntime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Guest check (scripts/guest/checks): sandboxes with two different limits, one after another in one
 * JVM, so that the later ones run in reused cgroups and namespaces. Each sandbox's cgroup v2 files
 * are read from outside while it waits, then it allocates 100 MB: killed under the small limit,
 * allowed under the large one. Prints "ok - ..." / "not ok - ...: why" lines; exits 1 on a failure.
 */
public final class AlternatingLimits {
    private static final long MIB = 1024 * 1024;
    private static final String ALLOCATE = "read go; python3 -c 'b = bytearray(100 * 1024 * 1024); print(\"allocated\")'";

    public static void main(String[] args) throws Exception {
        Path workspace = Path.of(args[0]);
        ResourceLimits small = new ResourceLimits(64 * MIB, 250, 32, true);
        ResourceLimits large = new ResourceLimits(512 * MIB, 1000, 128, false);
        boolean failed = false;
        int round = 0;
        for (ResourceLimits limits : new ResourceLimits[] {small, large, small, large, small}) {
            round++;
            failed |= !check(round, limits, limits == small, workspace);
        }
        System.exit(failed ? 1 : 0);
    }

    private static boolean check(int round, ResourceLimits limits, boolean expectKill, Path workspace) throws Exception {
        SandboxSpec spec = SandboxSpec.builder("sh", "-c", ALLOCATE)
                .workspace(workspace)
                .securityLevel(SecurityLevel.BALANCED)
                .environment(Environment.whitelisted(System.getenv(), Environment.DEFAULT_WHITELIST))
                .limits(limits)
                .stdin(Stdio.PIPE).stdout(Stdio.PIPE).stderr(Stdio.PIPE)
                .build();
        String name = "sandbox " + round + " in one JVM (memory " + limits.memoryBytes() / MIB + " MiB, pids " + limits.pids()
                + ", cpu " + limits.cpuMillis() + "m " + (limits.cpuQuota() ? "quota" : "share") + ")";
        try (SandboxProcess process = new NativeRuntime().start(spec)) {
            Path cgroup = cgroupOf(process.pid());
            String memory = read(cgroup.resolve("memory.max"));
            String pids = read(cgroup.resolve("pids.max"));
            String cpu = read(cgroup.resolve("cpu.max"));
            String weight = read(cgroup.resolve("cpu.weight"));
            process.stdin().write('\n');
            process.stdin().close();
            String out = new String(process.stdout().readAllBytes(), StandardCharsets.UTF_8);
            int status = process.waitFor();
            String seen = "cgroup " + cgroup + ": memory.max " + memory + ", pids.max " + pids + ", cpu.max " + cpu + ", cpu.weight " + weight
                    + "; exit " + status + ", stdout " + out.strip() + "; " + process.limitsDescription();
            boolean filesRight = memory.equals(Long.toString(limits.memoryBytes())) && pids.equals(Integer.toString(limits.pids()))
                    && cpu.equals((limits.cpuQuota() ? Integer.toString(limits.cpuMillis() * 100) : "max") + " 100000")
                    && weight.equals(Integer.toString(limits.cpuMillis() / 10));
            boolean effectRight = expectKill ? status == 137 && !out.contains("allocated") : status == 0 && out.contains("allocated");
            if (filesRight && effectRight) {
                System.out.println("ok - " + name + ": its own limits (" + seen + ")");
                return true;
            }
            System.out.println("not ok - " + name + ": " + seen);
            return false;
        }
    }

    /** The cgroup v2 directory of a process, from its /proc/PID/cgroup "0::/path" line. */
    private static Path cgroupOf(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            if (line.startsWith("0::")) {
                return Path.of("/sys/fs/cgroup" + line.substring(3));
            }
        }
        throw new IllegalStateException("no cgroup v2 line in /proc/" + pid + "/cgroup");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (Exception e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
