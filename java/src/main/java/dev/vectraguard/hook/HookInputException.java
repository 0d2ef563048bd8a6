package dev.vectraguard.hook;

/** The hook event on stdin cannot be read; the message is one line naming the field. */
public final class HookInputException extends Exception {
    private static final long serialVersionUID = 1L;

    HookInputException(String message) {
        super(message);
    }
}
