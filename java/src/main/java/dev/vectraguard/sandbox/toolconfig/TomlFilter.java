package dev.vectraguard.sandbox.toolconfig;

import java.util.ArrayList;
import java.util.List;

/**
 * TOML files ({@code ~/.cargo/config.toml}, {@code ~/.bunfig.toml}), statement by statement: a
 * small reader of TOML's syntax (keys bare, quoted or dotted; strings of all four kinds, arrays
 * and inline tables over several lines; comments) that copies each statement's text unchanged or
 * leaves it out. Left out: a key/value whose key, or a key inside whose inline table, holds a
 * credential ({@code token = "..."}, {@code myorg = { token = "...", url = "..." }}), and whole
 * tables whose name does; comments go (a commented-out line may be an old token). Credentials in
 * URLs are removed from the rest. Anything that is not TOML syntax makes the file unparseable.
 */
final class TomlFilter implements ConfigFilter {
    private String text;
    private int pos;
    private boolean inlineSecret;

    @Override
    public String filter(String source) throws UnparseableConfig {
        text = source;
        pos = 0;
        StringBuilder out = new StringBuilder();
        boolean secretTable = false;
        while (pos < text.length()) {
            int start = pos;
            skipBlanks();
            if (pos >= text.length() || peek() == '\n' || peek() == '\r' || peek() == '#') {
                endOfLine();
                out.append(text.charAt(pos - 1) == '\n' ? "\n" : "");
                continue;
            }
            boolean secret;
            if (peek() == '[') {
                boolean array = text.startsWith("[[", pos);
                pos += array ? 2 : 1;
                secretTable = anySecret(key());
                expect(array ? "]]" : "]");
                secret = secretTable;
            } else {
                List<String> key = key();
                expect("=");
                inlineSecret = false;
                value();
                secret = secretTable || anySecret(key) || inlineSecret;
            }
            int end = pos;
            endOfLine();
            if (!secret) {
                out.append(UrlCredentials.strip(text.substring(start, end))).append(pos > end && text.charAt(pos - 1) == '\n' ? "\n" : "");
            }
        }
        return out.toString();
    }

    private static boolean anySecret(List<String> key) {
        return key.stream().anyMatch(SecretNames::isSecret);
    }

    /** A dotted key: its parts, unquoted. */
    private List<String> key() throws UnparseableConfig {
        List<String> parts = new ArrayList<>();
        while (true) {
            skipBlanks();
            parts.add(keyPart());
            skipBlanks();
            if (pos < text.length() && peek() == '.') {
                pos++;
            } else {
                return parts;
            }
        }
    }

    private String keyPart() throws UnparseableConfig {
        if (pos >= text.length()) {
            throw fail("a key expected");
        }
        char c = peek();
        if (c == '"' || c == '\'') {
            int begin = pos + 1;
            singleLineString();
            return text.substring(begin, pos - 1);
        }
        int begin = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '-')) {
            pos++;
        }
        if (pos == begin) {
            throw fail("a key expected");
        }
        return text.substring(begin, pos);
    }

    private void value() throws UnparseableConfig {
        skipBlanks();
        if (pos >= text.length()) {
            throw fail("a value expected");
        }
        char c = peek();
        if (text.startsWith("\"\"\"", pos) || text.startsWith("'''", pos)) {
            multiLineString();
        } else if (c == '"' || c == '\'') {
            singleLineString();
        } else if (c == '[') {
            pos++;
            collection(']', false);
        } else if (c == '{') {
            pos++;
            collection('}', true);
        } else {
            int begin = pos;
            while (pos < text.length() && " \t\r\n,]}#".indexOf(peek()) < 0) {
                pos++;
            }
            if (pos == begin) {
                throw fail("a value expected");
            }
        }
    }

    /** The items of an array or an inline table up to {@code close}; an inline table's keys may hold secrets. */
    private void collection(char close, boolean table) throws UnparseableConfig {
        while (true) {
            skipSpaceAndComments();
            if (pos >= text.length()) {
                throw fail("'" + close + "' expected");
            }
            if (peek() == close) {
                pos++;
                return;
            }
            if (table) {
                inlineSecret |= anySecret(key());
                expect("=");
            }
            value();
            skipSpaceAndComments();
            if (pos < text.length() && peek() == ',') {
                pos++;
            } else if (pos >= text.length() || peek() != close) {
                throw fail("',' or '" + close + "' expected");
            }
        }
    }

    private void singleLineString() throws UnparseableConfig {
        char quote = peek();
        pos++;
        while (pos < text.length() && peek() != '\n') {
            char c = text.charAt(pos++);
            if (c == '\\' && quote == '"') {
                pos++;
            } else if (c == quote) {
                return;
            }
        }
        throw fail("a string without its closing quote");
    }

    private void multiLineString() throws UnparseableConfig {
        String delimiter = text.substring(pos, pos + 3);
        pos += 3;
        while (pos < text.length()) {
            if (delimiter.charAt(0) == '"' && peek() == '\\') {
                pos += 2;
            } else if (text.startsWith(delimiter, pos)) {
                pos += 3;
                for (int extra = 0; extra < 2 && pos < text.length() && peek() == delimiter.charAt(0); extra++) {
                    pos++;
                }
                return;
            } else {
                pos++;
            }
        }
        throw fail("a multi-line string without its closing " + delimiter);
    }

    /** Spaces, tabs, newlines and comments (inside arrays and inline tables). */
    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = peek();
            if (c == '#') {
                while (pos < text.length() && peek() != '\n') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                pos++;
            } else {
                return;
            }
        }
    }

    private void skipBlanks() {
        while (pos < text.length() && (peek() == ' ' || peek() == '\t')) {
            pos++;
        }
    }

    /** Blanks and a comment, then the end of the line (consumed) or of the text; anything else is an error. */
    private void endOfLine() throws UnparseableConfig {
        skipBlanks();
        if (pos < text.length() && peek() == '#') {
            while (pos < text.length() && peek() != '\n') {
                pos++;
            }
        }
        if (pos < text.length() && peek() == '\r') {
            pos++;
        }
        if (pos < text.length()) {
            if (peek() != '\n') {
                throw fail("the end of the line expected");
            }
            pos++;
        }
    }

    private void expect(String token) throws UnparseableConfig {
        skipBlanks();
        if (!text.startsWith(token, pos)) {
            throw fail("'" + token + "' expected");
        }
        pos += token.length();
    }

    private char peek() {
        return text.charAt(pos);
    }

    private UnparseableConfig fail(String problem) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return UnparseableConfig.atLine(line, problem);
    }
}
