package dev.vectraguard.cli;

import dev.vectraguard.json.JsonTrees;
import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Config trust through a real vg process: a config file a project ships or a sandboxed command
 * writes may only tighten the policy until the user approves its exact content. Whether a command
 * ran sandboxed is checked from outside: it touches a file in /tmp, which the sandbox keeps private.
 */
class ConfigTrustTest {
    private static final String LOW_GUARD = "guard_level:\n  level: low\n";

    @TempDir
    Path root;
    VgRunner vg;
    Path hostProbe;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        vg.config(LOW_GUARD);
        hostProbe = Path.of("/tmp", "vg-config-trust-" + UUID.randomUUID());
    }

    @AfterEach
    void removeProbe() throws Exception {
        Files.deleteIfExists(hostProbe);
    }

    private String touchProbe() {
        return "touch " + hostProbe;
    }

    @Test
    void aConfigASandboxedCommandWritesInASubdirectoryCannotTurnTheSandboxOff() throws Exception {
        VgRunner.Result write = vg.run("exec", "-q", "--", "sh", "-c",
                "mkdir -p sub && printf 'sandbox:\\n  mode: never\\n' > sub/vectra-guard.yaml");
        assertEquals(0, write.exitCode(), write.toString());
        Path sub = vg.workspace.resolve("sub");
        assertTrue(Files.exists(sub.resolve("vectra-guard.yaml")), write.toString());

        VgRunner.Result run = vg.cd(sub).run("exec", "--", "sh", "-c", touchProbe());
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(Files.exists(hostProbe), "the command ran on the host: " + run);
        assertTrue(run.stderr().contains("vg: ./vectra-guard.yaml: ignored 1 loosening key (sandbox.mode): the file is not approved; "
                + "approve it with: vg config trust ./vectra-guard.yaml"), run.toString());
        assertTrue(run.stderr().contains("vg: sandbox ("), run.toString());
    }

    @Test
    void aShippedProjectConfigGetsNoneOfItsLooseningKeys() throws Exception {
        Path secret = Files.createDirectories(root.resolve("outside"));
        Files.writeString(secret.resolve("marker"), "outside-content\n");
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        vg.projectConfig("sandbox:\n  mode: never\n  security_level: permissive\n  bind_mounts: [\"" + secret + ":" + secret + "\"]\n"
                + "  workspace_dir: " + elsewhere + "\n");
        VgRunner.Result run = vg.run("exec", "--", "sh", "-c", touchProbe() + "; cat " + secret + "/marker; touch written-here");
        assertFalse(Files.exists(hostProbe), "mode never applied: " + run);
        assertFalse(run.stdout().contains("outside-content"), "bind_mounts applied: " + run);
        assertTrue(Files.exists(vg.workspace.resolve("written-here")), "the workspace is the current directory: " + run);
        assertFalse(Files.exists(elsewhere.resolve("written-here")), "workspace_dir applied: " + run);
        assertTrue(run.stderr().contains("vg: sandbox (balanced,"), "security_level permissive applied: " + run);
        assertTrue(run.stderr().contains("./vectra-guard.yaml: ignored 4 loosening keys (sandbox.mode, sandbox.security_level, "
                + "sandbox.bind_mounts, sandbox.workspace_dir): the file is not approved; approve it with: vg config trust ./vectra-guard.yaml"),
                run.toString());
    }

    @Test
    void tighteningKeysApplyFromTheWorkspaceRootAndAddToTrustedLists() throws Exception {
        vg.config(LOW_GUARD + "policies:\n  denylist: [\"echo user-denied*\"]\n");
        vg.projectConfig("sandbox:\n  security_level: strict\npolicies:\n  denylist: [\"echo forbidden*\"]\n");
        Path sub = Files.createDirectories(vg.workspace.resolve("sub"));
        vg.cd(sub);
        String workspace = vg.workspace.toString();
        VgRunner.Result denied = vg.run("exec", "--workspace", workspace, "--", "echo", "forbidden", "word");
        assertEquals(77, denied.exitCode(), "the workspace root's denylist entry applies: " + denied);
        VgRunner.Result userDenied = vg.run("exec", "--workspace", workspace, "--", "echo", "user-denied");
        assertEquals(77, userDenied.exitCode(), "the user's denylist entry stays: " + userDenied);
        VgRunner.Result strict = vg.run("exec", "--workspace", workspace, "--", "true");
        assertEquals(0, strict.exitCode(), strict.toString());
        assertTrue(strict.stderr().startsWith("vg: sandbox (strict,"), strict.toString());
        assertFalse(strict.stderr().contains("ignored"), strict.toString());
    }

    @Test
    void anApprovedFileAppliesUntilItChangesAndUntrustWithdrawsIt() throws Exception {
        Path shared = Files.createDirectories(root.resolve("shared"));
        Files.writeString(shared.resolve("marker"), "shared-content\n");
        String yaml = "sandbox:\n  bind_mounts: [\"" + shared + ":" + shared + ":ro\"]\n";
        vg.projectConfig(yaml);
        String[] readMarker = {"exec", "--", "cat", shared + "/marker"};

        VgRunner.Result before = vg.run(readMarker);
        assertFalse(before.stdout().contains("shared-content"), before.toString());
        assertTrue(before.stderr().contains("ignored 1 loosening key (sandbox.bind_mounts)"), before.toString());

        VgRunner.Result trust = vg.run("config", "trust");
        assertEquals(0, trust.exitCode(), trust.toString());
        Path approvals = vg.stateDir.resolve("config-trust.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(approvals)));
        Map<?, ?> files = (Map<?, ?>) JsonTrees.object(Files.readString(approvals)).get("files");
        assertEquals(List.of(vg.workspace.resolve("vectra-guard.yaml").toRealPath().toString()), List.copyOf(files.keySet()));

        VgRunner.Result approved = vg.run(readMarker);
        assertEquals("shared-content\n", approved.stdout(), approved.toString());
        assertFalse(approved.stderr().contains("ignored"), approved.toString());

        vg.projectConfig(yaml + "# edited\n");
        VgRunner.Result edited = vg.run(readMarker);
        assertFalse(edited.stdout().contains("shared-content"), "a changed file is no longer approved: " + edited);
        assertTrue(edited.stderr().contains("ignored 1 loosening key (sandbox.bind_mounts): its approval no longer matches"), edited.toString());

        assertEquals(0, vg.run("config", "trust", "vectra-guard.yaml").exitCode());
        assertEquals("shared-content\n", vg.run(readMarker).stdout());
        VgRunner.Result untrust = vg.run("config", "untrust");
        assertEquals(0, untrust.exitCode(), untrust.toString());
        VgRunner.Result after = vg.run(readMarker);
        assertFalse(after.stdout().contains("shared-content"), after.toString());
        assertTrue(after.stderr().contains("the file is not approved"), after.toString());
        assertEquals(125, vg.run("config", "untrust").exitCode(), "nothing left to withdraw");
    }

    @Test
    void aUserConfigOthersCanWriteOrOwnIsNotTrusted() throws Exception {
        vg.config(LOW_GUARD + "sandbox:\n  mode: never\n");
        Files.setPosixFilePermissions(vg.userConfig, PosixFilePermissions.fromString("rw-rw-r--"));
        VgRunner.Result groupWritable = vg.run("exec", "--", "sh", "-c", touchProbe());
        assertFalse(Files.exists(hostProbe), "a group-writable user config turned the sandbox off: " + groupWritable);
        assertTrue(groupWritable.stderr().contains("config.yaml: ignored 2 loosening keys (guard_level.level, sandbox.mode): "
                + "it is group- or world-writable"), groupWritable.toString());

        Files.setPosixFilePermissions(vg.userConfig, PosixFilePermissions.fromString("rw-r--r--"));
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid == 0) {
            Files.setAttribute(vg.userConfig, "unix:uid", 65534);
            VgRunner.Result foreign = vg.run("exec", "--", "sh", "-c", touchProbe());
            assertFalse(Files.exists(hostProbe), "a user config owned by another user was trusted: " + foreign);
            assertTrue(foreign.stderr().contains("it is owned by uid 65534, not by you (uid 0)"), foreign.toString());
            Files.setAttribute(vg.userConfig, "unix:uid", 0);
        }

        VgRunner.Result trusted = vg.run("exec", "--", "sh", "-c", touchProbe());
        assertEquals(0, trusted.exitCode(), trusted.toString());
        assertTrue(Files.exists(hostProbe), "the user's own config may turn the sandbox off: " + trusted);
    }

    @Test
    void aConfigFlagFileInsideTheWorkspaceIsTreatedLikeAProjectConfig() throws Exception {
        Path inside = Files.writeString(vg.workspace.resolve("custom.yaml"), "sandbox:\n  mode: never\n");
        VgRunner.Result run = vg.run("exec", "--config", inside.toString(), "--", "sh", "-c", touchProbe());
        assertFalse(Files.exists(hostProbe), "--config inside the workspace turned the sandbox off: " + run);
        assertTrue(run.stderr().contains("vg: ./custom.yaml: ignored 1 loosening key (sandbox.mode): it lies inside " + vg.workspace.toRealPath()),
                run.toString());

        Path outside = Files.writeString(root.resolve("outside.yaml"), "sandbox:\n  mode: never\n");
        VgRunner.Result host = vg.run("exec", "--config", outside.toString(), "--", "sh", "-c", touchProbe());
        assertEquals(0, host.exitCode(), host.toString());
        assertTrue(Files.exists(hostProbe), "--config outside the workspace is trusted: " + host);
    }

    @Test
    void configShowMarksTrustedTighteningApprovedAndIgnoredValues() throws Exception {
        vg.projectConfig("sandbox:\n  mode: never\n  security_level: strict\n");
        Map<String, Object> shown = JsonTrees.object(vg.run("config", "show", "--json").stdout());
        Map<?, ?> guard = (Map<?, ?>) shown.get("guard_level.level");
        assertEquals("low", guard.get("value"));
        assertEquals("trusted", guard.get("trust"), shown.toString());
        Map<?, ?> level = (Map<?, ?>) shown.get("sandbox.security_level");
        assertEquals("strict", level.get("value"));
        assertEquals("tightening", level.get("trust"), shown.toString());
        Map<?, ?> mode = (Map<?, ?>) shown.get("sandbox.mode");
        assertEquals("always", mode.get("value"));
        assertEquals("trusted", mode.get("trust"));
        Map<?, ?> ignored = (Map<?, ?>) ((List<?>) mode.get("ignored")).getFirst();
        assertEquals("never", ignored.get("value"));
        assertEquals(vg.workspace.resolve("vectra-guard.yaml").toString(), ignored.get("file"));

        String text = vg.run("config", "show").stdout();
        assertTrue(text.contains("#   ignored: " + vg.workspace.resolve("vectra-guard.yaml") + ":2 sets never"), text);

        assertEquals(0, vg.run("config", "trust").exitCode());
        Map<?, ?> approved = (Map<?, ?>) JsonTrees.object(vg.run("config", "show", "--json").stdout()).get("sandbox.mode");
        assertEquals("never", approved.get("value"));
        assertEquals("approved", approved.get("trust"));
        assertFalse(approved.containsKey("ignored"), approved.toString());
    }

    @Test
    void aCommandRunThroughVgCannotApproveAConfig() throws Exception {
        vg.projectConfig("sandbox:\n  mode: never\n");
        for (List<String> approval : List.of(List.of("vg", "config", "trust"), List.of("vg", "trust", "add", "rm -rf /"))) {
            List<String> args = new java.util.ArrayList<>(List.of("exec", "--"));
            args.addAll(approval);
            VgRunner.Result run = vg.run(args.toArray(String[]::new));
            assertEquals(77, run.exitCode(), "an approval needs the user: " + run);
            assertTrue(run.stderr().contains("blocked"), run.toString());
        }
        assertFalse(Files.exists(vg.stateDir.resolve("config-trust.json")));
    }

    @Test
    void aProjectConfigCreatedInTheWorkspaceRootIsMovedAside() throws Exception {
        Path sub = Files.createDirectories(vg.workspace.resolve("sub"));
        VgRunner.Result run = vg.cd(sub).run("exec", "--workspace", vg.workspace.toString(), "--", "sh", "-c",
                "printf 'policies:\\n  denylist: [rm*]\\n' > ../vectra-guard.yaml");
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(Files.exists(vg.workspace.resolve("vectra-guard.yaml")), "a planted config stays in the workspace root: " + run);
        assertTrue(run.stderr().contains("moved it to " + vg.workspace.resolve("vectra-guard.yaml.from-sandbox-")), run.toString());
    }

    @Test
    void anUnprivilegedUsersOwnConfigIsTrustedOnlyWhileOthersCannotWriteIt() throws Exception {
        Assumptions.assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "switches to uid 65534, needs root");
        vg.config(LOW_GUARD + "sandbox:\n  mode: never\n");
        try (PortableClasspath classpath = PortableClasspath.create()) {
            for (Path owned : List.of(vg.home, vg.workspace, root, vg.userConfig, vg.userConfig.getParent(), vg.userConfig.getParent().getParent())) {
                Files.setAttribute(owned, "unix:uid", 65534);
                Files.setAttribute(owned, "unix:gid", 65534);
            }
            List<String> command = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            command.addAll(VgRunner.javaCommand(classpath.classpath(), List.of("exec", "--", "sh", "-c", touchProbe())));

            Files.setPosixFilePermissions(vg.userConfig, PosixFilePermissions.fromString("rw-rw-rw-"));
            VgRunner.Result worldWritable = vg.exec(command, null);
            assertFalse(Files.exists(hostProbe), "a world-writable user config turned the sandbox off: " + worldWritable);
            assertTrue(worldWritable.stderr().contains("it is group- or world-writable"), worldWritable.toString());

            Files.setPosixFilePermissions(vg.userConfig, PosixFilePermissions.fromString("rw-r--r--"));
            VgRunner.Result own = vg.exec(command, null);
            assertEquals(0, own.exitCode(), own.toString());
            assertTrue(Files.exists(hostProbe), "the user's own config applies as written: " + own);
        }
    }

    @Test
    void aLimitAProjectTightensNeverExceedsTheTrustedOneAtTheLevelAsked() throws Exception {
        vg.projectConfig("sandbox:\n  memory_limit: 3g\n");
        VgRunner.Result balanced = vg.run("exec", "--", "true");
        assertTrue(balanced.stderr().contains("memory 3072 MiB"), "3g is below balanced's 4 GiB: " + balanced);
        VgRunner.Result paranoid = vg.run("exec", "--security-level", "paranoid", "--", "true");
        assertTrue(paranoid.stderr().contains("memory 2048 MiB"), "paranoid's own limit is lower: " + paranoid);

        vg.config(LOW_GUARD + "sandbox:\n  memory_limit: 8g\n");
        vg.projectConfig("sandbox:\n  memory_limit: 4g\n");
        VgRunner.Result raised = vg.run("exec", "--", "true");
        assertTrue(raised.stderr().contains("memory 4096 MiB"), "below the user's 8g: " + raised);
    }
}
