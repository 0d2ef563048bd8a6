package dev.vectraguard.sandbox.toolconfig;

/** A tool config file that cannot be read as its format: it is hidden whole, never shown unfiltered. */
public final class UnparseableConfig extends Exception {
    public UnparseableConfig(String message) {
        super(message, null, false, false);
    }

    static UnparseableConfig atLine(int line, String problem) {
        return new UnparseableConfig("line " + line + ": " + problem);
    }
}
