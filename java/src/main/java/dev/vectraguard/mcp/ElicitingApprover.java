package dev.vectraguard.mcp;

import dev.vectraguard.guard.Guard;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.List;
import java.util.Map;

/**
 * Asks the person at the MCP client (through elicitation, which the client shows to its user, not to
 * the model) whether a command that needs approval may run once. Trusting it for good stays with
 * {@code vg trust add}: this never answers REMEMBER.
 */
final class ElicitingApprover implements Guard.Approver {
    private static final String FIELD = "run_once";
    private final McpSyncServerExchange exchange;

    private ElicitingApprover(McpSyncServerExchange exchange) {
        this.exchange = exchange;
    }

    /** Elicitation when the client offers it, else nobody: a command that needs approval is not run. */
    static Guard.Approver forClient(McpSyncServerExchange exchange) {
        McpSchema.ClientCapabilities capabilities = exchange.getClientCapabilities();
        return capabilities != null && capabilities.elicitation() != null ? new ElicitingApprover(exchange)
                : Guard.Approver.REFUSE;
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public Answer ask(String why, String command) {
        Map<String, Object> schema = Map.of("type", "object",
                "properties", Map.of(FIELD, Map.of("type", "boolean", "title", "Run it once", "default", false)),
                "required", List.of(FIELD));
        try {
            McpSchema.ElicitResult answer = exchange.createElicitation(new McpSchema.ElicitFormRequest(
                    "Vectra Guard: the agent wants to run\n  " + command + "\nwhich needs your approval: " + why, schema, null));
            boolean approved = answer.action() == McpSchema.ElicitResult.Action.ACCEPT && answer.content() != null
                    && Boolean.TRUE.equals(answer.content().get(FIELD));
            return approved ? Answer.ONCE : Answer.CANCEL;
        } catch (RuntimeException e) {
            System.err.println("vg mcp: asking through elicitation failed, so the command is not run: " + e.getMessage());
            return Answer.CANCEL;
        }
    }
}
