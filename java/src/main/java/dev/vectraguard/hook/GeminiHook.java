package dev.vectraguard.hook;

import dev.vectraguard.json.JsonMapping;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gemini CLI's {@code BeforeTool} hook for its {@code run_shell_command} tool. The answer is JSON:
 * {@code {}} for no decision, {@code decision: "deny"} with {@code reason} (sent to the agent) to
 * refuse, and {@code hookSpecificOutput.tool_input} (merged over the model's arguments) to run the
 * command through {@code vg exec}, with a {@code systemMessage} for the user. Its hook reference
 * documents no "ask" for BeforeTool, so a command that needs approval is refused with the
 * {@code vg trust add} line.
 */
public final class GeminiHook extends AgentHook {
    public static final String NAME = "gemini";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String event() {
        return "BeforeTool";
    }

    @Override
    public String shellTool() {
        return "run_shell_command";
    }

    @Override
    public String settingsDirectory() {
        return ".gemini";
    }

    @Override
    Map<String, Object> handler(String command) {
        Map<String, Object> handler = new LinkedHashMap<>();
        handler.put("name", "vectra-guard");
        handler.put("type", "command");
        handler.put("command", command);
        handler.put("description", "Vectra Guard judges each shell command: runs it, sandboxes it through vg exec, or refuses it");
        return handler;
    }

    @Override
    boolean canAsk() {
        return false;
    }

    @Override
    HookReply noDecision() {
        return HookReply.json("{}");
    }

    @Override
    HookReply reply(ToolCall call, String command, ShellRuling ruling) {
        Map<String, Object> output = new LinkedHashMap<>();
        switch (ruling.route()) {
            case AS_IS -> {
                return noDecision();
            }
            case SANDBOX -> {
                output.put("hookSpecificOutput", Map.of("tool_input", Map.of("command", ShellRuling.throughVg(command))));
                output.put("systemMessage", ruling.reason());
            }
            case ASK, DENY -> {
                output.put("decision", "deny");
                output.put("reason", ruling.reason());
            }
        }
        return HookReply.json(JsonMapping.write(output));
    }
}
