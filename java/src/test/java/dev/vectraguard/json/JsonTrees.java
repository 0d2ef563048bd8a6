package dev.vectraguard.json;

import java.util.Map;

/** JSON read as plain maps, lists, strings, longs, doubles and booleans, strictly (for assertions on vg's output). */
public final class JsonTrees {
    private JsonTrees() {}

    public static Object parse(String text) {
        return JsonMapping.read(text, Object.class);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) {
        return JsonMapping.read(text, Map.class);
    }
}
