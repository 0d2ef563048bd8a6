package dev.vectraguard.mcp;

import io.modelcontextprotocol.spec.McpSchema;

import java.util.Map;

/** Tool answers: structured fields for programs, the same as short text for models. */
final class ToolResults {
    private ToolResults() {}

    static McpSchema.CallToolResult of(Map<String, Object> fields, String text, boolean error) {
        return McpSchema.CallToolResult.builder().structuredContent(fields).addTextContent(text).isError(error).build();
    }

    /** A call vg refused before judging anything (a bad argument). */
    static McpSchema.CallToolResult refused(String problem) {
        return of(Map.of("error", problem), "vg: " + problem, true);
    }
}
