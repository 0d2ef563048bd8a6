package dev.vectraguard.hook;

import dev.vectraguard.json.JsonMapping;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Claude Code's {@code PreToolUse} hook for its {@code Bash} tool. The answer is
 * {@code hookSpecificOutput} with {@code hookEventName}, {@code permissionDecision} (allow, deny,
 * ask), {@code permissionDecisionReason} and, to sandbox, {@code updatedInput}: the tool's input
 * with {@code command} run through {@code vg exec}. A command vg runs on the host gets no decision
 * (exit 0, no output), so Claude Code's own permission rules still apply to it.
 */
public final class ClaudeCodeHook extends AgentHook {
    public static final String NAME = "claude-code";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String event() {
        return "PreToolUse";
    }

    @Override
    public String shellTool() {
        return "Bash";
    }

    @Override
    public String settingsDirectory() {
        return ".claude";
    }

    @Override
    Map<String, Object> handler(String command) {
        Map<String, Object> handler = new LinkedHashMap<>();
        handler.put("type", "command");
        handler.put("command", command);
        return handler;
    }

    @Override
    boolean canAsk() {
        return true;
    }

    @Override
    HookReply noDecision() {
        return HookReply.silent();
    }

    @Override
    HookReply reply(ToolCall call, String command, ShellRuling ruling) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("hookEventName", event());
        switch (ruling.route()) {
            case AS_IS -> {
                return noDecision();
            }
            case SANDBOX -> {
                Map<String, Object> input = new LinkedHashMap<>(call.input());
                input.put("command", ShellRuling.throughVg(command));
                output.put("permissionDecision", "allow");
                output.put("permissionDecisionReason", ruling.reason());
                output.put("updatedInput", input);
            }
            case ASK -> {
                output.put("permissionDecision", "ask");
                output.put("permissionDecisionReason", ruling.reason());
            }
            case DENY -> {
                output.put("permissionDecision", "deny");
                output.put("permissionDecisionReason", ruling.reason());
            }
        }
        return HookReply.json(JsonMapping.write(Map.of("hookSpecificOutput", output)));
    }
}
