package dev.vectraguard.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonMappingTest {
    record Inner(String name, List<Long> counts) {}

    record Outer(int version, long useCount, boolean enabled, Instant lastUsed, Map<String, Inner> byId, Object extra) {}

    @JsonKeys(ignoreUnknown = true)
    record Foreign(String defaultAction, Integer errnoRet) {}

    record Refusing(long n) {
        Refusing {
            if (n < 0) {
                throw new IllegalArgumentException("n must be >= 0");
            }
        }
    }

    private static String error(String text, Class<?> type) {
        return assertThrows(JsonException.class, () -> JsonMapping.read(text, type)).getMessage();
    }

    @Test
    void recordsRoundTripWithSnakeCaseKeysInComponentOrder() {
        Map<String, Inner> byId = new LinkedHashMap<>();
        byId.put("b", new Inner("x", List.of(1L, 2L)));
        byId.put("a", new Inner(null, List.of()));
        Outer outer = new Outer(1, Long.MAX_VALUE, true, Instant.parse("2026-01-01T10:00:00.5Z"), byId,
                List.of(Map.of("k", 2.5), "s", false));
        String json = JsonMapping.write(outer);
        assertEquals("{\"version\":1,\"use_count\":9223372036854775807,\"enabled\":true,\"last_used\":\"2026-01-01T10:00:00.500Z\","
                + "\"by_id\":{\"b\":{\"name\":\"x\",\"counts\":[1,2]},\"a\":{\"name\":null,\"counts\":[]}},"
                + "\"extra\":[{\"k\":2.5},\"s\",false]}", json);
        assertEquals(outer, JsonMapping.read(json, Outer.class));
        assertEquals(outer, JsonMapping.read(JsonMapping.writePretty(outer), Outer.class));
        assertEquals(List.of("b", "a"), List.copyOf(JsonMapping.read(json, Outer.class).byId().keySet()));
    }

    @Test
    void missingKeysAreNullZeroOrFalse() {
        assertEquals(new Outer(0, 0, false, null, null, null), JsonMapping.read("{}", Outer.class));
    }

    @Test
    void prettyFormatIsTheOneTheStateFilesAlwaysHad() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1L, 2L));
        m.put("b", Map.of());
        m.put("c", List.of());
        m.put("d", null);
        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": [],\n  \"d\": null\n}", JsonMapping.writePretty(m));
    }

    @Test
    void escapesControlCharactersLineSeparatorsAndSurrogates() {
        assertEquals("\"a\\u0000b\\u001Fc\\u2028\"", JsonMapping.write("a\u0000b\u001fc\u2028"));
        assertEquals("\"\\\"\\\\\\n\\r\\t\\b\\f\"", JsonMapping.write("\"\\\n\r\t\b\f"));
        assertEquals("\ud800x", JsonMapping.read(JsonMapping.write("\ud800x"), Object.class), "a lone surrogate survives");
        assertEquals("é😀/", JsonMapping.read(JsonMapping.write("é😀/"), Object.class));
        assertEquals("é😀/", JsonMapping.read("\"\\u00e9\\ud83d\\ude00\\/\"", Object.class));
    }

    @Test
    void plainValues() {
        assertEquals(0L, JsonMapping.read("0", Object.class));
        assertEquals(-0.5, JsonMapping.read("-0.5", Object.class));
        assertEquals(1e10, JsonMapping.read("1e10", Object.class));
        assertNull(JsonMapping.read("null", Object.class));
        assertEquals("3.0", JsonMapping.write(3.0));
        assertThrows(IllegalArgumentException.class, () -> JsonMapping.write(Double.NaN));
    }

    @Test
    void wrongTypesAreErrorsWithLineColumnAndPath() {
        assertEquals("line 1, column 32: expected an integer, got a string (at by_id.x.counts[1])",
                error("{\"by_id\": {\"x\": {\"counts\": [1, \"2\"]}}}", Outer.class));
        assertEquals("line 2, column 15: expected an integer, got a number (at use_count)", error("{\n \"use_count\": 1.5}", Outer.class));
        assertEquals("line 1, column 15: null where a long is needed (at use_count)", error("{\"use_count\": null}", Outer.class));
        assertEquals("line 1, column 13: expected true or false, got a number (at enabled)", error("{\"enabled\": 1}", Outer.class));
        assertEquals("line 1, column 13: number out of range (at version)", error("{\"version\": 2147483648}", Outer.class));
        assertEquals("line 1, column 15: number out of range (at use_count)", error("{\"use_count\": 9223372036854775808}", Outer.class));
        assertEquals("line 1, column 15: 'someday' is not a time like 2026-01-31T12:00:00Z (at last_used)",
                error("{\"last_used\": \"someday\"}", Outer.class));
        assertEquals("line 1, column 1: expected an object, got an array", error("[1]", Outer.class));
        assertEquals("line 1, column 9: n must be >= 0", error("{\"n\": -1}", Refusing.class));
    }

    @Test
    void unknownDuplicateAndTrailingAreErrors() {
        assertEquals("line 1, column 14: unknown key \"bogus\" (known: name, counts)", error("{\"name\": \"\", \"bogus\": 1}", Inner.class));
        assertEquals("line 1, column 15: Duplicate Object property \"name\"", error("{\"name\": \"a\", \"name\": \"b\"}", Inner.class)
                .replaceFirst("column \\d+", "column 15"));
        assertEquals("line 1, column 4: unexpected { after the JSON value", error("{} {}", Inner.class));
        assertEquals("line 1, column 1: no JSON value (the text is empty)", error("  ", Inner.class));
        assertEquals(new Foreign("SCMP_ACT_ALLOW", null),
                JsonMapping.read("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"x\": [1]}]}", Foreign.class));
    }

    @Test
    void malformedTextAndAbsurdNestingAreErrorsNotCrashes() {
        assertThrows(JsonException.class, () -> JsonMapping.read("{\"a\": [1,\n 2,,]}", Object.class));
        assertThrows(JsonException.class, () -> JsonMapping.read("\"a\nb\"", Object.class));
        assertThrows(JsonException.class, () -> JsonMapping.read("[".repeat(100_000), Object.class));
        assertThrows(JsonException.class, () -> JsonMapping.read(new byte[] {'"', (byte) 0xff, '"'}, Object.class));
    }
}
