package dev.vectraguard.hook;

import dev.vectraguard.config.ConfigException;
import dev.vectraguard.guard.Verdict;

import java.nio.file.Path;
import java.util.Map;

/**
 * One agent's pre-tool hook: which event and shell tool it guards, and how its documented output
 * says "no decision", "run this instead", "ask" and "deny". {@link #answer} is the whole flow:
 * read the event, judge the command with vg's policy, reply.
 */
public abstract sealed class AgentHook permits ClaudeCodeHook, GeminiHook {

    /** Judges shell text for the agent's working directory (its config, trust store and policy). */
    @FunctionalInterface
    public interface Judge {
        Verdict judge(Path cwd, String command) throws ConfigException;
    }

    /** The hook for {@code name} ({@code claude-code} or {@code gemini}), or null. */
    public static AgentHook named(String name) {
        return switch (name) {
            case ClaudeCodeHook.NAME -> new ClaudeCodeHook();
            case GeminiHook.NAME -> new GeminiHook();
            default -> null;
        };
    }

    public abstract String name();

    /** The event this hook is registered for ({@code PreToolUse}, {@code BeforeTool}). */
    public abstract String event();

    /** The agent's shell tool ({@code Bash}, {@code run_shell_command}). */
    public abstract String shellTool();

    /** Whether the agent can ask its user before running a tool call. */
    abstract boolean canAsk();

    /** The reply that leaves the call to the agent's own permission rules. */
    abstract HookReply noDecision();

    abstract HookReply reply(ToolCall call, String command, ShellRuling ruling);

    /** The agent's settings directory in a project or in the home directory ({@code .claude}). */
    public abstract String settingsDirectory();

    /** The hook handler object its settings file lists under the event's matcher group. */
    abstract Map<String, Object> handler(String command);

    /** The reply to the event in {@code stdin}; never throws. */
    public final HookReply answer(byte[] stdin, Judge judge) {
        try {
            ToolCall call = ToolCall.parse(stdin);
            if (!call.event().equals(event())) {
                return new HookReply(HookReply.NON_BLOCKING_ERROR, "", "hook " + name() + " handles " + event()
                        + " events, not " + call.event() + ": nothing decided");
            }
            if (!call.tool().equals(shellTool())) {
                return noDecision();
            }
            String command = call.command();
            Verdict verdict = judge.judge(call.cwd(), command);
            return reply(call, command, ShellRuling.of(verdict, canAsk()));
        } catch (HookInputException e) {
            return HookReply.blocked("hook " + name() + ": " + e.getMessage());
        } catch (ConfigException e) {
            return HookReply.blocked(e.getMessage());
        } catch (RuntimeException e) {
            return HookReply.blocked("hook " + name() + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }
}
