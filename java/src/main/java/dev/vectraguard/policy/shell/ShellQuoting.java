package dev.vectraguard.policy.shell;

/** Quotes text for the canonical one-line form: bare when safe, else single quotes, else {@code $'...'}. */
final class ShellQuoting {
    private ShellQuoting() {
    }

    static String quote(String text) {
        if (text.isEmpty()) {
            return "''";
        }
        boolean safe = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return ansiQuote(text);
            }
            safe &= isSafe(c);
        }
        return safe ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    private static boolean isSafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "_@%+=:,./-".indexOf(c) >= 0 || c > 0x7f;
    }

    private static String ansiQuote(String text) {
        StringBuilder out = new StringBuilder("$'");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('\'').toString();
    }
}
