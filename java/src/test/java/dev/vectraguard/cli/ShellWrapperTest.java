package dev.vectraguard.cli;

import dev.vectraguard.guard.ShellWords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code vg shell-init}: a real interactive bash (and zsh, where installed) on a tmux pseudo-terminal
 * evals the snippet, lines are typed at its prompt, and their effects are checked from outside.
 */
class ShellWrapperTest {
    @TempDir
    Path root;
    VgRunner vg;
    Path socket;
    Path home;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(onPath("tmux"), "tmux is not installed (.ci/run installs it)");
        vg = new VgRunner(root);
        home = vg.home;
        socket = root.resolve("tmux.sock");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path launcher = bin.resolve("vg");
        Files.writeString(launcher, "#!/bin/sh\nexec " + VgRunner.javaCommand(System.getProperty("java.class.path"), List.of())
                .stream().map(ShellWords::quote).collect(Collectors.joining(" ")) + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(vg.workspace.resolve("sub"));
        Files.writeString(home.resolve("marker"), "keep me\n");
        vg.env("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
    }

    @AfterEach
    void stopTmux() throws Exception {
        if (socket != null && Files.exists(socket)) {
            tmux("kill-server");
        }
    }

    @Test
    void bashRunsLowRiskLinesInTheShellAndRiskyOnesThroughVgExec() throws Exception {
        Files.writeString(root.resolve("rc"), "PS1='$ '\neval \"$(vg shell-init bash)\"\n");
        start("bash", "--noprofile", "--rcfile", root.resolve("rc").toString(), "-i");
        assertTyped();
    }

    @Test
    void zshRunsLowRiskLinesInTheShellAndRiskyOnesThroughVgExec() throws Exception {
        assumeTrue(onPath("zsh"), "zsh is not installed (.ci/run installs it)");
        Path zdot = Files.createDirectories(root.resolve("zdot"));
        Files.writeString(zdot.resolve(".zshrc"), "PROMPT='$ '\neval \"$(vg shell-init zsh)\"\n");
        vg.env("ZDOTDIR", zdot.toString());
        start("zsh", "-i");
        assertTyped();
    }

    /** The same lines, typed into whichever shell runs on the tmux pane. */
    private void assertTyped() throws Exception {
        waitFor(() -> screen().contains("[vg] $"), "the prompt marker");

        type("cd sub");
        type("touch cd-worked");
        assertTrue(Files.exists(vg.workspace.resolve("sub/cd-worked")), "a low-risk line runs in the shell, after its cd: " + screen());

        type("rm -rf ~");
        assertTrue(approvals() == 1 && screen().contains("vg exec -- "), "the line went to vg exec, which asks: " + screen());
        answer("y");
        assertEquals("keep me\n", Files.readString(home.resolve("marker")), "rm -rf ~ reached the host's HOME: " + screen());

        type("echo pwned >> ~/.bashrc");
        assertEquals(2, approvals(), screen());
        answer("y");
        assertFalse(Files.exists(home.resolve(".bashrc")), "sandboxed, the write did not reach the host: " + screen());

        type("export VG_OFF=1");
        assertTrue(screen().contains("[vg off] $"), "the prompt shows that vg is off: " + screen());
        type("echo pwned >> ~/.bashrc");
        assertEquals(2, approvals(), "with VG_OFF=1 nothing is asked: " + screen());
        assertEquals("pwned\n", Files.readString(home.resolve(".bashrc")), "with VG_OFF=1 the line runs as typed");
    }

    private void start(String... shell) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null", "new-session", "-d",
                "-x", "220", "-y", "60", "--"));
        command.add("env");
        command.add("-i");
        command.add("PATH=" + vgEnv("PATH"));
        command.add("HOME=" + home);
        command.add("TERM=xterm");
        command.add("LANG=C.UTF-8");
        command.add("VECTRAGUARD_STATE_DIR=" + vg.stateDir);
        if (vgEnv("ZDOTDIR") != null) {
            command.add("ZDOTDIR=" + vgEnv("ZDOTDIR"));
        }
        command.addAll(List.of(shell));
        VgRunner.Result started = vg.exec(command, null);
        assertEquals(0, started.exitCode(), started.toString());
    }

    private String vgEnv(String name) throws Exception {
        VgRunner.Result printed = vg.exec(List.of("sh", "-c", "printf %s \"${" + name + "-}\""), null);
        return printed.stdout().isEmpty() ? null : printed.stdout();
    }

    /** Types {@code line} and Enter, and waits for the next prompt or an approval question. */
    private void type(String line) throws Exception {
        int prompts = prompts();
        int approvals = approvals();
        tmux("send-keys", "-l", line);
        tmux("send-keys", "Enter");
        waitFor(() -> prompts() > prompts || approvals() > approvals, "'" + line + "' to finish or ask");
    }

    /** Answers vg exec's approval question and waits for the next prompt. */
    private void answer(String answer) throws Exception {
        int prompts = prompts();
        tmux("send-keys", "-l", answer);
        tmux("send-keys", "Enter");
        waitFor(() -> prompts() > prompts, "the prompt after answering " + answer);
    }

    private int approvals() {
        return (int) screen().lines().filter(l -> l.contains("run it? [y] once")).count();
    }

    /** How many prompts (finished lines plus the current one) the pane shows. */
    private int prompts() {
        return (int) screen().lines().filter(l -> l.startsWith("[vg] $") || l.startsWith("[vg off] $")).count();
    }

    private String screen() {
        try {
            return tmux("capture-pane", "-p", "-J", "-S", "-500").stdout();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private VgRunner.Result tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        command.addAll(List.of(args));
        return vg.exec(command, null);
    }

    private void waitFor(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; the pane:\n" + screen());
            }
            Thread.sleep(200);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
