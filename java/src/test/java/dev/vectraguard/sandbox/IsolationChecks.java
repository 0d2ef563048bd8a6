package dev.vectraguard.sandbox;

import dev.vectraguard.sandbox.bubblewrap.BubblewrapRuntime;
import dev.vectraguard.sandbox.namespace.NamespacePoolChecks;
import dev.vectraguard.sandbox.namespace.NativeRuntime;
import dev.vectraguard.sandbox.container.ContainerRuntime;
import dev.vectraguard.sandbox.container.DockerRuntime;
import dev.vectraguard.sandbox.container.PodmanRuntime;
import dev.vectraguard.testing.PortableClasspath;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The isolation properties of a sandbox runtime, each checked by running a real command in a real
 * sandbox and looking from outside. Run in-process by {@link SandboxIsolationTest} (as the test
 * user, root in CI) and in a child JVM as an unprivileged user by {@link UnprivilegedIsolationTest};
 * against bubblewrap by {@link BubblewrapIsolationTest}, against docker and podman by
 * {@link DockerIsolationTest} and {@link PodmanIsolationTest} (system property {@code vg.test.runtime}).
 */
public final class IsolationChecks {
    /**
     * The runtime under test: native unless {@code -Dvg.test.runtime=bubblewrap}, {@code docker} or
     * {@code podman} (the containers of {@code -Dvg.test.image}).
     */
    static Runtime runtime = switch (System.getProperty("vg.test.runtime", NativeRuntime.NAME)) {
        case BubblewrapRuntime.NAME -> new BubblewrapRuntime();
        case DockerRuntime.NAME -> new DockerRuntime(System.getProperty("vg.test.image"));
        case PodmanRuntime.NAME -> new PodmanRuntime(System.getProperty("vg.test.image"));
        default -> new NativeRuntime();
    };
    /** Owner of the workspaces when root tests bubblewrap (which runs a root caller's command as the workspace owner). */
    static final int WORKSPACE_OWNER = 65534;

    /** x86_64 numbers of the syscalls the moderate profile must deny. */
    static final Map<String, Integer> MODERATE_DENIED = new LinkedHashMap<>();

    static {
        MODERATE_DENIED.put("init_module", 175);
        MODERATE_DENIED.put("finit_module", 313);
        MODERATE_DENIED.put("delete_module", 176);
        MODERATE_DENIED.put("kexec_load", 246);
        MODERATE_DENIED.put("kexec_file_load", 320);
        MODERATE_DENIED.put("reboot", 169);
        MODERATE_DENIED.put("swapon", 167);
        MODERATE_DENIED.put("swapoff", 168);
        MODERATE_DENIED.put("mount", 165);
        MODERATE_DENIED.put("umount2", 166);
        MODERATE_DENIED.put("pivot_root", 155);
        MODERATE_DENIED.put("chroot", 161);
        MODERATE_DENIED.put("ptrace", 101);
        MODERATE_DENIED.put("process_vm_readv", 310);
        MODERATE_DENIED.put("process_vm_writev", 311);
        MODERATE_DENIED.put("bpf", 321);
        MODERATE_DENIED.put("perf_event_open", 298);
        MODERATE_DENIED.put("userfaultfd", 323);
        MODERATE_DENIED.put("keyctl", 250);
        MODERATE_DENIED.put("add_key", 248);
        MODERATE_DENIED.put("request_key", 249);
        MODERATE_DENIED.put("io_uring_setup", 425);
        MODERATE_DENIED.put("io_uring_enter", 426);
        MODERATE_DENIED.put("io_uring_register", 427);
        MODERATE_DENIED.put("unshare", 272);
        MODERATE_DENIED.put("setns", 308);
        MODERATE_DENIED.put("open_by_handle_at", 304);
        MODERATE_DENIED.put("settimeofday", 164);
        MODERATE_DENIED.put("clock_settime", 227);
        MODERATE_DENIED.put("clock_adjtime", 305);
        MODERATE_DENIED.put("adjtimex", 159);
    }

    /** One check: throws AssertionError when the property does not hold. */
    public record Check(String name, ThrowingRunnable body) {}

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** What a sandboxed command did. */
    public record Result(int status, String stdout, String stderr) {
        @Override
        public String toString() {
            return "status " + status + ", stdout [" + stdout.strip() + "], stderr [" + stderr.strip() + "]";
        }
    }

