package dev.vectraguard.config;

/**
 * A config file or environment override that vg cannot accept. The message is one line,
 * {@code FILE:LINE:COLUMN: problem} when the place is known; the CLI prints it and exits 125.
 * Text quoted from the file is shown safely: control characters (line breaks, terminal escapes)
 * as {@code \xNN}, a quoted run longer than {@value #QUOTED_LENGTH} characters cut, the whole at
 * most {@value #MESSAGE_LENGTH} characters.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    static final int QUOTED_LENGTH = 80;
    static final int MESSAGE_LENGTH = 1000;

    public ConfigException(String message) {
        super(shown(message));
    }

    public ConfigException(ConfigLocation at, String problem) {
        this(at + ": " + problem);
    }

    /** {@code message} on one line, its quoted runs ('...') and the whole bounded. */
    static String shown(String message) {
        StringBuilder out = new StringBuilder();
        int quotedFrom = -1;
        for (int i = 0; i < message.length(); i = message.offsetByCodePoints(i, 1)) {
            int c = message.codePointAt(i);
            if (c == '\'' && !withinWord(message, i)) {
                quotedFrom = quotedFrom < 0 ? out.length() : -1;
            } else if (quotedFrom >= 0 && out.length() - quotedFrom > QUOTED_LENGTH) {
                int end = message.indexOf('\'', i);
                i = (end < 0 ? message.length() : end) - 1;
                out.append("...");
                continue;
            }
            if (Character.isISOControl(c)) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
            if (out.length() > MESSAGE_LENGTH) {
                return out.substring(0, MESSAGE_LENGTH) + "...";
            }
        }
        return out.toString();
    }

    /** An apostrophe between two letters (vg's, engine's) is part of a word, not a quote. */
    private static boolean withinWord(String message, int i) {
        return i > 0 && i + 1 < message.length() && Character.isLetter(message.charAt(i - 1))
                && Character.isLetter(message.charAt(i + 1));
    }
}
