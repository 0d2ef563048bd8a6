package dev.vectraguard.benchmarks;

import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.Runtime;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.namespace.NativeRuntime;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.Stdio;
import dev.vectraguard.sandbox.bubblewrap.BubblewrapRuntime;
import dev.vectraguard.sandbox.container.DockerRuntime;
import dev.vectraguard.sandbox.container.PodmanRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spawn + wait of {@code /bin/true}: plain ProcessBuilder (the baseline), the native sandbox at each
 * level, bubblewrap with an equivalent profile started through ProcessBuilder, and vg's bubblewrap,
 * docker and podman runtimes (balanced without network; the engines run the image
 * {@code -Dvg.bench.image}). Each back to back
 * (throughput: the kernel's clean-up of one run overlaps the next) and paced, after an untimed idle
 * pause (the latency of one command, as an agent runs them).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SpawnBenchmark {
    private static final int NOBODY = 65534;

    /** A workspace for every spawn. */
    @State(Scope.Benchmark)
    public static class Workspace {
        Path dir;
        List<String> bubblewrap;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("vg-bench-").toRealPath();
            bubblewrap = bubblewrapCommand(dir);
        }
    }

    /** The sandbox level measured. */
    @State(Scope.Benchmark)
    public static class SandboxLevel {
        @Param({"permissive", "balanced", "strict", "paranoid"})
        String level;
        SandboxSpec spec;

        @Setup(Level.Trial)
        public void setUp(Workspace workspace) {
            spec = SandboxSpec.builder("/bin/true")
                    .workspace(workspace.dir)
                    .securityLevel(SecurityLevel.valueOf(level.toUpperCase(java.util.Locale.ROOT)))
                    .environment(Map.of("PATH", "/usr/bin:/bin"))
                    .stdin(Stdio.DISCARD)
                    .build();
        }
    }

    /**
     * A container runtime of vg at balanced with network none (containers cannot give restricted
     * networking), running the image {@code -Dvg.bench.image} (default vg-test:isolation, the tests'
     * image; podman's under localhost/); DOCKER_HOST applies.
     */
    @State(Scope.Benchmark)
    public static class ContainerEngine {
        @Param({"docker", "podman"})
        String engine;
        Runtime runtime;
        SandboxSpec spec;

        @Setup(Level.Trial)
        public void setUp(Workspace workspace) {
            String image = System.getProperty("vg.bench.image", "vg-test:isolation");
            runtime = engine.equals(DockerRuntime.NAME) ? new DockerRuntime(image)
                    : new PodmanRuntime(image.contains("/") ? image : "localhost/" + image);
            runtime.unavailableReason().ifPresent(reason -> {
                throw new IllegalStateException(engine + " cannot run here: " + reason);
            });
            spec = SandboxSpec.builder("/bin/true")
                    .workspace(workspace.dir)
                    .securityLevel(SecurityLevel.BALANCED)
                    .network(NetworkMode.NONE)
                    .environment(Map.of("PATH", "/usr/bin:/bin"))
                    .stdin(Stdio.DISCARD)
                    .build();
        }
    }

    /**
     * vg's bubblewrap runtime at balanced with network none (it cannot give restricted networking),
     * in a workspace of its own: as root it runs the command as the workspace's owner, here nobody.
     */
    @State(Scope.Benchmark)
    public static class BubblewrapCase {
        final Runtime runtime = new BubblewrapRuntime();
        SandboxSpec spec;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            runtime.unavailableReason().ifPresent(reason -> {
                throw new IllegalStateException("bubblewrap cannot run here: " + reason);
            });
            Path dir = Files.createTempDirectory("vg-bench-bwrap-").toRealPath();
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
                Files.setAttribute(dir, "unix:uid", NOBODY);
                Files.setAttribute(dir, "unix:gid", NOBODY);
            }
            spec = SandboxSpec.builder("/bin/true")
                    .workspace(dir)
                    .securityLevel(SecurityLevel.BALANCED)
                    .network(NetworkMode.NONE)
                    .environment(Map.of("PATH", "/usr/bin:/bin"))
                    .stdin(Stdio.DISCARD)
                    .build();
        }
    }

    /** An idle pause before each operation (not timed), as between the commands of an agent. */
    @State(Scope.Thread)
    public static class Paced {
        @Setup(Level.Invocation)
        public void pause() throws InterruptedException {
            Thread.sleep(10);
        }
    }

    @Benchmark
    public int processBuilderPaced(Paced paced) throws Exception {
        return processBuilder();
    }

    @Benchmark
    public int nativeSandboxPaced(SandboxLevel level, Paced paced) throws Exception {
        return nativeSandbox(level);
    }

    @Benchmark
    public int bubblewrapPaced(Workspace workspace, Paced paced) throws Exception {
        return bubblewrap(workspace);
    }

    @Benchmark
    public int processBuilder() throws Exception {
        return succeeded(new ProcessBuilder("/bin/true").start().waitFor());
    }

    @Benchmark
    public int nativeSandbox(SandboxLevel level) throws Exception {
        try (SandboxProcess process = new NativeRuntime().start(level.spec)) {
            return succeeded(process.waitFor());
        }
    }

    @Benchmark
    public int bubblewrap(Workspace workspace) throws Exception {
        return succeeded(new ProcessBuilder(workspace.bubblewrap).start().waitFor());
    }

    @Benchmark
    public int bubblewrapRuntime(BubblewrapCase bubblewrap) throws Exception {
        try (SandboxProcess process = bubblewrap.runtime.start(bubblewrap.spec)) {
            return succeeded(process.waitFor());
        }
    }

    @Benchmark
    public int container(ContainerEngine container) throws Exception {
        try (SandboxProcess process = container.runtime.start(container.spec)) {
            return succeeded(process.waitFor());
        }
    }

    /** A case that fails fast would measure its failure: every run must really run /bin/true. */
    private static int succeeded(int status) {
        if (status != 0) {
            throw new IllegalStateException("the spawned /bin/true ended with status " + status);
        }
        return status;
    }

    /**
     * bubblewrap with the mount list of the strict level (read-only system dirs, the same hidden
     * host secrets, proc, dev, private /tmp /var/tmp /run, an empty tmpfs home, the workspace), all
     * namespaces, no capabilities, a new session, and an empty environment. It has no seccomp filter,
     * Landlock or cgroup limits (bubblewrap takes a filter only as an inherited fd).
     */
    static List<String> bubblewrapCommand(Path workspace) {
        List<String> command = new ArrayList<>(List.of("bwrap", "--unshare-all", "--die-with-parent", "--new-session",
                "--cap-drop", "ALL"));
        for (String dir : List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt")) {
            Path path = Path.of(dir);
            try {
                if (Files.isSymbolicLink(path)) {
                    command.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
                } else if (Files.isDirectory(path)) {
                    command.addAll(List.of("--ro-bind", dir, dir));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        for (String secret : List.of("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers",
                "/etc/security/opasswd")) {
            if (Files.exists(Path.of(secret))) {
                command.addAll(List.of("--ro-bind", "/dev/null", secret));
            }
        }
        for (String secretDir : List.of("/etc/sudoers.d", "/etc/ssh", "/etc/ssl/private")) {
            if (Files.isDirectory(Path.of(secretDir))) {
                command.addAll(List.of("--tmpfs", secretDir, "--remount-ro", secretDir));
            }
        }
        String home = System.getProperty("user.home");
        command.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp",
                "--tmpfs", "/run", "--symlink", "/run", "/var/run", "--tmpfs", home,
                "--bind", workspace.toString(), workspace.toString(), "--chdir", workspace.toString(),
                "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", home, "/bin/true"));
        return command;
    }
}
