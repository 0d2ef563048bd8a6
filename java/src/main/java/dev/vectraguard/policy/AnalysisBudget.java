package dev.vectraguard.policy;

import java.util.function.Supplier;

/**
 * The work one rating may spend following nested code. Each level of {@code sh -c}, {@code eval} or a
 * substitution may be followed along more than one path (as code run, as a download check, as a
 * sender), so without a bound the work grows exponentially with the nesting: 600 characters of
 * fuzzer-made nesting took half a second. One budget covers a rating and the ratings nested in it
 * (the text written to a startup file is rated on its own); past it, the rest is not followed and the
 * command is rated high ({@link Analysis}).
 */
final class AnalysisBudget {
    /** Characters of code parsed again, beyond the command itself, and commands visited, whatever the command's size. */
    static final long BASE_CHARACTERS = 64 * 1024;
    static final long BASE_COMMANDS = 5_000;
    private static final ThreadLocal<AnalysisBudget> CURRENT = new ThreadLocal<>();

    private long characters;
    private long commands;

    private AnalysisBudget(int commandLength) {
        characters = BASE_CHARACTERS + 8L * commandLength;
        commands = BASE_COMMANDS + commandLength / 4;
    }

    /** Runs {@code rating} of {@code command} within the budget of the rating around it, or a new one. */
    static <T> T within(String command, Supplier<T> rating) {
        if (CURRENT.get() != null) {
            return rating.get();
        }
        CURRENT.set(new AnalysisBudget(command == null ? 0 : command.length()));
        try {
            return rating.get();
        } finally {
            CURRENT.remove();
        }
    }

    /** The budget of the rating running on this thread; a fresh one outside {@link #within}. */
    static AnalysisBudget current() {
        AnalysisBudget budget = CURRENT.get();
        return budget != null ? budget : new AnalysisBudget(0);
    }

    /** Spends {@code length} characters of parsing; false when the budget is spent. */
    boolean parse(int length) {
        characters -= length;
        return characters >= 0;
    }

    /** Spends one command visit; false when the budget is spent. */
    boolean visit() {
        return --commands >= 0;
    }
}
