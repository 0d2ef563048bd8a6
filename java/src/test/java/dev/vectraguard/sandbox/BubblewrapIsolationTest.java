package dev.vectraguard.sandbox;

import dev.vectraguard.sandbox.bubblewrap.BubblewrapRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every isolation check against the bubblewrap runtime: in this JVM (root in CI: the command then
 * runs as the workspace's unprivileged owner) and in a child JVM as the unprivileged user vgtest.
 */
class BubblewrapIsolationTest {
    private Runtime before;

    @BeforeEach
    void useBubblewrap() {
        Assumptions.assumeTrue(BubblewrapRuntime.executable().isPresent(), "bwrap is not installed");
        before = IsolationChecks.runtime;
        IsolationChecks.runtime = new BubblewrapRuntime();
    }

    @AfterEach
    void restore() {
        if (before != null) {
            IsolationChecks.runtime = before;
        }
    }

    @TestFactory
    Stream<DynamicTest> isolationHolds() {
        return IsolationChecks.all().stream()
                .map(check -> DynamicTest.dynamicTest(check.name(), () -> check.body().run()));
    }

    @Test
    void theCommandNeverRunsAsRootAndHasNoCapability() throws Exception {
        Path ws = IsolationChecks.tempDir("ws");
        IsolationChecks.Result r = IsolationChecks.run(SecurityLevel.PERMISSIVE, ws,
                "id -u; grep -E '^Cap(Prm|Eff|Bnd|Amb)' /proc/self/status; grep NoNewPrivs /proc/self/status");
        int caller = CallerAccount.ids()[0];
        String uid = Integer.toString(caller == 0 ? IsolationChecks.WORKSPACE_OWNER : caller);
        assertEquals(uid + "\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n"
                + "CapAmb:\t0000000000000000\nNoNewPrivs:\t1\n", r.stdout(), r.toString());
    }

    /** An env_whitelist that passes PWD (e.g. "*"): the command still runs, with the spec's PWD, as on the native runtime. */
    @Test
    void aWhitelistedPwdReachesTheCommand() throws Exception {
        Path ws = IsolationChecks.tempDir("ws");
        IsolationChecks.Result r = IsolationChecks.run(IsolationChecks.spec(SecurityLevel.BALANCED, ws, List.of("/usr/bin/env"))
                .environment(Map.of("PATH", "/usr/bin:/bin", "PWD", "/somewhere/else")).build());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.stdout().lines().toList().contains("PWD=/somewhere/else"), r.toString());
    }

    /**
     * Another sandbox in the same workspace made .vscode during its run and now swaps it, over and
     * over, with a symlink to a directory outside, while vg sets up this sandbox (which protects
     * .vscode read-only): bubblewrap must bind what vg planned, never what the link leads to.
     */
    @Test
    void aProtectedPathSwappedForASymlinkDuringTheSetupNeverShowsWhatItLeadsTo() throws Exception {
        Path ws = IsolationChecks.tempDir("ws");
        Path outside = IsolationChecks.tempDir("outside");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x")); // readable by the command's uid
        Files.writeString(outside.resolve("planted"), "outside-secret\n");
        Files.createDirectory(ws.resolve(".vscode"));
        Files.createSymbolicLink(ws.resolve(".swap"), Path.of("..", outside.getFileName().toString()));
        Process swapper = new ProcessBuilder("perl", "-e", "my ($a, $b) = ('.vscode', '.swap'); "
                + "while (1) { syscall(316, -100, $a, -100, $b, 2) == 0 or die \"renameat2: $!\"; }")
                .directory(ws.toFile()).redirectErrorStream(true).start();
        int ran = 0;
        try {
            for (int i = 0; i < 40; i++) {
                try {
                    IsolationChecks.Result r = IsolationChecks.run(SecurityLevel.BALANCED, ws,
                            "cat .vscode/planted 2>/dev/null; echo ran");
                    assertTrue(!r.stdout().contains("outside-secret"), "the link was followed: " + r);
                    ran += r.stdout().contains("ran") ? 1 : 0;
                } catch (SandboxException refused) {
                    assertEquals(SandboxException.SETUP_FAILED, refused.exitCode(), refused.getMessage());
                }
            }
            if (!swapper.isAlive()) {
                throw new AssertionError("the swapper stopped: " + new String(swapper.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8));
            }
        } finally {
            swapper.destroyForcibly().waitFor();
        }
        assertTrue(ran > 0, "no run got through the swaps");
    }

    /**
     * Root binds a directory holding its HOME, whose ~/.config only root may enter: the command's
     * uid cannot reach ~/.config/gcloud there, so there is nothing to hide (bwrap, run as that uid,
     * could not mount over it), and the run goes on.
     */
    @Test
    void aRootCallersCredentialPathTheCommandCannotReachDoesNotStopTheRun() throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0, "only root's command is moved to another uid");
        Path ws = IsolationChecks.tempDir("ws");
        Path home = IsolationChecks.tempDir("home");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Files.createDirectory(home.resolve(".config"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.writeString(Files.createDirectory(config.resolve("gcloud")).resolve("key"), "secret\n");
        IsolationChecks.Result r = IsolationChecks.run(IsolationChecks.spec(SecurityLevel.BALANCED, ws,
                        List.of("sh", "-c", "ls -A /h; cat /h/.config/gcloud/key"))
                .environment(Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString()))
                .bindMount(new BindMount(home, Path.of("/h"), true)).build());
        assertTrue(r.stdout().equals(".config\n") && !r.stdout().contains("secret"), r.toString());
    }

    /** With the host's network (permissive) and no Landlock, the host's abstract unix sockets are reachable: the notice says so. */
    @Test
    void theHostsNetworkSaysThatAbstractUnixSocketsAreReachable() throws Exception {
        Path ws = IsolationChecks.tempDir("ws");
        try (SandboxProcess process = IsolationChecks.runtime.start(IsolationChecks.spec(SecurityLevel.PERMISSIVE, ws,
                List.of("true")).network(NetworkMode.FULL).build())) {
            assertEquals(0, process.waitFor());
            assertTrue(process.notices().contains("with the host's network the command can reach the host's abstract unix "
                    + "sockets (bubblewrap has no Landlock to scope them)"), process.notices().toString());
        }
    }

    @Test
    void aRootCallerWithARootOwnedWorkspaceIsRefused() throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0, "only root's command is moved to another uid");
        Path ws = Files.createTempDirectory("vg-root-ws-");
        try {
            SandboxException e = assertThrows(SandboxException.class, () -> IsolationChecks.run(
                    IsolationChecks.spec(SecurityLevel.BALANCED, ws, List.of("touch", "x")).build()));
            assertEquals(SandboxException.SETUP_FAILED, e.exitCode());
            assertTrue(e.getMessage().contains("never runs a command as root"), e.getMessage());
            assertTrue(!Files.exists(ws.resolve("x")));
        } finally {
            Files.deleteIfExists(ws);
        }
    }

    @Test
    void whatItCannotGiveIsRefusedUnlessWeakerIsAllowed() throws Exception {
        Path ws = IsolationChecks.tempDir("ws");
        SandboxException restricted = assertThrows(SandboxException.class, () -> IsolationChecks.runtime.start(
                SandboxSpec.builder("touch", "x").workspace(ws).securityLevel(SecurityLevel.BALANCED).build()));
        assertTrue(restricted.getMessage().startsWith("runtime bubblewrap cannot give restricted networking"),
                restricted.getMessage());
        SandboxException strict = assertThrows(SandboxException.class, () -> IsolationChecks.runtime.start(
                SandboxSpec.builder("touch", "x").workspace(ws).securityLevel(SecurityLevel.STRICT)
                        .network(NetworkMode.NONE).build()));
        assertTrue(strict.getMessage().contains("Landlock") && strict.getMessage().contains("allow_weaker_fallback"),
                strict.getMessage());
        assertTrue(!Files.exists(ws.resolve("x")), "nothing ran");
        try (SandboxProcess process = IsolationChecks.runtime.start(SandboxSpec.builder("touch", "x").workspace(ws)
                .securityLevel(SecurityLevel.STRICT).network(NetworkMode.NONE).allowWeakerFallback(true).build())) {
            assertEquals(0, process.waitFor());
            assertTrue(process.notices().contains("without Landlock, which security level 'strict' needs (bubblewrap)"),
                    process.notices().toString());
        }
        assertTrue(Files.exists(ws.resolve("x")));
    }

    @Test
    void isolationHoldsForAnUnprivilegedUser() throws Exception {
        Assumptions.assumeTrue(CallerAccount.ids()[0] == 0, "runs only as root (it switches to the user vgtest)");
        int[] ids = TestUsers.vgtest();
        IsolationChecks.runAsUser(ids, IsolationChecks.homeOf(ids), Map.of("vg.test.runtime", BubblewrapRuntime.NAME),
                Map.of());
    }
}
