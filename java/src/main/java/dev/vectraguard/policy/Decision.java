package dev.vectraguard.policy;

import java.util.Optional;

/**
 * What to do with a command. {@code sandboxed} says where it runs if it runs at all (for {@link Action#ASK}:
 * once approved); {@code why} is one line for the user; {@code matchedPattern} is the allow- or
 * denylist pattern that decided, if one did.
 */
public record Decision(Action action, boolean sandboxed, String why, Optional<String> matchedPattern) {

    public enum Action {
        /** Run on the host. */
        HOST,
        /** Run in the sandbox. */
        SANDBOX,
        /** Ask the user first. */
        ASK,
        /** Do not run. */
        BLOCK
    }
}
