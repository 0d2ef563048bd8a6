package dev.vectraguard.guard;

/** Exit codes of vg, in one place (see README "Exit codes"). The command's own code passes through. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Blocked by policy, or approval refused. */
    public static final int BLOCKED = 77;
    public static final int TIMEOUT = 124;
    /** vg's own failure: bad config, bad arguments, sandbox setup. */
    public static final int VG_FAILURE = 125;
    public static final int NOT_EXECUTABLE = 126;
    public static final int NOT_FOUND = 127;

    private ExitCodes() {}
}
