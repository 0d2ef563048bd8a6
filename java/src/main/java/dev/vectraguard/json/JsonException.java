package dev.vectraguard.json;

/**
 * JSON text that is malformed or does not fit the record it is read into (wrong type, unknown or
 * duplicate key, trailing text); the message is one line naming the line, column and key path.
 */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
