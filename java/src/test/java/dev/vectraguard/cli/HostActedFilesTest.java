package dev.vectraguard.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files in a project that programs on the host act on without asking (git's config and hooks, an
 * editor's or agent's settings) cannot be planted by a sandboxed command. Each test plants from
 * inside the sandbox, then runs git on the host as a user or an IDE would, and checks from outside
 * that the planted command did not run.
 */
class HostActedFilesTest {
    @TempDir
    Path root;
    VgRunner vg;
    Path hostProbe;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        vg.config("guard_level:\n  level: low\n");
        hostProbe = Path.of("/tmp", "vg-host-acted-" + UUID.randomUUID());
        hostGit("init", "-q", ".");
        Files.writeString(vg.workspace.resolve("a.txt"), "a\n");
        hostGit("add", "a.txt");
        hostGit("commit", "-q", "-m", "first");
    }

    @AfterEach
    void removeProbe() throws Exception {
        Files.deleteIfExists(hostProbe);
    }

    /** git on the host, in the workspace, with the test's HOME (no user's git config). */
    private VgRunner.Result hostGit(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.org"));
        command.addAll(List.of(args));
        VgRunner.Result result = vg.exec(command, null);
        assertEquals(0, result.exitCode(), "git on the host: " + result);
        return result;
    }

    @Test
    void aSandboxedCommandCannotGiveGitAnFsmonitorThatGitOnTheHostRuns() throws Exception {
        String before = Files.readString(vg.workspace.resolve(".git/config"));
        VgRunner.Result plant = vg.run("exec", "-q", "--", "git", "config", "core.fsmonitor", "touch " + hostProbe + "; false");
        assertNotEquals(0, plant.exitCode(), plant.toString());
        assertEquals(before, Files.readString(vg.workspace.resolve(".git/config")), plant.toString());
        hostGit("status");
        assertFalse(Files.exists(hostProbe), "git on the host ran the planted fsmonitor");
    }

    @Test
    void aSandboxedCommandCannotPlantAGitHook() throws Exception {
        VgRunner.Result plant = vg.run("exec", "-q", "--", "sh", "-c",
                "printf '#!/bin/sh\\ntouch " + hostProbe + "\\n' > .git/hooks/post-commit && chmod +x .git/hooks/post-commit");
        assertNotEquals(0, plant.exitCode(), plant.toString());
        assertFalse(Files.exists(vg.workspace.resolve(".git/hooks/post-commit")), plant.toString());
        hostGit("commit", "-q", "--allow-empty", "-m", "second");
        assertFalse(Files.exists(hostProbe), "git on the host ran a planted hook");
    }

    @Test
    void aCommondirFileTheSandboxCreatesIsMovedAsideSoGitKeepsItsOwnConfig() throws Exception {
        Path evil = vg.workspace.resolve("evil");
        VgRunner.Result plant = vg.run("exec", "-q", "--", "sh", "-c",
                "mkdir -p evil && cp -r .git/. evil/ && git config -f evil/config core.fsmonitor 'touch " + hostProbe
                        + "; false' && echo ../evil > .git/commondir");
        assertEquals(0, plant.exitCode(), plant.toString());
        assertTrue(Files.exists(evil.resolve("config")), plant.toString());
        assertFalse(Files.exists(vg.workspace.resolve(".git/commondir")), "the planted commondir stayed: " + plant);
        try (Stream<Path> files = Files.list(vg.workspace.resolve(".git"))) {
            assertTrue(files.anyMatch(file -> file.getFileName().toString().startsWith("commondir.from-sandbox-")), plant.toString());
        }
        assertTrue(plant.stderr().contains("created " + vg.workspace.resolve(".git/commondir") + "; moved it to "), plant.toString());
        hostGit("status");
        assertFalse(Files.exists(hostProbe), "git on the host ran the fsmonitor of the directory commondir named");
    }

    @Test
    void commitsInTheSandboxStillWork() throws Exception {
        VgRunner.Result commit = vg.run("exec", "-q", "--", "sh", "-c", "echo b > b.txt && git add b.txt && "
                + "git -c user.name=t -c user.email=t@example.org commit -q -m second && git checkout -q -b topic");
        assertEquals(0, commit.exitCode(), commit.toString());
        VgRunner.Result log = hostGit("log", "--format=%s", "topic");
        assertEquals("second\nfirst\n", log.stdout(), log.toString());
    }

    @Test
    void editorAndAgentSettingsThatExistAreReadOnlyInTheSandbox() throws Exception {
        Files.createDirectories(vg.workspace.resolve(".vscode"));
        Files.writeString(vg.workspace.resolve(".vscode/settings.json"), "{}\n");
        Files.createDirectories(vg.workspace.resolve("app/.claude"));
        Files.writeString(vg.workspace.resolve("app/.claude/settings.json"), "{}\n");
        VgRunner.Result vscode = vg.run("exec", "-q", "--", "sh", "-c", "echo '{\"git.path\": \"/tmp/x\"}' > .vscode/settings.json");
        assertNotEquals(0, vscode.exitCode(), vscode.toString());
        VgRunner.Result tasks = vg.run("exec", "-q", "--", "sh", "-c", "echo '{}' > .vscode/tasks.json");
        assertNotEquals(0, tasks.exitCode(), tasks.toString());
        VgRunner.Result claude = vg.cd(vg.workspace.resolve("app")).run("exec", "-q", "--", "sh", "-c",
                "echo '{\"disableAllHooks\": true}' > .claude/settings.json");
        assertNotEquals(0, claude.exitCode(), claude.toString());
        assertEquals("{}\n", Files.readString(vg.workspace.resolve(".vscode/settings.json")));
        assertFalse(Files.exists(vg.workspace.resolve(".vscode/tasks.json")));
        assertEquals("{}\n", Files.readString(vg.workspace.resolve("app/.claude/settings.json")));
    }

    @Test
    void aRepositoryTheSandboxCreatesWithAnFsmonitorIsMovedAside() throws Exception {
        Path sub = Files.createDirectories(vg.workspace.resolve("sub"));
        VgRunner.Result plant = vg.cd(sub).run("exec", "-q", "--", "sh", "-c",
                "git init -q && git config core.fsmonitor 'touch " + hostProbe + "; false'");
        assertEquals(0, plant.exitCode(), plant.toString());
        assertFalse(Files.exists(sub.resolve(".git")), "the planted repository stayed: " + plant);
        assertTrue(plant.stderr().contains("created " + sub.resolve(".git") + "; moved it to ")
                && plant.stderr().contains("(config key core.fsmonitor)"), plant.toString());
        vg.cd(sub);
        hostGit("status");
        assertFalse(Files.exists(hostProbe), "git on the host ran the planted fsmonitor");
    }

    @Test
    void aRepositoryTheSandboxCreatesWithGitInitAndCommitsStays() throws Exception {
        Path sub = Files.createDirectories(vg.workspace.resolve("sub"));
        VgRunner.Result init = vg.cd(sub).run("exec", "-q", "--", "sh", "-c", "git init -q && echo x > x && git add x && "
                + "git -c user.name=t -c user.email=t@example.org commit -q -m one && git checkout -q -b topic");
        assertEquals(0, init.exitCode(), init.toString());
        assertTrue(Files.isDirectory(sub.resolve(".git")), init.toString());
        assertFalse(init.stderr().contains("moved it to"), init.toString());
    }

    @Test
    void agentSettingsTheSandboxCreatesAreMovedAside() throws Exception {
        VgRunner.Result plant = vg.run("exec", "-q", "--", "sh", "-c", "mkdir -p .claude && "
                + "echo '{\"hooks\": {\"SessionStart\": []}}' > .claude/settings.json && echo '{}' > .mcp.json");
        assertEquals(0, plant.exitCode(), plant.toString());
        assertFalse(Files.exists(vg.workspace.resolve(".claude/settings.json")), plant.toString());
        assertFalse(Files.exists(vg.workspace.resolve(".mcp.json")), plant.toString());
        assertTrue(plant.stderr().contains("created " + vg.workspace.resolve(".mcp.json") + "; moved it to "), plant.toString());
    }
}
