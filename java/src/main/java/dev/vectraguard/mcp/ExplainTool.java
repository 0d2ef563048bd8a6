package dev.vectraguard.mcp;

import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.guard.Explanation;
import dev.vectraguard.guard.PolicyEngines;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code explain} tool: the risk findings and the decision for a command, without running it ({@code vg explain}). */
final class ExplainTool {
    static final String NAME = "explain";

    private final ServerSettings settings;

    ExplainTool(ServerSettings settings) {
        this.settings = settings;
    }

    McpServerFeatures.SyncToolSpecification specification() {
        Map<String, Object> schema = Map.of("type", "object",
                "properties", Map.of("command", Map.of("type", "string", "description", "Shell command text to judge.")),
                "required", List.of("command"),
                "additionalProperties", false);
        McpSchema.Tool tool = McpSchema.Tool.builder(NAME, schema)
                .title("Explain Vectra Guard's decision for a command")
                .description("Rates a shell command without running it: its risk, each finding (code, severity, reason), "
                        + "and what vg would do (host, sandbox, ask, block) and why.")
                .annotations(new McpSchema.ToolAnnotations(null, true, false, true, false, null))
                .build();
        return McpServerFeatures.SyncToolSpecification.builder().tool(tool).callHandler(this::call).build();
    }

    private McpSchema.CallToolResult call(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        String command;
        LoadedConfig loaded;
        try {
            command = Arguments.requiredString(request.arguments() == null ? Map.of() : request.arguments(), "command");
            loaded = ConfigLoader.load(ConfigLoader.Request.ofProcess(settings.configFile())
                    .with(settings.workspace().root(), settings.stateDir()));
        } catch (IllegalArgumentException | ConfigException e) {
            return ToolResults.refused(e.getMessage());
        }
        Explanation explanation = Explanation.of(command, loaded, PolicyEngines.of(loaded, PolicyEngines.guardLevel(loaded)));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("command", explanation.command());
        fields.put("risk", explanation.risk());
        fields.put("findings", explanation.findings().stream()
                .map(f -> Map.of("code", f.code(), "severity", f.severity(), "reason", f.reason())).toList());
        fields.put("decision", explanation.decision());
        fields.put("why", explanation.why());
        StringBuilder text = new StringBuilder("risk " + explanation.risk() + "; decision " + explanation.decision()
                + ": " + explanation.why() + "\n");
        for (Explanation.Finding finding : explanation.findings()) {
            text.append(finding.severity()).append(' ').append(finding.code()).append(": ").append(finding.reason()).append('\n');
        }
        return ToolResults.of(fields, text.toString(), false);
    }
}
