package dev.vectraguard.mcp;

import java.time.Duration;
import java.util.Map;

/** Reads a tool call's arguments; a wrong one is an {@link IllegalArgumentException} naming it. */
final class Arguments {
    private Arguments() {}

    static String requiredString(Map<String, Object> arguments, String name) {
        String value = optionalString(arguments, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing argument '" + name + "' (a non-empty string)");
        }
        return value;
    }

    static String optionalString(Map<String, Object> arguments, String name) {
        Object value = arguments.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException("argument '" + name + "' must be a string; got " + value);
    }

    static Duration optionalSeconds(Map<String, Object> arguments, String name, long max) {
        Object value = arguments.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
                || ((Number) value).longValue() > max) {
            throw new IllegalArgumentException("argument '" + name + "' must be a whole number of seconds from 1 to " + max
                    + "; got " + value);
        }
        return Duration.ofSeconds(((Number) value).longValue());
    }
}
