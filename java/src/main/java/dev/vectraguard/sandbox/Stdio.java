package dev.vectraguard.sandbox;

/** How one of the sandboxed command's standard streams is connected. */
public enum Stdio {
    /** Shares the caller's stream (terminal, file or pipe). */
    INHERIT,
    /** A pipe the caller reads or writes through {@link SandboxProcess}. */
    PIPE,
    /** /dev/null. */
    DISCARD
}
