package dev.vectraguard.mcp;

import dev.vectraguard.guard.CapturedRun;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.guard.Guard;
import dev.vectraguard.guard.GuardRequest;
import dev.vectraguard.guard.GuardResult;
import dev.vectraguard.metrics.RunDecision;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code run} tool: judges and runs a shell command exactly as {@code vg exec -- bash -c TEXT}
 * would, with its output captured. The agent can never approve: a command that needs approval comes
 * back not run, with the {@code vg trust add} line a person would use (or the person is asked through
 * MCP elicitation when the client offers it).
 */
final class RunTool {
    static final String NAME = "run";
    static final long MAX_TIMEOUT_SECONDS = Duration.ofDays(1).toSeconds();

    private final ServerSettings settings;
    private final InFlightCalls calls;

    RunTool(ServerSettings settings, InFlightCalls calls) {
        this.settings = settings;
        this.calls = calls;
    }

    McpServerFeatures.SyncToolSpecification specification() {
        Map<String, Object> schema = Map.of("type", "object",
                "properties", Map.of(
                        "command", Map.of("type", "string", "description", "Shell command text, run with bash -c (e.g. npm test)."),
                        "cwd", Map.of("type", "string", "description", "Directory to run in, inside the workspace "
                                + "(relative to it or absolute); default: the workspace."),
                        "timeout_seconds", Map.of("type", "integer", "minimum", 1, "maximum", MAX_TIMEOUT_SECONDS,
                                "description", "Kill the sandbox after this many seconds (exit code 124); default: sandbox.timeout.")),
                "required", List.of("command"),
                "additionalProperties", false);
        McpSchema.Tool tool = McpSchema.Tool.builder(NAME, schema)
                .title("Run a shell command through Vectra Guard")
                .description("Judges the command's risk and runs it on the host, in vg's sandbox, or not at all, as vg exec "
                        + "would. Returns exit_code, stdout and stderr (each bounded; a '[vg: N bytes of output left out]' line "
                        + "marks a cut), decision and why, runtime, and blocked network destinations. A command that needs "
                        + "approval is not run: the answer names the 'vg trust add' command a person can use.")
                .build();
        return McpServerFeatures.SyncToolSpecification.builder().tool(tool).callHandler(this::call).build();
    }

    private McpSchema.CallToolResult call(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Map<String, Object> arguments = request.arguments() == null ? Map.of() : request.arguments();
        CapturedRun run;
        String command;
        Duration timeout;
        try {
            command = Arguments.requiredString(arguments, "command");
            timeout = Arguments.optionalSeconds(arguments, "timeout_seconds", MAX_TIMEOUT_SECONDS);
            run = new CapturedRun(settings.workspace().resolve(Arguments.optionalString(arguments, "cwd")),
                    settings.outputLimitBytes());
        } catch (IllegalArgumentException e) {
            return ToolResults.refused(e.getMessage());
        }
        Object requestId = exchange.transportContext().get(StdioTransport.REQUEST_ID);
        if (requestId != null) {
            calls.add(requestId, run);
        }
        try {
            GuardRequest guardRequest = new GuardRequest(List.of("bash", "-c", command), settings.configFile(),
                    settings.stateDir(), settings.workspace().root(), null, null, timeout, null, false, false);
            CollectedNotices notices = new CollectedNotices();
            GuardResult result = Guard.judgeAndRun(guardRequest, notices, ElicitingApprover.forClient(exchange), run);
            return answer(result, run, notices);
        } finally {
            if (requestId != null) {
                calls.remove(requestId);
            }
        }
    }

    private static McpSchema.CallToolResult answer(GuardResult result, CapturedRun run, CollectedNotices notices) {
        boolean ran = result.decision() == RunDecision.HOST || result.decision() == RunDecision.SANDBOX;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ran", ran && result.runtime() != null);
        fields.put("exit_code", result.exitCode());
        fields.put("decision", result.decision() == null ? "error" : result.decision().label());
        fields.put("why", result.why());
        if (result.risk() != null) {
            fields.put("risk", result.risk().label());
        }
        if (result.runtime() != null) {
            fields.put("runtime", result.runtime());
        }
        fields.put("elapsed_ms", result.elapsed().toMillis());
        if (ran) {
            fields.put("stdout", run.stdout().text());
            fields.put("stderr", run.stderr().text());
            fields.put("stdout_truncated", run.stdout().truncated());
            fields.put("stderr_truncated", run.stderr().truncated());
            fields.put("timed_out", result.exitCode() == ExitCodes.TIMEOUT && result.decision() == RunDecision.SANDBOX);
        }
        if (ran && run.cancelled()) {
            fields.put("cancelled", true);
        }
        fields.put("blocked_destinations", result.blockedDestinations());
        fields.put("notices", notices.lines());
        if (notices.allowCommand() != null) {
            fields.put("approval", "not run: it needs a person's approval, which an agent cannot give; a person can "
                    + "allow it with: " + notices.allowCommand());
            fields.put("allow_command", notices.allowCommand());
        }
        return ToolResults.of(fields, summary(fields), result.exitCode() != ExitCodes.OK);
    }

    private static String summary(Map<String, Object> fields) {
        StringBuilder text = new StringBuilder();
        text.append("exit ").append(fields.get("exit_code")).append(" — ").append(fields.get("decision"));
        if (fields.containsKey("runtime")) {
            text.append(" (").append(fields.get("runtime")).append(')');
        }
        text.append(": ").append(fields.get("why")).append('\n');
        if (fields.containsKey("approval")) {
            text.append(fields.get("approval")).append('\n');
        }
        for (Object notice : (List<?>) fields.get("notices")) {
            text.append("vg: ").append(notice).append('\n');
        }
        if (fields.containsKey("stdout")) {
            text.append("--- stdout ---\n").append(fields.get("stdout"));
            text.append("\n--- stderr ---\n").append(fields.get("stderr"));
        }
        return text.toString();
    }
}
