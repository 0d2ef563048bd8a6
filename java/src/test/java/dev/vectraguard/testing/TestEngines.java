package dev.vectraguard.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real container engines for the tests, with no registry: a dockerd of the tests' own (its own
 * data root and socket, no iptables, no bridge; stopped by its pid when the JVM exits), and podman's
 * root storage; both get the test image {@value #IMAGE}, imported from a root of busybox-static,
 * bash and perl (with their libraries) copied from this machine.
 */
public final class TestEngines {
    public static final String IMAGE = "vg-test:isolation";
    private static final List<String> HOST_FILES = List.of("/usr/bin/perl", "/bin/bash");

    /** An engine ready for tests: the environment its client needs and the image's reference. */
    public record Engine(String name, Map<String, String> environment, String image) {}

    private static Optional<Engine> docker;
    private static String dockerMissing;
    private static Optional<Engine> podman;
    private static String podmanMissing;

    private TestEngines() {}

    /** The engine is not installed or cannot start on this machine (a reason to skip, not a failure). */
    private static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    /** Anything else that goes wrong while preparing an engine is a test failure. */
    private static <T> T failing(java.util.concurrent.Callable<T> step) {
        try {
            return step.call();
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * "docker" or "podman" for a test that needs it: skipped, saying why, unless the test runs as root
     * (the tests' own dockerd, root's podman storage) and the engine runs here.
     */
    public static Engine assumed(String name) {
        boolean docker = name.equals("docker");
        int uid = failing(() -> (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        Assumptions.assumeTrue(uid == 0, docker ? "runs only as root (it starts the tests' own dockerd)"
                : "runs only as root (root's podman storage)");
        Optional<Engine> engine = docker ? docker() : podman();
        Assumptions.assumeTrue(engine.isPresent(), () -> docker ? "dockerd cannot start here: " + dockerMissing()
                : "podman cannot run here: " + podmanMissing());
        return engine.get();
    }

    /** The tests' dockerd, started on first use; empty (with {@link #dockerMissing()}) when it cannot start. */
    public static synchronized Optional<Engine> docker() {
        if (docker == null) {
            try {
                docker = Optional.of(startDocker());
            } catch (Unavailable e) {
                dockerMissing = e.getMessage();
                docker = Optional.empty();
            }
        }
        return docker;
    }

    public static synchronized String dockerMissing() {
        return dockerMissing;
    }

    /** podman (root's storage) with the test image; empty (with {@link #podmanMissing()}) when it cannot run. */
    public static synchronized Optional<Engine> podman() {
        if (podman == null) {
            try {
                podman = Optional.of(preparePodman());
            } catch (Unavailable e) {
                podmanMissing = e.getMessage();
                podman = Optional.empty();
            }
        }
        return podman;
    }

    public static synchronized String podmanMissing() {
        return podmanMissing;
    }

    private static Engine startDocker() throws Unavailable {
        Path dockerd = Path.of("/usr/sbin/dockerd");
        if (!Files.isExecutable(dockerd) || find("docker") == null) {
            throw new Unavailable("dockerd or the docker client is not installed (package docker.io)");
        }
        Path dir = failing(() -> Files.createTempDirectory("vg-dockerd-"));
        Path socket = dir.resolve("docker.sock");
        Path pidFile = dir.resolve("dockerd.pid");
        Process daemon = failing(() -> new ProcessBuilder(dockerd.toString(), "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", pidFile.toString(), "-H", "unix://" + socket,
                "--iptables=false", "--ip6tables=false", "--bridge=none")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start());
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.destroy();
            try {
                if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            } catch (InterruptedException ignored) {
                daemon.destroyForcibly();
            }
            deleteTree(dir);
        }, "vg-test-dockerd-stop"));
        Map<String, String> environment = Map.of("DOCKER_HOST", "unix://" + socket);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Result version = failing(() -> run(List.of(find("docker"), "version", "--format", "{{.Server.Version}}"), environment, null));
            if (version.code == 0) {
                break;
            }
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new Unavailable("the tests' dockerd did not start: " + tail(dir.resolve("dockerd.log")));
            }
            failing(() -> {
                Thread.sleep(200);
                return null;
            });
        }
        failing(() -> {
            importImage(List.of(find("docker"), "import", "-", IMAGE), environment);
            return null;
        });
        return new Engine("docker", environment, IMAGE);
    }

    private static Engine preparePodman() throws Unavailable {
        if (find("podman") == null) {
            throw new Unavailable("podman is not installed (package podman)");
        }
        Result info = failing(() -> run(List.of(find("podman"), "info", "--format", "{{.Host.Security.Rootless}}"), Map.of(), null));
        if (info.code != 0) {
            throw new Unavailable("podman cannot run here: " + info.output.strip());
        }
        failing(() -> {
            importImage(List.of(find("podman"), "import", "-", IMAGE), Map.of());
            return null;
        });
        return new Engine("podman", Map.of(), "localhost/" + IMAGE);
    }

    /**
     * podman for the unprivileged {@code user} ({@code ids}), rootless, with the test image imported
     * into that user's own storage under {@code home} (its HOME; XDG_RUNTIME_DIR is {@code home/run}).
     * Aborts the calling test, naming the reason, when this machine cannot give that user rootless
     * podman (no podman, no newuidmap/newgidmap, no subordinate ids, podman refusing); stop the
     * user's pause process with {@link #stopRootless} when done.
     */
    public static Engine rootlessPodman(String user, int[] ids, Path home) {
        String podman = find("podman");
        Assumptions.assumeTrue(podman != null, "podman is not installed (package podman)");
        for (String helper : List.of("newuidmap", "newgidmap")) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin", helper)),
                    () -> "rootless podman needs /usr/bin/" + helper + " (package uidmap)");
        }
        for (Path ranges : List.of(Path.of("/etc/subuid"), Path.of("/etc/subgid"))) {
            Assumptions.assumeTrue(failing(() -> hasRange(ranges, user, ids[0])),
                    () -> "rootless podman needs subordinate ids for " + user + " in " + ranges + " (none there)");
        }
        Path runtimeDir = home.resolve("run");
        failing(() -> {
            Files.createDirectories(runtimeDir);
            Files.setPosixFilePermissions(runtimeDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.setAttribute(runtimeDir, "unix:uid", ids[0]);
            Files.setAttribute(runtimeDir, "unix:gid", ids[1]);
            return null;
        });
        Map<String, String> environment = Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtimeDir.toString());
        List<String> asUser = List.of("setpriv", "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups");
        List<String> info = new ArrayList<>(asUser);
        info.addAll(List.of(podman, "info", "--format", "{{.Host.Security.Rootless}}"));
        Result answer = failing(() -> run(info, environment, null, home));
        Assumptions.assumeTrue(answer.code == 0 && answer.output.strip().endsWith("true"),
                () -> "rootless podman cannot run for " + user + " here: " + answer.output.strip());
        List<String> importCommand = new ArrayList<>(asUser);
        importCommand.addAll(List.of(podman, "import", "-", IMAGE));
        failing(() -> {
            importImage(importCommand, environment, home);
            return null;
        });
        return new Engine("podman", environment, "localhost/" + IMAGE);
    }

    /**
     * Ends the pause process that rootless podman left to hold {@code engine}'s user namespace (its
     * pid file under XDG_RUNTIME_DIR), so nothing of the test keeps running.
     */
    public static void stopRootless(Engine engine) throws IOException {
        Path pidFile = Path.of(engine.environment().get("XDG_RUNTIME_DIR"), "libpod", "tmp", "pause.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(pid).filter(p -> p.info().command().orElse("").endsWith("catatonit")).ifPresent(ProcessHandle::destroy);
    }

    /** Whether {@code ranges} (/etc/subuid format) gives {@code user} (by name or uid) a range. */
    private static boolean hasRange(Path ranges, String user, int uid) throws IOException {
        if (!Files.exists(ranges)) {
            return false;
        }
        return Files.readAllLines(ranges).stream().map(line -> line.split(":"))
                .anyMatch(fields -> fields.length == 3 && (fields[0].equals(user) || fields[0].equals(Integer.toString(uid)))
                        && !fields[2].strip().equals("0"));
    }

    /** Imports the test root (a tar stream) as {@link #IMAGE}. */
    private static void importImage(List<String> importCommand, Map<String, String> environment) throws Exception {
        importImage(importCommand, environment, null);
    }

    private static void importImage(List<String> importCommand, Map<String, String> environment, Path directory)
            throws Exception {
        Path root = Files.createTempDirectory("vg-image-");
        try {
            buildRoot(root);
            Path archive = root.resolveSibling(root.getFileName() + ".tar");
            Result tar = run(List.of("tar", "-C", root.toString(), "-cf", archive.toString(), "."), Map.of(), null);
            if (tar.code != 0) {
                throw new IOException("tar of the test image failed: " + tar.output);
            }
            try {
                Result imported = run(importCommand, environment, archive, directory);
                if (imported.code != 0) {
                    throw new IOException(String.join(" ", importCommand) + " failed: " + imported.output.strip());
                }
            } finally {
                Files.deleteIfExists(archive);
            }
        } finally {
            deleteTree(root);
        }
    }

    /** busybox-static with its applets, bash and perl with the libraries they load, perl's base modules. */
    private static void buildRoot(Path root) throws Exception {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new IOException("busybox is not installed (package busybox-static)");
        }
        // An image's / is open to every user (createTempDirectory made it 0700: a non-root user's container could not start).
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String dir : List.of("bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "proc", "sys", "dev", "var/tmp", "run")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.setPosixFilePermissions(root.resolve("tmp"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.copy(busybox, root.resolve("bin/busybox"));
        Result applets = run(List.of(busybox.toString(), "--list-full"), Map.of(), null);
        for (String applet : applets.output.lines().toList()) {
            Path link = root.resolve(applet);
            if (!applet.isBlank() && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, Path.of("/bin/busybox"));
            }
        }
        List<String> libraries = new ArrayList<>();
        for (String file : HOST_FILES) {
            Path target = root.resolve(file.substring(1));
            Files.deleteIfExists(target);
            Files.copy(Path.of(file), target);
            for (String line : run(List.of("ldd", file), Map.of(), null).output.lines().toList()) {
                for (String word : line.trim().split("\\s+")) {
                    if (word.startsWith("/")) {
                        libraries.add(word);
                    }
                }
            }
        }
        Path perlBase = Path.of("/usr/lib/x86_64-linux-gnu/perl-base");
        if (!Files.isDirectory(perlBase)) {
            throw new IOException("perl's base modules are not at " + perlBase);
        }
        for (String library : libraries) {
            Path target = root.resolve(library.substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(library).toRealPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path perlParent = Files.createDirectories(root.resolve(perlBase.toString().substring(1)).getParent());
        Result copy = run(List.of("cp", "-a", perlBase.toString(), perlParent.toString()), Map.of(), null);
        if (copy.code != 0) {
            throw new IOException("copying perl's modules failed: " + copy.output);
        }
    }

    private record Result(int code, String output) {}

    private static Result run(List<String> command, Map<String, String> environment, Path stdin) throws Exception {
        return run(command, environment, stdin, null);
    }

    private static Result run(List<String> command, Map<String, String> environment, Path stdin, Path directory)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(command.getFirst() + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    private static String find(String name) {
        for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        return null;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
