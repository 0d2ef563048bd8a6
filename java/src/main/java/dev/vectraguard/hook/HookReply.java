package dev.vectraguard.hook;

/**
 * What the hook process answers: its exit code, the JSON on stdout (empty for "no decision") and at
 * most one line on stderr.
 */
public record HookReply(int exitCode, String stdout, String stderr) {
    /** Claude Code and Gemini CLI block the tool call on exit 2 and give stderr to the agent as the reason. */
    public static final int BLOCKING_ERROR = 2;
    /** Both continue on any other non-zero exit code, with stderr as a warning. */
    static final int NON_BLOCKING_ERROR = 1;

    /** Exit 0 with nothing on stdout: the agent proceeds as if there were no hook. */
    static HookReply silent() {
        return new HookReply(0, "", "");
    }

    static HookReply json(String json) {
        return new HookReply(0, json, "");
    }

    /** The tool call is refused because vg could not judge it: never run a command unjudged. */
    static HookReply blocked(String line) {
        return new HookReply(BLOCKING_ERROR, "", line);
    }
}
