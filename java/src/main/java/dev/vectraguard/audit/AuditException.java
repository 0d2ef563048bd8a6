package dev.vectraguard.audit;

import dev.vectraguard.guard.ExitCodes;

/** The audit could not be made (no lockfile, a tool missing, blocked or failing); the message is one line. */
public final class AuditException extends Exception {
    private final int exitCode;

    public AuditException(String message) {
        this(message, ExitCodes.VG_FAILURE);
    }

    public AuditException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** 77 when the policy blocked the audit tool, else 125. */
    public int exitCode() {
        return exitCode;
    }
}
