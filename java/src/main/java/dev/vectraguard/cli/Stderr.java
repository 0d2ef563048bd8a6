package dev.vectraguard.cli;

/** vg's own lines on standard error: "vg: " and the message. */
final class Stderr {
    private Stderr() {}

    static void warn(String message) {
        System.err.println("vg: " + message);
    }

    /** Prints the message and gives the exit code of a vg failure. */
    static int fail(String message) {
        warn(message);
        return ExitCodes.VG_FAILURE;
    }
}
