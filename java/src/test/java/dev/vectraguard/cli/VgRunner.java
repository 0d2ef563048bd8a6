package dev.vectraguard.cli;

import dev.vectraguard.guard.ShellWords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real vg CLI in a child JVM, with a private HOME, state dir and working directory. */
final class VgRunner {
    final Path home;
    final Path workspace;
    final Path stateDir;
    final Path userConfig;
    private final Map<String, String> env = new HashMap<>();
    private Path workingDir;

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    VgRunner(Path root) throws IOException {
        this.home = Files.createDirectories(root.resolve("home"));
        this.workspace = Files.createDirectories(root.resolve("work"));
        this.stateDir = root.resolve("state");
        this.userConfig = home.resolve(".config/vectra-guard/config.yaml");
        this.workingDir = workspace;
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("VECTRAGUARD_STATE_DIR", stateDir.toString());
    }

    /** Runs the next commands in {@code dir} instead of the workspace. */
    VgRunner cd(Path dir) {
        workingDir = dir;
        return this;
    }

    VgRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Writes the user's config (~/.config/vectra-guard/config.yaml), which vg trusts: it may loosen. */
    VgRunner config(String yaml) throws IOException {
        Files.createDirectories(userConfig.getParent());
        Files.writeString(userConfig, yaml);
        return this;
    }

    /**
     * Ready for bubblewrap, which runs a root caller's command as the workspace's owner: as root, the
     * workspace is given to nobody (65534), and the directory above it is opened for nobody to reach it.
     */
    VgRunner workspaceForBubblewrap() throws IOException {
        Files.setPosixFilePermissions(workspace.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
            Files.setAttribute(workspace, "unix:uid", 65534);
            Files.setAttribute(workspace, "unix:gid", 65534);
        }
        return this;
    }

    /** Writes ./vectra-guard.yaml in the workspace, a project config: it may only tighten until approved. */
    VgRunner projectConfig(String yaml) throws IOException {
        Files.writeString(workspace.resolve("vectra-guard.yaml"), yaml);
        return this;
    }

    static List<String> javaCommand(String classpath, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:+DisplayVMOutputToStderr",
                "-cp", classpath, Main.class.getName()));
        command.addAll(args);
        return command;
    }

    /** The C tests' helper (built with the C core, java/target/native), whose modes wrap a command. */
    private static final Path C_HELPER = Path.of("target", "native", "vg_test_helper").toAbsolutePath();

    /** vg with {@code args} in a child JVM that {@code wrapper} starts (e.g. the C helper's mode and "--"-less argv). */
    Result runUnder(List<String> wrapper, String... args) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(javaCommand(System.getProperty("java.class.path"), List.of(args)));
        return exec(command, null);
    }

    /** vg with {@code args} in a child JVM that the C tests' helper starts in {@code mode} (e.g. without-landlock). */
    Result runUnderHelper(String mode, String... args) throws Exception {
        if (!Files.isExecutable(C_HELPER)) {
            throw new AssertionError("the C tests' helper is missing: " + C_HELPER);
        }
        return runUnder(List.of(C_HELPER.toString(), mode), args);
    }

    Result run(String... args) throws Exception {
        return runWithInput(null, args);
    }

    Result runWithInput(String stdin, String... args) throws Exception {
        return exec(javaCommand(System.getProperty("java.class.path"), List.of(args)), stdin);
    }

    /**
     * Starts vg in a session of its own (no controlling terminal, like a service or an agent),
     * stdin from /dev/null, stdout and stderr into files; the returned process is vg's JVM.
     */
    Process start(Path stdout, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid"));
        command.addAll(javaCommand(System.getProperty("java.class.path"), List.of(args)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workspace.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * Runs vg with {@code args} on a pseudo-terminal (script(1)) and types {@code answer}; the typing
     * side stays open a few seconds, because script ends the session when its input closes.
     */
    Result onTerminal(String answer, String... args) throws Exception {
        String command = javaCommand(System.getProperty("java.class.path"), List.of(args)).stream()
                .map(ShellWords::quote).collect(java.util.stream.Collectors.joining(" "));
        String typing = "(printf '%s\\n' " + ShellWords.quote(answer) + "; sleep 4)";
        return exec(List.of("sh", "-c", typing + " | script -qec " + ShellWords.quote(command) + " /dev/null"), null);
    }

    /** Runs {@code command} (a whole command line) with this runner's environment and directory. */
    Result exec(List<String> command, String stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process = builder.start();
        if (stdin != null) {
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("vg did not finish: " + command);
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e.getMessage() + ">";
        }
    }
}
