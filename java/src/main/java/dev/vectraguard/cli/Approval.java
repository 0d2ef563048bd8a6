package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.Guard;
import dev.vectraguard.guard.Guard.Approver.Answer;
import dev.vectraguard.policy.VisibleText;

import java.util.Locale;

/** The approval prompt, asked only on a terminal. */
final class Approval implements Guard.Approver {
    /** Whether a person can be asked: stdin and stderr are a terminal. */
    @Override
    public boolean interactive() {
        return Caller.current().terminal().interactive();
    }

    @Override
    public Answer ask(String why, String command) {
        String line = Caller.current().terminal().readLine(String.format(
                "vg: %s%n    %s%n    run it? [y] once, [r] run and remember (trust), [N] cancel: ",
                VisibleText.escape(why), VisibleText.escape(command)));
        if (line == null) {
            return Answer.CANCEL;
        }
        return switch (line.strip().toLowerCase(Locale.ROOT)) {
            case "y", "yes" -> Answer.ONCE;
            case "r", "remember" -> Answer.REMEMBER;
            default -> Answer.CANCEL;
        };
    }
}