    public static List<Check> all() {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("workspace is writable", IsolationChecks::workspaceWritable));
        checks.add(new Check("home outside the workspace leaves nothing on the host", IsolationChecks::homeLeavesNothing));
        checks.add(new Check("host directory outside the workspace is not writable", IsolationChecks::outsideNotWritable));
        checks.add(new Check("/usr and /etc are read-only at strict", IsolationChecks::systemReadOnlyStrict));
        checks.add(new Check("root-only host secrets under /etc are hidden at every level", IsolationChecks::hostSecretsHidden));
        checks.add(new Check("/usr and /etc writes vanish at balanced", IsolationChecks::systemThrowawayBalanced));
        checks.add(new Check("symlink in the workspace does not lead outside", IsolationChecks::symlinkDoesNotLeadOutside));
        checks.add(new Check("/tmp is private", IsolationChecks::tmpPrivate));
        checks.add(new Check("host processes are invisible and cannot be signalled", IsolationChecks::hostProcessesInvisible));
        checks.add(new Check("/proc/1/root does not lead outside", IsolationChecks::procRootContained));
        checks.add(new Check("inherited file descriptors are closed", IsolationChecks::inheritedFdsClosed));
        checks.add(new Check("no network in none mode", IsolationChecks::noNetwork));
        if (runtime instanceof NativeRuntime) {
            checks.addAll(NamespacePoolChecks.all());
        }
        checks.add(new Check("only the given environment is visible", IsolationChecks::environmentExact));
        checks.add(new Check("double-forked process does not survive", IsolationChecks::noOrphans));
        checks.add(new Check("moderate seccomp denies dangerous syscall families", IsolationChecks::moderateSyscallsDenied));
        checks.add(new Check("strict seccomp denies packet, raw and netlink sockets and personality changes",
                IsolationChecks::strictSocketsAndPersonalityDenied));
        checks.add(new Check("a seccomp profile file of the user is applied", IsolationChecks::userSeccompProfile));
        checks.add(new Check("/proc/sys is not writable", IsolationChecks::procSysReadOnly));
        if (limitsMissing()) {
            checks.add(new Check("limits the engine cannot set are refused, or left out with a notice",
                    IsolationChecks::missingLimitsRefused));
        } else {
            checks.add(new Check("memory limit stops a greedy command", IsolationChecks::memoryLimit));
            checks.add(new Check("pids limit stops a fork storm", IsolationChecks::pidsLimit));
        }
        checks.add(new Check("a command that runs out of memory is known to have hit the limit (cgroups and rlimits)",
                IsolationChecks::memoryLimitNoticed));
        if (!container()) {
            checks.add(new Check("limits that are rlimits, not cgroups, say why in a notice", IsolationChecks::rlimitsSayWhy));
        }
        checks.add(new Check("paranoid's memory limit fits an install-sized allocation", IsolationChecks::installFitsParanoid));
        checks.add(new Check("/tmp, /dev/shm, home and overlays share a tmpfs bounded by the memory limit",
                IsolationChecks::scratchMemoryBounded));
        checks.add(new Check("timeout kills the whole sandbox", IsolationChecks::timeoutKills));
        checks.add(new Check("the project's vg config is read-only", IsolationChecks::projectConfigReadOnly));
        checks.add(new Check("git's config and hooks and an editor's settings in the workspace are read-only",
                IsolationChecks::hostActedFilesReadOnly));
        checks.add(new Check("exit codes pass through", IsolationChecks::exitCodes));
        checks.add(new Check("unknown command is exit 127", IsolationChecks::notFound));
        if (container()) {
            checks.add(new Check("the command has no capability, no_new_privs and a seccomp filter",
                    IsolationChecks::noCapabilities));
            checks.add(new Check("restricted networking is refused (exit 125), nothing runs", IsolationChecks::restrictedRefused));
            checks.add(new Check("a missing image is one line and exit 125, never a pull", IsolationChecks::missingImageRefused));
            checks.add(new Check("no container of these checks is left", IsolationChecks::noContainerLeft));
        }
        return checks;
    }

    // ---- checks -------------------------------------------------------------------------

    static void workspaceWritable() throws Exception {
        Path ws = tempDir("ws");
        Result r = run(SecurityLevel.STRICT, ws, "echo sandboxed > out.txt");
        expect(r.status == 0, "write in workspace failed: " + r);
        expect(Files.readString(ws.resolve("out.txt")).equals("sandboxed\n"), "workspace file content wrong");
    }

    static void homeLeavesNothing() throws Exception {
        Path ws = tempDir("ws");
        String marker = "vg-probe-" + System.nanoTime();
        Path home = CallerAccount.homeDirectory(Map.of());
        Result r = run(SecurityLevel.STRICT, ws, "echo x > \"$HOME/" + marker + "\"; cat \"$HOME/" + marker + "\"");
        expect(!Files.exists(home.resolve(marker)), "file written to the real home " + home);
        expect(r.status == 0, "home should be a private writable tmpfs: " + r);
    }

    static void outsideNotWritable() throws Exception {
        Path ws = tempDir("ws");
        Path outside = tempDir("outside");
        Files.writeString(outside.resolve("keep"), "orig");
        for (SecurityLevel level : levels()) {
            Result r = run(level, ws, "echo pwned > " + outside.resolve("new") + "; echo pwned > " + outside.resolve("keep")
                    + "; rm -f " + outside.resolve("keep"));
            expect(!Files.exists(outside.resolve("new")), level + ": file created outside the workspace: " + r);
            expect(Files.readString(outside.resolve("keep")).equals("orig"), level + ": file outside modified: " + r);
        }
    }

    static void systemReadOnlyStrict() throws Exception {
        Path ws = tempDir("ws");
        String marker = "vg-probe-" + System.nanoTime();
        Result r = run(SecurityLevel.STRICT, ws, "touch /usr/" + marker + " && echo usr-writable; touch /etc/" + marker
                + " && echo etc-writable; echo done");
        expect(!r.stdout.contains("writable"), "system dirs writable at strict: " + r);
        expect(!Files.exists(Path.of("/usr", marker)) && !Files.exists(Path.of("/etc", marker)), "marker reached the host");
    }

    /**
     * /etc/shadow and the other files only root may read on the host show nothing in the sandbox, at
     * every level (a root-run sandbox could read them otherwise): masked by a mount (read-only
     * levels, nested paths) or a whiteout in the overlay (balanced, permissive).
     */
    static void hostSecretsHidden() throws Exception {
        Path ws = tempDir("ws");
        List<String> secrets = new ArrayList<>();
        for (String secret : MountPlanner.HOST_SECRETS) {
            if (Files.exists(Path.of(secret))) {
                secrets.add(secret);
            }
        }
        expect(!secrets.isEmpty(), "no host secret to hide on this machine: the check would prove nothing");
        String script = "for f in " + String.join(" ", secrets) + "; do "
                + "if [ -d \"$f\" ]; then ls -A \"$f\"; else cat \"$f\"; fi; done 2>/dev/null | wc -c";
        for (SecurityLevel level : levels()) {
            Result r = run(level, ws, script);
            expect(r.status == 0 && r.stdout.strip().equals("0"), level + ": host secrets readable: " + r);
        }
    }

    /**
     * Balanced: the system directories are a throwaway overlay. Root's writes there succeed and
     * vanish; a user may write there no more than on the host (the overlay's root keeps the lower
     * directory's owner and mode, or loses its write bits when that owner is not mapped).
     */
    static void systemThrowawayBalanced() throws Exception {
        Path ws = tempDir("ws");
        String marker = "vg-probe-" + System.nanoTime();
        Result r = run(SecurityLevel.BALANCED, ws, "touch /usr/" + marker + " /etc/" + marker + "; ls /usr/" + marker
                + "; stat -c %a /usr /etc");
        expect(!Files.exists(Path.of("/usr", marker)) && !Files.exists(Path.of("/etc", marker)),
                "balanced overlay write reached the host: " + r);
        String modes = modeOf("/usr") + "\n" + modeOf("/etc") + "\n";
        if (bubblewrap()) {
            expect(r.stdout.equals(modes) && r.stderr.contains("Read-only file system"),
                    "bubblewrap keeps the system directories read-only at balanced: " + r);
        } else if (container() && ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) != 0) {
            expect(!r.stdout.contains("/usr/" + marker) && r.stderr.contains("Permission denied"),
                    "a user must not write in the image's /usr and /etc: " + r);
        } else if (((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0) {
            expect(r.status == 0 && r.stdout.equals("/usr/" + marker + "\n" + modes),
                    "balanced overlay should accept root's write inside the sandbox, with the host's modes: " + r);
        } else {
            String readOnly = Integer.toOctalString(Integer.parseInt(modeOf("/usr"), 8) & ~0222) + "\n"
                    + Integer.toOctalString(Integer.parseInt(modeOf("/etc"), 8) & ~0222) + "\n";
            expect(r.stdout.equals(readOnly) && r.stderr.contains("Permission denied"),
                    "a user must not write at the top of root's /usr, /etc in the overlay: " + r);
        }
    }

    private static String modeOf(String path) throws IOException {
        int mode = (Integer) Files.getAttribute(Path.of(path), "unix:mode") & 07777;
        return Integer.toOctalString(mode);
    }

    static void symlinkDoesNotLeadOutside() throws Exception {
        Path ws = tempDir("ws");
        Path outside = tempDir("outside");
        Path target = outside.resolve("target");
        Files.writeString(target, "orig");
        Files.createSymbolicLink(ws.resolve("link"), target);
        Files.createSymbolicLink(ws.resolve("dirlink"), outside);
        Result r = run(SecurityLevel.STRICT, ws, "echo pwned > link; echo pwned > dirlink/new; cat link");
        expect(Files.readString(target).equals("orig"), "wrote through a symlink: " + r);
        expect(!Files.exists(outside.resolve("new")), "created a file through a directory symlink: " + r);
    }

    static void tmpPrivate() throws Exception {
        Path ws = tempDir("ws");
        Path hostFile = Files.createTempFile("vg-host-secret", ".txt");
        try {
            String marker = "/tmp/vg-sandbox-" + System.nanoTime();
            Result r = run(SecurityLevel.BALANCED, ws, "test -e " + hostFile + " && echo visible; echo x > " + marker + "; ls /tmp | wc -l");
            expect(!r.stdout.contains("visible"), "host /tmp file visible: " + r);
            expect(!Files.exists(Path.of(marker)), "sandbox /tmp file reached the host");
        } finally {
            Files.deleteIfExists(hostFile);
        }
    }

    static void hostProcessesInvisible() throws Exception {
        Path ws = tempDir("ws");
        Process host = new ProcessBuilder("sleep", "60").start();
        try {
            long pid = host.pid();
            Result r = run(SecurityLevel.BALANCED, ws, "ls /proc | grep -c '^[0-9]'; test -e /proc/" + pid
                    + " && echo visible; kill -9 " + pid + " 2>/dev/null && echo killed; kill -9 1 2>/dev/null; echo end");
            expect(!r.stdout.contains("visible"), "host pid visible in /proc: " + r);
            expect(!r.stdout.contains("killed"), "kill of a host pid succeeded: " + r);
            expect(host.isAlive(), "host process died");
            int count = Integer.parseInt(r.stdout.lines().findFirst().orElse("99").trim());
            expect(count <= 6, "sandbox /proc shows " + count + " processes, expected only its own: " + r);
        } finally {
            host.destroyForcibly();
        }
    }

    static void procRootContained() throws Exception {
        Path ws = tempDir("ws");
        Path outside = tempDir("outside");
        Files.writeString(outside.resolve("secret"), "host-secret");
        Result r = run(SecurityLevel.STRICT, ws, "cat /proc/1/root" + outside.resolve("secret") + "; cat /proc/self/root"
                + outside.resolve("secret") + "; echo end");
        expect(!r.stdout.contains("host-secret"), "read a host file through /proc/*/root: " + r);
    }

    static void inheritedFdsClosed() throws Exception {
        Path ws = tempDir("ws");
        Path outside = tempDir("outside");
        Path file = outside.resolve("leak");
        try (FileOutputStream leaked = new FileOutputStream(file.toFile())) {
            Result r = run(SecurityLevel.STRICT, ws, "for fd in 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do "
                    + "(echo pwned >&$fd) 2>/dev/null && echo wrote-$fd; done; ls /proc/self/fd | wc -l");
            leaked.flush();
            expect(Files.size(file) == 0, "wrote to an inherited fd: " + r);
            expect(!r.stdout.contains("wrote-"), "an inherited fd was writable: " + r);
        }
    }

    static void noNetwork() throws Exception {
        Path ws = tempDir("ws");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(300);
            Result r = run(SecurityLevel.BALANCED, ws, "echo hello > /dev/tcp/127.0.0.1/" + server.getLocalPort()
                    + " && echo connected; echo end", "bash");
            expect(!r.stdout.contains("connected"), "connected to a host listener: " + r);
            try (Socket ignored = server.accept()) {
                throw new AssertionError("the host listener accepted a connection from the sandbox");
            } catch (SocketTimeoutException expected) {
                // nothing came in
            }
        }
    }

    static void environmentExact() throws Exception {
        Path ws = tempDir("ws");
        SandboxSpec spec = spec(SecurityLevel.STRICT, ws, List.of("/usr/bin/env"))
                .environment(Map.of("PATH", "/usr/bin:/bin", "VG_VISIBLE", "yes", "https_proxy", "http://spec.invalid:8080"))
                .build();
        Result r = run(spec);
        List<String> names = r.stdout.lines().map(l -> l.substring(0, l.indexOf('='))).sorted().toList();
        List<String> expected = container() // the engine's own HOSTNAME
                ? List.of("HOME", "HOSTNAME", "PATH", "VG_VISIBLE", "https_proxy") : List.of("HOME", "PATH", "VG_VISIBLE", "https_proxy");
        expect(names.equals(expected), "environment should be exactly " + expected + ": " + r);
        expect(r.stdout.contains("https_proxy=http://spec.invalid:8080\n"), "the spec's proxy should pass as it is: " + r);
    }

    static void noOrphans() throws Exception {
        Path ws = tempDir("ws");
        String marker = "31." + (System.nanoTime() % 1000);
        Result r = run(SecurityLevel.BALANCED, ws, "(sleep " + marker + " &) ; (setsid sleep " + marker + " &); echo started");
        expect(r.status == 0 && r.stdout.contains("started"), "command failed: " + r);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!processesWithArgument(marker).isEmpty()) {
            expect(System.nanoTime() < deadline, "background process survived: " + processesWithArgument(marker));
            Thread.sleep(20);
        }
    }

    static void moderateSyscallsDenied() throws Exception {
        Path ws = tempDir("ws");
        StringBuilder script = new StringBuilder();
        for (Map.Entry<String, Integer> e : MODERATE_DENIED.entrySet()) {
            script.append("$! = 0; $r = syscall(").append(e.getValue()).append(", 0, 0, 0, 0, 0); print \"")
                    .append(e.getKey()).append(" \", ($r == -1 ? $!+0 : \"ok\"), \"\\n\";");
        }
        // unshare(CLONE_NEWUSER) would succeed without seccomp: it proves the filter is there.
        script.append("$! = 0; $r = syscall(272, 0x10000000); print \"unshare_user \", ($r == -1 ? $!+0 : \"ok\"), \"\\n\";");
        Result r = run(SecurityLevel.BALANCED, ws, List.of("perl", "-e", script.toString()));
        if (r.status == 128 + 31) {
            return; // killed by SIGSYS: also a denial
        }
        for (String name : MODERATE_DENIED.keySet()) {
            expect(r.stdout.contains(name + " 1\n"), name + " was not denied with EPERM: " + r);
        }
        expect(r.stdout.contains("unshare_user 1\n"), "unshare(CLONE_NEWUSER) not denied: " + r);
    }

    static void strictSocketsAndPersonalityDenied() throws Exception {
        Path ws = tempDir("ws");
        // AF_NETLINK/NETLINK_ROUTE and personality(ADDR_NO_RANDOMIZE) need no privilege: only the filter stops them.
        String script = "use Socket; "
                + "print 'netlink ', (socket(my $n, 16, 3, 0) ? 'ok' : $!+0), \"\\n\"; "
                + "print 'packet ', (socket(my $p, 17, 3, 0) ? 'ok' : $!+0), \"\\n\"; "
                + "print 'raw ', (socket(my $r, 2, 3, 1) ? 'ok' : $!+0), \"\\n\"; "
                + "$! = 0; my $rc = syscall(135, 0x0040000); print 'personality ', ($rc == -1 ? $!+0 : 'ok'), \"\\n\";";
        Result strict = run(SecurityLevel.STRICT, ws, List.of("perl", "-e", script));
        for (String what : List.of("netlink", "packet", "raw", "personality")) {
            expect(strict.stdout.contains(what + " 1\n"), what + " not denied with EPERM at strict: " + strict);
        }
        Result balanced = run(SecurityLevel.BALANCED, ws, List.of("perl", "-e", script));
        expect(balanced.stdout.contains("netlink ok") && balanced.stdout.contains("personality ok"),
                "netlink sockets and personality are allowed below strict, so the check above tests the filter: " + balanced);
    }

    static void userSeccompProfile() throws Exception {
        Path ws = tempDir("ws");
        Path profile = tempDir("profile").resolve("no-mkdir.json");
        Files.writeString(profile, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], "
                + "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}");
        SandboxSpec spec = spec(SecurityLevel.BALANCED, ws, List.of("sh", "-c", "mkdir made; touch file"))
                .seccompProfile(profile.toString()).build();
        Result r = run(spec);
        expect(!Files.exists(ws.resolve("made")), "mkdir ran despite the user's profile: " + r);
        expect(Files.exists(ws.resolve("file")), "the rest ran: " + r);
        expect(r.stderr.contains("Permission denied"), "errnoRet 13 (EACCES) expected: " + r);
    }

    static void procSysReadOnly() throws Exception {
        Path ws = tempDir("ws");
        String before = Files.readString(Path.of("/proc/sys/kernel/core_pattern"));
        for (SecurityLevel level : levels()) {
            Result r = run(level, ws, "echo '|/bin/false' > /proc/sys/kernel/core_pattern && echo wrote; "
                    + "echo 1 > /proc/sysrq-trigger && echo sysrq; echo end");
            expect(!r.stdout.contains("wrote") && !r.stdout.contains("sysrq"), level + ": /proc/sys writable: " + r);
        }
        expect(Files.readString(Path.of("/proc/sys/kernel/core_pattern")).equals(before), "core_pattern changed");
    }

    static void memoryLimit() throws Exception {
        Path ws = tempDir("ws");
        SandboxSpec spec = spec(SecurityLevel.STRICT, ws, List.of("perl", "-e", "$x = 'a' x (700*1024*1024); print \"allocated\\n\";"))
                .limits(new ResourceLimits(256L * 1024 * 1024, 1000, 64)).build();
        Result r = run(spec);
        expect(!r.stdout.contains("allocated") && r.status != 0, "700 MiB allocated under a 256 MiB limit: " + r);
    }

    /**
     * Memory taken a MiB at a time, as a package manager's heap grows, until the limit refuses it (rlimits)
     * or the kernel kills the command (memory cgroup): either way the sandbox knows the limit was hit.
     */
    static void memoryLimitNoticed() throws Exception {
        if (container()) { // the engine applies the limit: vg sees neither its out-of-memory kill nor the peak
            return;
        }
        Path ws = tempDir("ws");
        SandboxSpec spec = spec(SecurityLevel.STRICT, ws, List.of("perl", "-e", "my @a; push @a, 'x' x 1048576 while 1;"))
                .limits(new ResourceLimits(256L * 1024 * 1024, 1000, 64)).build();
        try (SandboxProcess process = runtime.start(spec)) {
            int status = process.waitFor();
            expect(status != 0, "the greedy command succeeded under a 256 MiB limit");
            // With rlimits, only vg-init's peak of the reaped processes (the native runtime's) tells a refused
            // allocation from any other failure; a memory cgroup counts its out-of-memory kills for every runtime.
            if (runtime instanceof NativeRuntime || !process.limitsDescription().startsWith("rlimits")) {
                expect(process.memoryLimitHit(), "not seen as hitting the memory limit (" + process.limitsDescription()
                        + "): status " + status + ", largest process " + process.peakMemoryBytes() / (1024 * 1024) + " MiB");
            }
        }
        try (SandboxProcess modest = runtime.start(spec(SecurityLevel.STRICT, ws, List.of("sh", "-c", "exit 3"))
                .limits(new ResourceLimits(256L * 1024 * 1024, 1000, 64)).build())) {
            expect(modest.waitFor() == 3 && !modest.memoryLimitHit(), "a small failing command is not a memory limit hit");
        }
    }

    /** Where vg cannot use cgroups (a user without a delegated cgroup), the notice says why its limits are weaker. */
    static void rlimitsSayWhy() throws Exception {
        Path ws = tempDir("ws");
        try (SandboxProcess process = runtime.start(spec(SecurityLevel.BALANCED, ws, List.of("true")).build())) {
            expect(process.waitFor() == 0, "true failed");
            if (process.limitsDescription().startsWith("rlimits")) {
                expect(process.notices().stream().anyMatch(n -> n.startsWith("limits are rlimits, not cgroups: ")),
                        "no notice says why the limits are rlimits (" + process.limitsDescription() + "): " + process.notices());
            }
        }
    }

    /** 700 MiB touched in one process (npm's peak on a mid-sized project is about that) at paranoid's own limits. */
    static void installFitsParanoid() throws Exception {
        Path ws = tempDir("ws");
        Result r = run(spec(SecurityLevel.PARANOID, ws,
                List.of("perl", "-e", "my @a; push @a, 'x' x 1048576 for 1..700; print \"allocated\\n\";")).build());
        expect(r.status == 0 && r.stdout.contains("allocated"), "700 MiB refused at paranoid: " + r);
    }

    /**
     * Paranoid (2 GiB): writing twice the limit into /tmp, /dev/shm and the home ends in ENOSPC
     * once their shared tmpfs holds half the limit, and the host's shared memory grows no further.
     * Balanced, as root: the overlay over /usr takes its writes from the same bound.
     */
    static void scratchMemoryBounded() throws Exception {
        ResourceLimits paranoid = ResourceLimits.of(SecurityProfile.of(SecurityLevel.PARANOID));
        long twice = 2 * paranoid.memoryBytes() / (1024 * 1024);
        List<String> targets = new ArrayList<>(List.of("/tmp", "/dev/shm", "\"$HOME\""));
        long bound = paranoid.scratchBytes();
        expectBoundedFill(SecurityLevel.PARANOID, targets, twice, bound);
        if (runtime instanceof NativeRuntime && ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0) {
            ResourceLimits balanced = ResourceLimits.of(SecurityProfile.of(SecurityLevel.BALANCED));
            expectBoundedFill(SecurityLevel.BALANCED, List.of("/usr"), 2 * balanced.memoryBytes() / (1024 * 1024),
                    balanced.scratchBytes());
        }
    }

    private static void expectBoundedFill(SecurityLevel level, List<String> targets, long mebibytes, long bound)
            throws Exception {
        Path ws = tempDir("ws");
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < targets.size(); i++) {
            script.append("dd if=/dev/zero of=").append(targets.get(i)).append("/vg-fill bs=1M count=").append(mebibytes)
                    .append(" 2>dd").append(i).append(".err; echo $? > dd").append(i).append(".rc; ");
        }
        script.append(": > ready; i=0; while [ ! -e done ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done");
        long before = hostShmem();
        try (SandboxProcess process = runtime.start(spec(level, ws, List.of("sh", "-c", script.toString())).build())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(ws.resolve("ready")) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long grown = hostShmem() - before;
            Files.writeString(ws.resolve("done"), "");
            process.waitFor();
            expect(Files.exists(ws.resolve("ready")), level + ": the fill did not finish");
            for (int i = 0; i < targets.size(); i++) {
                String rc = Files.readString(ws.resolve("dd" + i + ".rc")).strip();
                String err = Files.readString(ws.resolve("dd" + i + ".err"));
                expect(!rc.equals("0") && err.contains("No space left on device"),
                        level + ": " + mebibytes + " MiB into " + targets.get(i) + " must end in ENOSPC: rc " + rc + ", " + err);
            }
            // Other processes on the host may add some shared memory meanwhile: half the bound is
            // allowed for them; without the bound the growth is at least twice the limit (4 times the bound).
            expect(grown <= bound + bound / 2, level + ": host shared memory grew by " + grown / (1024 * 1024)
                    + " MiB, more than the bound of " + bound / (1024 * 1024) + " MiB");
        }
    }

    /** Shmem of /proc/meminfo (tmpfs pages of every mount namespace), in bytes. */
    private static long hostShmem() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Shmem:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no Shmem line in /proc/meminfo");
    }

    static void pidsLimit() throws Exception {
        Path ws = tempDir("ws");
        String marker = "51." + (System.nanoTime() % 1000);
        SandboxSpec spec = spec(SecurityLevel.STRICT, ws, List.of("perl", "-e",
                "my $failed = 0; for (1..60) { my $pid = fork(); if (!defined $pid) { $failed++; next; } "
                        + "if ($pid == 0) { exec('sleep', '" + marker + "'); } } print \"failed $failed\\n\"; sleep 3;"))
                .limits(new ResourceLimits(512L * 1024 * 1024, 1000, 20)).build();
        try (SandboxProcess process = runtime.start(spec)) {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.stdout()));
            int peak = 0;
            for (int i = 0; i < 30; i++) {
                peak = Math.max(peak, processesWithArgument(marker).size());
                Thread.sleep(50);
            }
            process.waitFor();
            String output = out.join();
            expect(peak > 5, "the fork storm did not start (" + peak + " processes): " + output);
            expect(peak < 20, peak + " processes running under a pids limit of 20");
            expect(output.startsWith("failed ") && !output.startsWith("failed 0"), "no fork failed: " + output);
        }
    }

    static void timeoutKills() throws Exception {
        Path ws = tempDir("ws");
        String marker = "41." + (System.nanoTime() % 1000);
        SandboxSpec spec = spec(SecurityLevel.BALANCED, ws, List.of("sh", "-c", "sleep " + marker + " & sleep " + marker))
                .timeout(Duration.ofMillis(800)).build();
        long start = System.nanoTime();
        Result r = run(spec);
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        expect(r.status == SandboxProcess.TIMEOUT_STATUS, "timeout status should be 124: " + r);
        expect(elapsed < 5000, "timeout took " + elapsed + " ms");
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!processesWithArgument(marker).isEmpty()) {
            expect(System.nanoTime() < deadline, "process survived the timeout");
            Thread.sleep(20);
        }
    }

    static void projectConfigReadOnly() throws Exception {
        Path ws = tempDir("ws");
        Path config = ws.resolve("vectra-guard.yaml");
        Files.writeString(config, "guard_level:\n  level: high\n");
        Result r = run(SecurityLevel.BALANCED, ws, "echo 'guard_level: {level: off}' > vectra-guard.yaml; rm -f vectra-guard.yaml; "
                + "mv vectra-guard.yaml x.yaml; echo other > other.txt");
        expect(Files.readString(config).equals("guard_level:\n  level: high\n"), "the sandbox changed the project config: " + r);
        expect(Files.exists(ws.resolve("other.txt")), "the rest of the workspace must stay writable: " + r);
    }

    static void hostActedFilesReadOnly() throws Exception {
        Path ws = tempDir("ws");
        Result made = run(SecurityLevel.BALANCED, ws, "mkdir -p .git/hooks .vscode && printf '[core]\\n\\tbare = false\\n' > .git/config "
                + "&& echo '{}' > .vscode/settings.json"); // made by the sandbox's user, who owns the workspace
        expect(made.status == 0, "could not make the repository: " + made);
        Result r = run(SecurityLevel.BALANCED, ws, "echo '[core] fsmonitor = x' >> .git/config; echo x > .git/hooks/post-commit; "
                + "echo '{\"git.path\": \"/x\"}' > .vscode/settings.json; echo x > .vscode/tasks.json; echo ok > .git/HEAD.new");
        expect(Files.readString(ws.resolve(".git/config")).equals("[core]\n\tbare = false\n"), "the sandbox changed .git/config: " + r);
        expect(!Files.exists(ws.resolve(".git/hooks/post-commit")), "the sandbox planted a git hook: " + r);
        expect(Files.readString(ws.resolve(".vscode/settings.json")).equals("{}\n"), "the sandbox changed .vscode/settings.json: " + r);
        expect(!Files.exists(ws.resolve(".vscode/tasks.json")), "the sandbox wrote into .vscode: " + r);
        expect(Files.exists(ws.resolve(".git/HEAD.new")), "the rest of .git must stay writable: " + r);
    }

    static void exitCodes() throws Exception {
        Path ws = tempDir("ws");
        expect(run(SecurityLevel.BALANCED, ws, "exit 42").status == 42, "exit code 42 did not pass through");
        expect(run(SecurityLevel.BALANCED, ws, "kill -TERM $$").status == 128 + 15, "signal death should be 143");
    }

    static void notFound() throws Exception {
        Path ws = tempDir("ws");
        try {
            Result r = run(spec(SecurityLevel.BALANCED, ws, List.of("vg-no-such-command-xyz")).build());
            // A container's command is looked up in the image, after the start: the engine's exit 127.
            expect(container() && r.status == 127, "unknown command started: " + r);
        } catch (SandboxException e) {
            expect(e.exitCode() == 127, "unknown command should be 127, got " + e.exitCode() + ": " + e.getMessage());
        }
    }

    static void noCapabilities() throws Exception {
        Path ws = tempDir("ws");
        for (SecurityLevel level : levels()) {
            Result r = run(level, ws, "grep -E '^(Cap(Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status");
            expect(r.stdout.equals("CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n"
                    + "CapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n"), level + ": " + r);
        }
    }

    static void restrictedRefused() throws Exception {
        Path ws = tempDir("ws");
        try {
            run(SandboxSpec.builder("touch", "x").workspace(ws).securityLevel(SecurityLevel.BALANCED).build());
            throw new AssertionError("restricted networking ran on " + runtime.name());
        } catch (SandboxException e) {
            expect(e.exitCode() == 125 && e.getMessage().startsWith("runtime " + runtime.name()
                    + " cannot give restricted networking") && e.getMessage().contains("allow_weaker_fallback"), e.getMessage());
        }
        expect(runtime.shortfall(SandboxSpec.builder("true").workspace(ws).securityLevel(SecurityLevel.STRICT).build())
                .orElse("").startsWith("restricted networking"), "strict's shortfall");
        expect(!Files.exists(ws.resolve("x")), "the command ran");
    }

    static void missingLimitsRefused() throws Exception {
        Path ws = tempDir("ws");
        SandboxSpec.Builder spec = SandboxSpec.builder("touch", "x").workspace(ws).securityLevel(SecurityLevel.BALANCED)
                .network(NetworkMode.NONE).stdin(Stdio.DISCARD).stdout(Stdio.DISCARD).stderr(Stdio.DISCARD);
        try {
            runtime.start(spec.build()).close();
            throw new AssertionError("a run without its limits started on " + runtime.name());
        } catch (SandboxException e) {
            expect(e.exitCode() == 125 && e.getMessage().startsWith("runtime " + runtime.name()
                    + " cannot give memory, cpu and pids limits (") && e.getMessage().contains("allow_weaker_fallback"),
                    e.getMessage());
        }
        expect(!Files.exists(ws.resolve("x")), "the command ran");
        try (SandboxProcess process = runtime.start(spec.allowWeakerFallback(true).build())) {
            expect(process.waitFor() == 0, "the allowed run failed");
            expect(process.notices().stream().anyMatch(n -> n.startsWith("no memory, cpu or pids limit (")),
                    "the notice must say the limits are missing: " + process.notices());
        }
        expect(Files.exists(ws.resolve("x")), "the allowed run did not run");
    }

    static void missingImageRefused() throws Exception {
        Path ws = tempDir("ws");
        Runtime missing = runtime instanceof DockerRuntime ? new DockerRuntime("vg-test:no-such-image")
                : new PodmanRuntime("localhost/vg-test:no-such-image");
        try {
            missing.start(spec(SecurityLevel.PARANOID, ws, List.of("touch", "x")).build()).close();
            throw new AssertionError("a missing image started");
        } catch (SandboxException e) {
            expect(e.exitCode() == 125 && e.getMessage().contains("vg-test:no-such-image is not present, and vg never pulls one")
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
        expect(!Files.exists(ws.resolve("x")), "the command ran");
    }

    /** Every container the checks started is gone (removed at its end, on timeout, on kill). */
    static void noContainerLeft() throws Exception {
        Process ps = new ProcessBuilder(runtime.name(), "ps", "-a", "--filter", "label=dev.vectraguard.owner", "--format",
                "{{.Names}} {{.Status}}").redirectErrorStream(true).start();
        String output = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        expect(ps.waitFor() == 0, runtime.name() + " ps failed: " + output);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!output.isBlank() && System.nanoTime() < deadline) { // --rm removes in the background
            Thread.sleep(200);
            ps = new ProcessBuilder(runtime.name(), "ps", "-a", "--filter", "label=dev.vectraguard.owner", "--format",
                    "{{.Names}} {{.Status}}").redirectErrorStream(true).start();
            output = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ps.waitFor();
        }
        expect(output.isBlank(), "containers left: " + output);
    }

    // ---- helpers ------------------------------------------------------------------------

    static boolean bubblewrap() {
        return runtime instanceof BubblewrapRuntime;
    }

    static boolean container() {
        return runtime instanceof ContainerRuntime;
    }

    /** Whether the runtime cannot set memory, cpu and pids limits here (rootless podman on cgroup v1). */
    static boolean limitsMissing() {
        return container() && runtime.shortfall(SandboxSpec.builder("true").workspace(Path.of("/tmp"))
                .network(NetworkMode.NONE).build()).orElse("").contains("limits");
    }

    /**
     * The levels a check loops over: every level, except on a container runtime, whose containers
     * differ between levels only in {@code --read-only} (strict, paranoid) and the limits: one level of
     * each kind (a container costs about a second).
     */
    static List<SecurityLevel> levels() {
        return container() ? List.of(SecurityLevel.BALANCED, SecurityLevel.STRICT) : List.of(SecurityLevel.values());
    }

    /**
     * On bubblewrap the checks run without restricted networking (it refuses it) and at strict and
     * paranoid without Landlock (allow_weaker_fallback): what they check must hold all the same.
     */
    public static SandboxSpec.Builder spec(SecurityLevel level, Path ws, List<String> command) {
        return SandboxSpec.builder(command)
                .workspace(ws)
                .securityLevel(level)
                .network((bubblewrap() || container()) && SecurityProfile.of(level).network() == NetworkMode.RESTRICTED
                        ? NetworkMode.NONE : null)
                .allowWeakerFallback(bubblewrap() || limitsMissing())
                .environment(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C"))
                .timeout(Duration.ofSeconds(60))
                .stdin(Stdio.DISCARD)
                .stdout(Stdio.PIPE)
                .stderr(Stdio.PIPE);
    }

    public static Result run(SecurityLevel level, Path ws, String script) throws Exception {
        return run(level, ws, script, "sh");
    }

    static Result run(SecurityLevel level, Path ws, String script, String shell) throws Exception {
        return run(level, ws, List.of(shell, "-c", script));
    }

    static Result run(SecurityLevel level, Path ws, List<String> command) throws Exception {
        return run(spec(level, ws, command).build());
    }

    /** Runs the spec; once it returns, the command's new cache entries are in the host caches. */
    static Result run(SandboxSpec spec) throws Exception {
        SandboxProcess process = runtime.start(spec);
        Result result;
        try (process) {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.stdout()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.stderr()));
            int status = process.waitFor();
            result = new Result(status, out.join(), err.join());
        }
        process.cacheAdditions().join();
        return result;
    }

    private static String readAll(InputStream in) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<read failed: " + e.getMessage() + ">";
        }
    }

    public static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory("vg-" + prefix + "-");
        if (bubblewrap() && prefix.equals("ws") && (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
            Files.setAttribute(dir, "unix:uid", WORKSPACE_OWNER);
            Files.setAttribute(dir, "unix:gid", WORKSPACE_OWNER);
        }
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        return dir.toRealPath();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    static List<Long> processesWithArgument(String argument) {
        List<Long> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().arguments().ifPresent(args -> {
            for (String arg : args) {
                if (arg.equals(argument)) {
                    found.add(p.pid());
                }
            }
        }));
        return found;
    }

    public static void expect(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    /** Waits until the background cleanup of the sandboxes closed so far has run. */
    public static void awaitCleanup() throws Exception {
        SandboxCleanup.awaitIdle();
    }

    /** Runs every check and prints {@code PASS name} or {@code FAIL name: reason}; used as an unprivileged child. */
    /**
     * Runs every check in a child JVM (this class's {@link #main}) as the unprivileged {@code ids},
     * through setpriv with no supplementary groups, from a copy of the class path it can read, in
     * {@code home} (its HOME and working directory), with {@code properties} as system properties and
     * {@code environment} added to this JVM's; asserts that the checks it listed all ran and passed.
     */
    static void runAsUser(int[] ids, Path home, Map<String, String> properties, Map<String, String> environment)
            throws Exception {
        try (PortableClasspath classpath = PortableClasspath.create()) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + ids[0], "--regid=" + ids[1],
                    "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-cp", classpath.classpath(), IsolationChecks.class.getName()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
            builder.environment().put("HOME", home.toString());
            builder.environment().put("TMPDIR", "/tmp");
            builder.environment().putAll(environment);
            Process child = builder.start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!child.waitFor(10, TimeUnit.MINUTES)) {
                child.destroyForcibly();
                throw new AssertionError("the checks as uid " + ids[0] + " did not finish");
            }
            int total = output.lines().filter(l -> l.startsWith("TOTAL ")).map(l -> Integer.parseInt(l.substring(6).strip()))
                    .findFirst().orElse(-1);
            expect(total >= 25, "the checks did not list themselves: " + output);
            List<String> lines = output.lines().filter(l -> l.startsWith("PASS ") || l.startsWith("FAIL ")).toList();
            expect(lines.size() == total, "every check must report; output:\n" + output);
            List<String> failures = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
            expect(failures.isEmpty(), "as uid " + ids[0] + ":\n" + String.join("\n", failures));
            expect(child.exitValue() == 0, output);
        }
    }

    /** A new home directory owned by {@code ids}, removed when this JVM exits. */
    static Path homeOf(int[] ids) throws IOException {
        Path home = tempDir("home");
        Files.setAttribute(home, "unix:uid", ids[0]);
        Files.setAttribute(home, "unix:gid", ids[1]);
        return home;
    }

    public static void main(String[] args) {
        int failed = 0;
        System.out.println("TOTAL " + all().size());
        for (Check check : all()) {
            try {
                check.body().run();
                System.out.println("PASS " + check.name());
            } catch (Throwable t) {
                failed++;
                System.out.println("FAIL " + check.name() + ": " + String.valueOf(t.getMessage()).replace('\n', ' '));
            }
        }
        System.out.flush();
        java.lang.Runtime.getRuntime().halt(failed == 0 ? 0 : 1);
    }
}
