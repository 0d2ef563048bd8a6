package dev.vectraguard.sandbox;

/** A sandbox could not be set up or started; {@link #exitCode()} is what {@code vg} exits with. */
public class SandboxException extends Exception {
    public static final int SETUP_FAILED = 125;
    public static final int NOT_EXECUTABLE = 126;
    public static final int NOT_FOUND = 127;

    private final int exitCode;

    public SandboxException(String message) {
        this(message, SETUP_FAILED);
    }

    public SandboxException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
