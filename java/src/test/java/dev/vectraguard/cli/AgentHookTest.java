package dev.vectraguard.cli;

import dev.vectraguard.guard.ShellWords;
import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vg hook claude-code} and {@code vg hook gemini} through the real vg process: recorded events
 * (written from the agents' documented examples) on stdin, and the answer checked against each
 * agent's documented output schema, for every decision vg can take.
 */
class AgentHookTest {
    /** Claude Code's PreToolUse hookSpecificOutput fields, and its permissionDecision values. */
    private static final Set<String> CLAUDE_FIELDS = Set.of("hookEventName", "permissionDecision", "permissionDecisionReason",
            "updatedInput", "additionalContext");
    private static final Set<String> CLAUDE_DECISIONS = Set.of("allow", "deny", "ask");
    /** Gemini CLI's output fields for BeforeTool, and its decision values. */
    private static final Set<String> GEMINI_FIELDS = Set.of("decision", "reason", "systemMessage", "hookSpecificOutput",
            "continue", "stopReason", "suppressOutput");
    private static final Set<String> GEMINI_DECISIONS = Set.of("allow", "deny", "block");
    private static final String HOST_FOR_LOW_RISK = "sandbox:\n  mode: auto\n";
    private static final String NEVER_SANDBOX = "sandbox:\n  mode: never\nguard_level:\n  level: medium\n";

    @TempDir
    Path root;
    VgRunner vg;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        outside = Files.createDirectories(root.resolve("outside"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void claudeCodeDeniesACriticalCommandWithTheWhy() throws Exception {
        Map<String, Object> output = claudeDecision(hook("claude-code", "bash-critical.json"));
        assertEquals("deny", output.get("permissionDecision"));
        String reason = (String) output.get("permissionDecisionReason");
        assertTrue(reason.contains("critical risk") && reason.contains("rm -rf ~"), reason);
        assertTrue(reason.contains("vg trust add 'rm -rf ~'"), "a person's way to allow it: " + reason);
        assertFalse(output.containsKey("updatedInput"), output.toString());
    }

    @Test
    void claudeCodeDeniesWhatThePolicyBlocks() throws Exception {
        vg.config("guard_level:\n  level: high\n");
        Map<String, Object> output = claudeDecision(hook("claude-code", "bash-critical.json"));
        assertEquals("deny", output.get("permissionDecision"));
        assertTrue(((String) output.get("permissionDecisionReason")).contains("blocked at guard level high"), output.toString());
    }

    @Test
    void claudeCodeAsksWhenApprovalIsNeededForAHostRun() throws Exception {
        vg.config(NEVER_SANDBOX);
        Map<String, Object> output = claudeDecision(hook("claude-code", "bash-force-push.json"));
        assertEquals("ask", output.get("permissionDecision"));
        assertTrue(((String) output.get("permissionDecisionReason")).contains("force push"), output.toString());
        assertFalse(output.containsKey("updatedInput"), output.toString());
    }

    @Test
    void claudeCodeDeniesWithTheTrustLineWhenApprovalWouldRunInTheSandbox() throws Exception {
        Map<String, Object> output = claudeDecision(hook("claude-code", "bash-force-push.json"));
        assertEquals("deny", output.get("permissionDecision"));
        assertTrue(((String) output.get("permissionDecisionReason")).contains("vg trust add 'git push --force origin feature-x'"),
                output.toString());
    }

    @Test
    void claudeCodeRewritesASandboxedCommandToRunThroughVgExec() throws Exception {
        Map<String, Object> output = claudeDecision(hook("claude-code", "bash-write-outside.json"));
        assertEquals("allow", output.get("permissionDecision"));
        @SuppressWarnings("unchecked")
        Map<String, Object> input = assertInstanceOf(Map.class, output.get("updatedInput"));
        String original = "touch " + outside + "/pwned; touch ran-here";
        assertEquals("vg exec -- bash -c " + ShellWords.quote(original), input.get("command"));
        assertEquals("Run the command", input.get("description"), "the other tool_input fields are kept");
        assertEquals(120000L, input.get("timeout"));

        assertRewrittenCommandIsSandboxed((String) input.get("command"), original);
    }

    @Test
    void claudeCodeSandboxesATrustedCriticalCommandInsteadOfDenyingIt() throws Exception {
        VgRunner.Result trust = vg.run("trust", "add", "rm -rf ~");
        assertEquals(0, trust.exitCode(), trust.toString());
        Map<String, Object> output = claudeDecision(hook("claude-code", "bash-critical.json"));
        assertEquals("allow", output.get("permissionDecision"));
        assertEquals("vg exec -- bash -c 'rm -rf ~'", ((Map<?, ?>) output.get("updatedInput")).get("command"));
    }

    @Test
    void claudeCodeLeavesALowRiskHostCommandToItsOwnRules() throws Exception {
        vg.config(HOST_FOR_LOW_RISK);
        VgRunner.Result result = hook("claude-code", "bash-list.json");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.stdout(), "no decision: exit 0 without JSON");
    }

    @Test
    void claudeCodeIgnoresOtherTools() throws Exception {
        VgRunner.Result result = hook("claude-code", "write-tool.json");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertEquals("", result.stderr());
    }

    @Test
    void unreadableEventsBlockTheCallWithOneLine() throws Exception {
        for (String agent : List.of("claude-code", "gemini")) {
            assertBlockingError(vg.runWithInput("{\"hook_event_name\": \"PreToolUse\", \"tool_name\": \"Bash\"", "hook", agent),
                    "not JSON");
            assertBlockingError(vg.runWithInput("", "hook", agent), "not JSON");
            assertBlockingError(vg.runWithInput("[1, 2]", "hook", agent), "not a JSON object");
        }
        assertBlockingError(vg.runWithInput("{\"hook_event_name\": \"PreToolUse\", \"tool_name\": \"Bash\", \"tool_input\": {}}",
                "hook", "claude-code"), "tool_input.command is missing");
        assertBlockingError(vg.runWithInput("{\"hook_event_name\": \"BeforeTool\", \"tool_name\": \"run_shell_command\", "
                + "\"tool_input\": {\"command\": 7}}", "hook", "gemini"), "tool_input.command is not a string");
        assertBlockingError(vg.runWithInput("{\"tool_name\": \"Bash\", \"tool_input\": {\"command\": \"ls\"}}",
                "hook", "claude-code"), "hook_event_name is missing");
    }

    @Test
    void aBadConfigBlocksTheCall() throws Exception {
        vg.config("sandbox:\n  mdoe: auto\n");
        assertBlockingError(hook("claude-code", "bash-list.json"), "sandbox.mdoe");
    }

    @Test
    void anotherEventIsANonBlockingError() throws Exception {
        VgRunner.Result result = vg.runWithInput("{\"hook_event_name\": \"PostToolUse\", \"tool_name\": \"Bash\", "
                + "\"tool_input\": {\"command\": \"ls\"}}", "hook", "claude-code");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertTrue(result.stderr().startsWith("vg: hook claude-code handles PreToolUse events, not PostToolUse"), result.toString());
    }

    @Test
    void geminiDeniesACriticalCommand() throws Exception {
        Map<String, Object> json = geminiDecision(hook("gemini", "shell-critical.json"));
        assertEquals("deny", json.get("decision"));
        assertTrue(((String) json.get("reason")).contains("vg trust add 'rm -rf ~'"), json.toString());
    }

    @Test
    void geminiDeniesWhatNeedsApprovalSinceBeforeToolCannotAsk() throws Exception {
        vg.config(NEVER_SANDBOX);
        Map<String, Object> json = geminiDecision(hook("gemini", "shell-force-push.json"));
        assertEquals("deny", json.get("decision"));
        assertTrue(((String) json.get("reason")).contains("vg trust add 'git push --force origin feature-x'"), json.toString());
    }

    @Test
    void geminiRewritesASandboxedCommandToRunThroughVgExec() throws Exception {
        Map<String, Object> json = geminiDecision(hook("gemini", "shell-write-outside.json"));
        assertFalse(json.containsKey("decision"), json.toString());
        Map<?, ?> specific = assertInstanceOf(Map.class, json.get("hookSpecificOutput"));
        assertEquals(Set.of("tool_input"), specific.keySet());
        Map<?, ?> input = assertInstanceOf(Map.class, specific.get("tool_input"));
        String original = "touch " + outside + "/pwned; touch ran-here";
        assertEquals(Map.of("command", "vg exec -- bash -c " + ShellWords.quote(original)), input);
        assertTrue(((String) json.get("systemMessage")).contains("sandbox"), json.toString());

        assertRewrittenCommandIsSandboxed((String) input.get("command"), original);
    }

    @Test
    void geminiGivesNoDecisionForHostCommandsAndOtherTools() throws Exception {
        vg.config(HOST_FOR_LOW_RISK);
        for (String fixture : List.of("shell-list.json", "write-file-tool.json")) {
            VgRunner.Result result = hook("gemini", fixture);
            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("{}\n", result.stdout(), fixture);
        }
    }

    /**
     * Runs the rewritten command the way the agent would (bash, in the workspace, vg from PATH): it
     * runs (its workspace file appears) but its write outside the workspace does not reach the host;
     * the same command run as typed does write there.
     */
    private void assertRewrittenCommandIsSandboxed(String rewritten, String original) throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path launcher = bin.resolve("vg");
        Files.writeString(launcher, "#!/bin/sh\nexec " + VgRunner.javaCommand(System.getProperty("java.class.path"), List.of())
                .stream().map(ShellWords::quote).collect(Collectors.joining(" ")) + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        vg.env("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");

        VgRunner.Result run = vg.exec(List.of("bash", "-c", rewritten), null);
        assertTrue(Files.exists(vg.workspace.resolve("ran-here")), "the command ran in the sandbox: " + run);
        assertFalse(Files.exists(outside.resolve("pwned")), "its write outside the workspace reached the host: " + run);

        VgRunner.Result typed = vg.exec(List.of("bash", "-c", original), null);
        assertTrue(Files.exists(outside.resolve("pwned")), "run as typed, the command writes there: " + typed);
    }

    private VgRunner.Result hook(String agent, String fixture) throws Exception {
        return vg.runWithInput(fixture(agent, fixture), "hook", agent);
    }

    private String fixture(String agent, String name) throws IOException {
        try (InputStream in = AgentHookTest.class.getResourceAsStream("/dev/vectraguard/hook/" + agent + "/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${CWD}", vg.workspace.toString()).replace("${OUTSIDE}", outside.toString());
        }
    }

    /** The answer, checked against Claude Code's documented PreToolUse output. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> claudeDecision(VgRunner.Result result) {
        assertEquals(0, result.exitCode(), "JSON is only read on exit 0: " + result);
        Map<String, Object> json = JsonTrees.object(result.stdout());
        assertEquals(Set.of("hookSpecificOutput"), json.keySet(), result.toString());
        Map<String, Object> output = assertInstanceOf(Map.class, json.get("hookSpecificOutput"));
        assertTrue(CLAUDE_FIELDS.containsAll(output.keySet()), "undocumented fields: " + output.keySet());
        assertEquals("PreToolUse", output.get("hookEventName"));
        assertTrue(CLAUDE_DECISIONS.contains(output.get("permissionDecision")), output.toString());
        assertInstanceOf(String.class, output.get("permissionDecisionReason"));
        if (output.containsKey("updatedInput")) {
            assertInstanceOf(Map.class, output.get("updatedInput"));
            assertEquals("allow", output.get("permissionDecision"), "updatedInput runs without a prompt only with allow");
        }
        return output;
    }

    /** The answer, checked against Gemini CLI's documented BeforeTool output. */
    private static Map<String, Object> geminiDecision(VgRunner.Result result) {
        assertEquals(0, result.exitCode(), "JSON is only read on exit 0: " + result);
        Map<String, Object> json = JsonTrees.object(result.stdout());
        assertTrue(GEMINI_FIELDS.containsAll(json.keySet()), "undocumented fields: " + json.keySet());
        if (json.containsKey("decision")) {
            assertTrue(GEMINI_DECISIONS.contains(json.get("decision")), json.toString());
            assertInstanceOf(String.class, json.get("reason"), "a denial needs a reason: " + json);
        }
        return json;
    }

    private static void assertBlockingError(VgRunner.Result result, String message) {
        assertEquals(2, result.exitCode(), "exit 2 blocks the tool call: " + result);
        assertEquals("", result.stdout(), result.toString());
        assertTrue(result.stderr().startsWith("vg: ") && result.stderr().contains(message), result.toString());
        assertEquals(1, result.stderr().lines().count(), "one line, no stack trace: " + result);
    }
}
