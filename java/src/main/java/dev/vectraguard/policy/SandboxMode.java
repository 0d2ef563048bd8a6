package dev.vectraguard.policy;

/** {@code sandbox.mode}: when a command runs in the sandbox instead of on the host. */
public enum SandboxMode {
    /** Every command is sandboxed (the default). */
    ALWAYS,
    /** Low risk on the host; medium and up, and networked installs, sandboxed. */
    AUTO,
    /** High and up sandboxed. */
    RISKY,
    /** Nothing is sandboxed (critical commands still never run on the host). */
    NEVER;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
