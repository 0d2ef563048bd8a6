package dev.vectraguard.hook;

import dev.vectraguard.guard.ShellWords;
import dev.vectraguard.guard.Verdict;
import dev.vectraguard.policy.Decision;

/**
 * What vg tells an agent about one shell command it is about to run, from vg's own decision: run it
 * as typed (host), run it through {@code vg exec} (sandbox), let the agent's own prompt ask a person
 * (approval, when the command would run on the host once approved), or refuse it.
 *
 * <p>An approval for a command vg would sandbox is refused with the {@code vg trust add} line instead
 * of asked: the agent's prompt can only run the command as typed, and {@code vg exec} (which would
 * keep it in the sandbox) has no terminal to take the approval on. Once a person has trusted it,
 * the next attempt is rewritten to run sandboxed. Critical commands are never asked about.
 */
record ShellRuling(Route route, String reason) {
    enum Route { AS_IS, SANDBOX, ASK, DENY }

    /** ASCII: the reason goes into the agent's JSON, whatever this process's locale. */
    private static final String DASH = " - ";

    static ShellRuling of(Verdict verdict, boolean agentCanAsk) {
        Decision decision = verdict.decision();
        String why = decision.why();
        return switch (decision.action()) {
            case HOST -> new ShellRuling(Route.AS_IS, "vg: runs as typed" + DASH + why);
            case SANDBOX -> new ShellRuling(Route.SANDBOX, "vg: runs in vg's sandbox (vg exec)" + DASH + why);
            case BLOCK -> new ShellRuling(Route.DENY, "vg blocked this command" + DASH + why);
            case ASK -> {
                if (verdict.critical() || decision.sandboxed() || !agentCanAsk) {
                    yield new ShellRuling(Route.DENY, "vg: not run, it needs a person's approval" + DASH + why
                            + ". An agent cannot approve it; a person can allow it with: " + verdict.trustLine()
                            + (decision.sandboxed() ? " (it then runs in vg's sandbox)" : ""));
                }
                yield new ShellRuling(Route.ASK, "vg: needs your approval" + DASH + why);
            }
        };
    }

    /** {@code command} run through {@code vg exec} (vg from PATH), which judges it again and sandboxes it. */
    static String throughVg(String command) {
        return "vg exec -- bash -c " + ShellWords.quote(command);
    }
}
