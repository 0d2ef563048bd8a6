package dev.vectraguard.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and writer (RFC 8259).
 *
 * <p>Values map to Java as: object = {@link LinkedHashMap} (key order kept), array = {@link List},
 * string = {@link String}, integer = {@link Long} (or {@link Double} when it does not fit),
 * other numbers = {@link Double}, {@code true}/{@code false} = {@link Boolean}, {@code null} = null.
 * The writer also accepts any {@link Map}, {@link Iterable}, {@link Number}, {@link Enum} (its
 * lower-case name) and {@link CharSequence}.
 */
public final class Json {
    private Json() {}

    /** Parses one JSON value; anything but whitespace after it is an error. */
    public static Object parse(String text) {
        JsonReader reader = new JsonReader(text);
        Object value = reader.readValue();
        reader.expectEnd();
        return value;
    }

    /** Parses a JSON text that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        if (!reader.atObjectStart()) {
            throw reader.error("expected a JSON object");
        }
        Object value = reader.readValue();
        reader.expectEnd();
        return (Map<String, Object>) value;
    }

    /** Compact form, no whitespace. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1, 0);
        return out.toString();
    }

    /** Indented by two spaces, one member per line, ending without a newline. */
    public static String writePretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 2, 0);
        return out.toString();
    }

    /** {@code s} as a JSON string literal, quotes included. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        writeString(out, s);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent, int depth) {
        switch (value) {
            case null -> out.append("null");
            case CharSequence s -> writeString(out, s.toString());
            case Boolean b -> out.append(b.booleanValue());
            case Double d -> writeDouble(out, d);
            case Float f -> writeDouble(out, f.doubleValue());
            case Number n -> out.append(n.toString());
            case Enum<?> e -> writeString(out, e.name().toLowerCase(java.util.Locale.ROOT));
            case Map<?, ?> map -> writeObject(out, map, indent, depth);
            case Iterable<?> items -> writeArray(out, items, indent, depth);
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void writeDouble(StringBuilder out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no NaN or infinity");
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d).append(".0");
        } else {
            out.append(d);
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, int indent, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(out, indent, depth + 1);
            writeString(out, String.valueOf(e.getKey()));
            out.append(indent < 0 ? ":" : ": ");
            write(out, e.getValue(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append('}');
    }

    private static void writeArray(StringBuilder out, Iterable<?> items, int indent, int depth) {
        if (!items.iterator().hasNext()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(out, indent, depth + 1);
            write(out, item, indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append(']');
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').repeat(' ', indent * depth);
        }
    }

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // Control characters, and the line separators that break JavaScript embedding.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) && !validSurrogateAt(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** True if position i starts or ends a well-formed surrogate pair (lone halves are escaped). */
    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** Recursive-descent reader over the whole text. */
    private static final class JsonReader {
        private static final int MAX_DEPTH = 512;
        private final String text;
        private int pos;
        private int depth;

        JsonReader(String text) {
            this.text = text;
        }

        boolean atObjectStart() {
            return pos < text.length() && text.charAt(pos) == '{';
        }

        Object readValue() {
            skipWhitespace();
            if (pos >= text.length()) {
                throw error("unexpected end of input, expected a value");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> readObject();
                case '[' -> readArray();
                case '"' -> readString();
                case 't' -> readLiteral("true", Boolean.TRUE);
                case 'f' -> readLiteral("false", Boolean.FALSE);
                case 'n' -> readLiteral("null", null);
                default -> {
                    if (c == '-' || c >= '0' && c <= '9') {
                        yield readNumber();
                    }
                    throw error("unexpected character " + describe(c) + ", expected a value");
                }
            };
        }

        void expectEnd() {
            skipWhitespace();
            if (pos < text.length()) {
                throw error("unexpected " + describe(text.charAt(pos)) + " after the JSON value");
            }
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private Map<String, Object> readObject() {
            enter();
            pos++;
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                depth--;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                int keyPos = pos;
                String key = readString();
                skipWhitespace();
                expect(':');
                Object value = readValue();
                if (map.containsKey(key)) {
                    pos = keyPos;
                    throw error("duplicate key " + quote(key));
                }
                map.put(key, value);
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    depth--;
                    return map;
                } else {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> readArray() {
            enter();
            pos++;
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                depth--;
                return list;
            }
            while (true) {
                list.add(readValue());
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    depth--;
                    return list;
                } else {
                    throw error("expected ',' or ']'");
                }
            }
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
        }

        private String readString() {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("control character " + describe(c) + " in string (must be escaped)");
                }
                if (c != '\\') {
                    sb.append(c);
                    pos++;
                    continue;
                }
                pos++;
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char e = text.charAt(pos);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 >= text.length()) {
                            throw error("truncated \\u escape");
                        }
                        int code = 0;
                        for (int i = 1; i <= 4; i++) {
                            int digit = Character.digit(text.charAt(pos + i), 16);
                            if (digit < 0) {
                                pos += i;
                                throw error("bad hex digit in \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        sb.append((char) code);
                        pos += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
                pos++;
            }
        }

        private Object readNumber() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) {
                    pos++;
                }
            } else {
                throw error("expected a digit");
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw error("expected a digit after '.'");
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("expected a digit in the exponent");
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            String literal = text.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(literal);
                } catch (NumberFormatException tooBig) {
                    return Double.parseDouble(literal);
                }
            }
            return Double.parseDouble(literal);
        }

        private Object readLiteral(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("unexpected character " + describe(text.charAt(pos)) + ", expected a value");
            }
            pos += word.length();
            return value;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static String describe(char c) {
            return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }

        JsonException error(String problem) {
            int line = 1;
            int lineStart = 0;
            int end = Math.min(pos, text.length());
            for (int i = 0; i < end; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            if (pos >= text.length() && problem.startsWith("unexpected character")) {
                problem = "unexpected end of input";
            }
            return new JsonException(problem, pos, line, end - lineStart + 1);
        }
    }
}
