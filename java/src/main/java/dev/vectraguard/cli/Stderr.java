package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.policy.VisibleText;
/** vg's own lines on standard error: "vg: " and the message. */
final class Stderr {
    private Stderr() {}

    /** One line: control characters in the message (a command's text, a file name) are escaped. */
    static void warn(String message) {
        Caller.current().err().println("vg: " + VisibleText.escape(message));
    }

    /** Prints the message and gives the exit code of a vg failure. */
    static int fail(String message) {
        warn(message);
        return ExitCodes.VG_FAILURE;
    }
}
