package dev.vectraguard.hook;

import dev.vectraguard.json.JsonException;
import dev.vectraguard.json.JsonMapping;

import java.nio.file.Path;
import java.util.Map;

/**
 * One tool call an agent is about to make, as its hook event on stdin describes it. Claude Code and
 * Gemini CLI share the field names: {@code hook_event_name}, {@code tool_name}, {@code tool_input}
 * (an object whose {@code command} is the shell text for their shell tools) and {@code cwd}.
 *
 * @param event the event name ({@code PreToolUse}, {@code BeforeTool})
 * @param tool  the tool's name ({@code Bash}, {@code run_shell_command})
 * @param input the tool's arguments, as sent
 * @param cwd   the agent's working directory, if the event names an absolute one
 */
record ToolCall(String event, String tool, Map<String, Object> input, Path cwd) {

    /** Reads the event; anything that is not an object with these fields is a {@link HookInputException}. */
    @SuppressWarnings("unchecked")
    static ToolCall parse(byte[] json) throws HookInputException {
        Object value;
        try {
            value = JsonMapping.read(json, Object.class);
        } catch (JsonException e) {
            throw new HookInputException("the event on stdin is not JSON: " + e.getMessage());
        }
        if (!(value instanceof Map<?, ?> event)) {
            throw new HookInputException("the event on stdin is not a JSON object");
        }
        String name = text(event, "hook_event_name");
        String tool = text(event, "tool_name");
        Object input = event.get("tool_input");
        if (input != null && !(input instanceof Map)) {
            throw new HookInputException("tool_input is not an object");
        }
        Object cwd = event.get("cwd");
        Path dir = cwd instanceof String text && text.startsWith("/") && text.indexOf('\0') < 0 ? Path.of(text) : null;
        return new ToolCall(name, tool, input == null ? Map.of() : (Map<String, Object>) input, dir);
    }

    /** The shell text of {@code tool_input.command}. */
    String command() throws HookInputException {
        Object command = input.get("command");
        if (!(command instanceof String text)) {
            throw new HookInputException(command == null ? "tool_input.command is missing" : "tool_input.command is not a string");
        }
        if (text.isBlank()) {
            throw new HookInputException("tool_input.command is empty");
        }
        return text;
    }

    private static String text(Map<?, ?> event, String key) throws HookInputException {
        Object value = event.get(key);
        if (!(value instanceof String text)) {
            throw new HookInputException(value == null ? key + " is missing" : key + " is not a string");
        }
        return text;
    }
}
