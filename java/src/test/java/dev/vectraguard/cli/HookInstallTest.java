package dev.vectraguard.cli;

import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vg hook install}: the hook entry merged into a temp HOME's or project's settings file, through the real vg. */
class HookInstallTest {
    private static final String CLAUDE_SETTINGS = """
            {
              "model": "opus",
              "permissions": {"allow": ["Bash(npm test)"], "deny": ["Read(./.env)"]},
              "hooks": {
                "PreToolUse": [
                  {"matcher": "Write|Edit", "hooks": [{"type": "command", "command": "/opt/lint.sh", "timeout": 30}]}
                ],
                "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]
              },
              "env": {"FOO": "1.5"}
            }
            """;

    @TempDir
    Path root;
    VgRunner vg;
    Path bin;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        bin = Files.createDirectories(root.resolve("bin dir"));
        Path launcher = bin.resolve("vg");
        Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        vg.env("PATH", bin + ":/usr/bin:/bin");
    }

    @Test
    void claudeCodeUserInstallKeepsEveryOtherKeyAndHookAndBacksUpFirst() throws Exception {
        Path settings = Files.createDirectories(vg.home.resolve(".claude")).resolve("settings.json");
        Files.writeString(settings, CLAUDE_SETTINGS);

        VgRunner.Result install = vg.run("hook", "install", "claude-code", "--user");
        assertEquals(0, install.exitCode(), install.toString());
        assertTrue(install.stdout().contains("added the PreToolUse hook for Bash to " + settings), install.toString());

        Map<String, Object> merged = JsonTrees.object(Files.readString(settings));
        Map<String, Object> original = JsonTrees.object(CLAUDE_SETTINGS);
        assertEquals(original.get("model"), merged.get("model"));
        assertEquals(original.get("permissions"), merged.get("permissions"));
        assertEquals(original.get("env"), merged.get("env"));
        Map<?, ?> hooks = (Map<?, ?>) merged.get("hooks");
        Map<?, ?> originalHooks = (Map<?, ?>) original.get("hooks");
        assertEquals(originalHooks.get("Stop"), hooks.get("Stop"));
        List<?> preToolUse = (List<?>) hooks.get("PreToolUse");
        assertEquals(2, preToolUse.size(), preToolUse.toString());
        assertEquals(((List<?>) originalHooks.get("PreToolUse")).getFirst(), preToolUse.getFirst(), "the existing hook is kept first");
        assertEquals(Map.of("matcher", "Bash", "hooks", List.of(Map.of("type", "command",
                "command", "'" + bin.resolve("vg") + "' hook claude-code"))), preToolUse.get(1));

        List<Path> backups = backups(settings);
        assertEquals(1, backups.size(), backups.toString());
        assertEquals(CLAUDE_SETTINGS, Files.readString(backups.getFirst()), "the backup is the file as it was");
        assertTrue(install.stdout().contains(backups.getFirst().toString()), install.toString());

        String installed = Files.readString(settings);
        VgRunner.Result again = vg.run("hook", "install", "claude-code", "--user");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("already in " + settings), again.toString());
        assertEquals(installed, Files.readString(settings), "a second install changes nothing");
        assertEquals(1, backups(settings).size(), "and makes no backup");
        assertEquals(List.of(".claude"), list(vg.home), "no temp file is left behind");
    }

    @Test
    void claudeCodeProjectInstallCreatesTheSettingsFile() throws Exception {
        VgRunner.Result install = vg.run("hook", "install", "claude-code", "--project");
        assertEquals(0, install.exitCode(), install.toString());
        Path settings = vg.workspace.resolve(".claude/settings.json");
        assertEquals(Map.of("hooks", Map.of("PreToolUse", List.of(Map.of("matcher", "Bash", "hooks", List.of(Map.of(
                "type", "command", "command", "'" + bin.resolve("vg") + "' hook claude-code")))))),
                JsonTrees.object(Files.readString(settings)));
        assertEquals(List.of("settings.json"), list(settings.getParent()), "no backup of a file that did not exist");
    }

    @Test
    void geminiUserInstallAddsABeforeToolHook() throws Exception {
        Path settings = Files.createDirectories(vg.home.resolve(".gemini")).resolve("settings.json");
        Files.writeString(settings, "{\"theme\": \"GitHub\", \"tools\": {\"enableHooks\": true}}\n");
        VgRunner.Result install = vg.run("hook", "install", "gemini");
        assertEquals(0, install.exitCode(), install.toString());
        Map<String, Object> merged = JsonTrees.object(Files.readString(settings));
        assertEquals("GitHub", merged.get("theme"));
        assertEquals(Map.of("enableHooks", true), merged.get("tools"));
        List<?> beforeTool = (List<?>) ((Map<?, ?>) merged.get("hooks")).get("BeforeTool");
        Map<?, ?> group = (Map<?, ?>) beforeTool.getFirst();
        assertEquals("run_shell_command", group.get("matcher"));
        Map<?, ?> handler = (Map<?, ?>) ((List<?>) group.get("hooks")).getFirst();
        assertEquals("command", handler.get("type"));
        assertEquals("vectra-guard", handler.get("name"));
        assertEquals("'" + bin.resolve("vg") + "' hook gemini", handler.get("command"));
        assertEquals(1, backups(settings).size());
    }

    @Test
    void aMalformedSettingsFileIsLeftAlone() throws Exception {
        Path settings = Files.createDirectories(vg.home.resolve(".claude")).resolve("settings.json");
        String broken = "{\"model\": \"opus\",\n  \"hooks\": [\n";
        Files.writeString(settings, broken);
        VgRunner.Result install = vg.run("hook", "install", "claude-code");
        assertEquals(125, install.exitCode(), install.toString());
        assertTrue(install.stderr().startsWith("vg: " + settings + ": line "), install.toString());
        assertTrue(install.stderr().contains("nothing was changed"), install.toString());
        assertEquals(broken, Files.readString(settings));
        assertEquals(List.of("settings.json"), list(settings.getParent()));

        Files.writeString(settings, "{\"hooks\": {\"PreToolUse\": {\"matcher\": \"Bash\"}}}");
        VgRunner.Result wrongShape = vg.run("hook", "install", "claude-code");
        assertEquals(125, wrongShape.exitCode(), wrongShape.toString());
        assertTrue(wrongShape.stderr().contains("\"hooks.PreToolUse\" is not an array"), wrongShape.toString());
    }

    @Test
    void anUnknownAgentIsRefused() throws Exception {
        VgRunner.Result install = vg.run("hook", "install", "cursor");
        assertEquals(125, install.exitCode(), install.toString());
        assertEquals("vg: unknown agent 'cursor': give claude-code or gemini\n", install.stderr());
    }

    private static List<Path> backups(Path settings) throws Exception {
        try (Stream<Path> files = Files.list(settings.getParent())) {
            return files.filter(f -> f.getFileName().toString().startsWith("settings.json.vg-backup-")).toList();
        }
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
