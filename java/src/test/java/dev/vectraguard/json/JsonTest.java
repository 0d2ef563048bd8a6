package dev.vectraguard.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test
    void roundTripsEveryKindOfValue() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "text with \"quotes\", \\ and \n\t\u0001 and é 😀");
        value.put("i", 42L);
        value.put("neg", -7L);
        value.put("big", 12345678901234L);
        value.put("d", 0.25);
        value.put("t", true);
        value.put("f", false);
        value.put("n", null);
        value.put("list", List.of(1L, "two", List.of(), Map.of()));
        value.put("nested", new LinkedHashMap<>(Map.of("k", "v")));
        assertEquals(value, Json.parse(Json.write(value)));
        assertEquals(value, Json.parse(Json.writePretty(value)));
    }

    @Test
    void keepsKeyOrder() {
        Map<String, Object> parsed = Json.parseObject("{\"b\":1,\"a\":2,\"c\":3}");
        assertEquals(List.of("b", "a", "c"), List.copyOf(parsed.keySet()));
    }

    @Test
    void escapesControlCharactersAndLineSeparators() {
        assertEquals("\"a\\u0000b\\u001fc\\u2028\"", Json.write("a\u0000b\u001fc\u2028"));
        assertEquals("\"\\\"\\\\\\n\\r\\t\\b\\f\"", Json.write("\"\\\n\r\t\b\f"));
        assertEquals("\"\\ud800x\"", Json.write("\ud800x"), "a lone surrogate is escaped, not written as invalid UTF-8");
    }

    @Test
    void readsUnicodeEscapesAndSurrogatePairs() {
        assertEquals("é😀/", Json.parse("\"\\u00e9\\ud83d\\ude00\\/\""));
    }

    @Test
    void numbers() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(-0.5, Json.parse("-0.5"));
        assertEquals(1e10, Json.parse("1e10"));
        assertEquals(2.5E-3, Json.parse("2.5E-3"));
        assertInstanceOf(Double.class, Json.parse("123456789012345678901234567890"));
        assertEquals("3.0", Json.write(3.0));
        assertEquals("9223372036854775807", Json.write(Long.MAX_VALUE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\":1} x        | 1 | 9  | unexpected 'x' after the JSON value",
            "{\"a\":1,}         | 1 | 8  | expected a string key",
            "[1,2               | 1 | 5  | expected ',' or ']'",
            "01                 | 1 | 2  | unexpected '1' after the JSON value",
            "@                  | 1 | 1  | unexpected character '@', expected a value",
            "{\"a\" 1}          | 1 | 6  | expected ':'",
            "\"abc              | 1 | 5  | unterminated string",
            "\"\\x\"            | 1 | 3  | bad escape \\x",
            "tru                | 1 | 1  | unexpected character 't', expected a value",
            "1.                 | 1 | 3  | expected a digit after '.'",
            "-                  | 1 | 2  | expected a digit",
            "{\"a\":1,\"a\":2}  | 1 | 8  | duplicate key \"a\"",
    })
    void rejectsMalformedTextWithPosition(String text, int line, int column, String problem) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text.strip()));
        assertEquals("line " + line + ", column " + column + ": " + problem, e.getMessage());
    }

    @Test
    void reportsLineAndColumnOnLaterLines() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": [1,\n   2,,\n]}"));
        assertEquals(3, e.line());
        assertEquals(6, e.column());
    }

    @Test
    void rejectsRawControlCharacterInString() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"a\nb\""));
        assertEquals("line 1, column 3: control character U+000A in string (must be escaped)", e.getMessage());
    }

    @Test
    void emptyInputAndNonObjectTopLevel() {
        assertEquals("line 1, column 1: unexpected end of input, expected a value",
                assertThrows(JsonException.class, () -> Json.parse("  ".strip())).getMessage());
        assertThrows(JsonException.class, () -> Json.parseObject("[1]"));
    }

    @Test
    void rejectsAbsurdNesting() {
        String deep = "[".repeat(600) + "]".repeat(600);
        assertThrows(JsonException.class, () -> Json.parse(deep));
    }

    @Test
    void prettyFormat() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1L, 2L));
        m.put("b", Map.of());
        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}", Json.writePretty(m));
    }
}
