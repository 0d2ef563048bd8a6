package dev.vectraguard.json;

/** Malformed JSON text; the message names the 1-based line and column of the problem. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;
    private final int line;
    private final int column;

    JsonException(String problem, int offset, int line, int column) {
        super("line " + line + ", column " + column + ": " + problem);
        this.offset = offset;
        this.line = line;
        this.column = column;
    }

    /** 0-based character offset of the problem. */
    public int offset() {
        return offset;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
