package dev.vectraguard.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;

import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON to and from records, strictly, on Jackson's streaming parser and generator: a value of the
 * wrong type, an unknown or duplicate key, or anything after the value is an error (one line with
 * line, column and key path), never coerced or skipped.
 *
 * <p>A record is an object whose keys are its component names in snake_case ({@code useCount} is
 * {@code use_count}; see {@link JsonKeys} for formats written by others); a missing key is null,
 * 0 or false, and the canonical constructor may refuse values by throwing
 * {@link IllegalArgumentException}. Supported component types: String, long, int, boolean (and
 * their boxes), {@link Instant} (ISO-8601 text), records, {@code List<T>}, {@code Map<String, T>}
 * and Object (any JSON: maps, lists, strings, longs, doubles, booleans, null). Writing also takes
 * maps, iterables, numbers and enums (their lower-case name).
 *
 * <p>This is not Jackson's databind: its start-up (about 140 ms of CPU on every {@code vg exec},
 * measured) is too much for a state file of a few fields; the streaming layer costs a few ms.
 */
public final class JsonMapping {
    private JsonMapping() {}

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .characterEscapes(new LineSeparatorEscapes())
            .build();
    private static final ObjectWriteContext PRETTY = new ObjectWriteContext.Base() {
        @Override
        public PrettyPrinter getPrettyPrinter() {
            return new DefaultPrettyPrinter()
                    .withSeparators(Separators.createDefaultInstance()
                            .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("")
                            .withArrayEmptySeparator(""))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        }

        @Override
        public boolean hasPrettyPrinter() {
            return true;
        }
    };
    private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

    /** {@code text} as a {@code type} (a record, {@code Map.class} or {@code Object.class}). */
    public static <T> T read(String text, Class<T> type) {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), text)) {
            return readWhole(parser, type);
        } catch (JacksonException e) {
            throw new JsonException(describe(e), e);
        }
    }

    /** UTF-8 {@code bytes} as a {@code type} (malformed UTF-8 is an error too). */
    public static <T> T read(byte[] bytes, Class<T> type) {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), bytes)) {
            return readWhole(parser, type);
        } catch (JacksonException e) {
            throw new JsonException(describe(e), e);
        }
    }

    /** Compact form, no whitespace. */
    public static String write(Object value) {
        return write(value, ObjectWriteContext.empty());
    }

    /** Indented by two spaces, {@code "key": value}, one member or item per line, no final newline. */
    public static String writePretty(Object value) {
        return write(value, PRETTY);
    }

    private static <T> T readWhole(JsonParser parser, Class<T> type) {
        if (parser.nextToken() == null) {
            throw new JsonException("line 1, column 1: no JSON value (the text is empty)", null);
        }
        Object value = new Reader(parser).value(type, "");
        if (parser.nextToken() != null) {
            throw new JsonException(at(parser, "unexpected " + parser.currentToken().asString() + " after the JSON value", ""), null);
        }
        return type.cast(value);
    }

    private static String write(Object value, ObjectWriteContext context) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(context, out)) {
            writeValue(generator, value);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator g, Object value) {
        switch (value) {
            case null -> g.writeNull();
            case CharSequence s -> g.writeString(s.toString());
            case Boolean b -> g.writeBoolean(b);
            case Double d -> g.writeNumber(finite(d));
            case Float f -> g.writeNumber(finite(f.doubleValue()));
            case Long n -> g.writeNumber(n);
            case Integer n -> g.writeNumber(n);
            case Short n -> g.writeNumber(n);
            case Byte n -> g.writeNumber(n);
            case Instant i -> g.writeString(i.toString());
            case Enum<?> e -> g.writeString(e.name().toLowerCase(Locale.ROOT));
            case Record r -> {
                g.writeStartObject();
                Shape shape = shape(r.getClass());
                for (int i = 0; i < shape.keys.length; i++) {
                    g.writeName(shape.keys[i]);
                    writeValue(g, shape.get(r, i));
                }
                g.writeEndObject();
            }
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.writeName(String.valueOf(e.getKey()));
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Iterable<?> items -> {
                g.writeStartArray();
                for (Object item : items) {
                    writeValue(g, item);
                }
                g.writeEndArray();
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static double finite(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no NaN or infinity");
        }
        return d;
    }

    /** The JSON keys, accessors and constructor of one record type. */
    private static final class Shape {
        final Class<?> type;
        final String[] keys;
        final Type[] types;
        final Class<?>[] rawTypes;
        final Method[] accessors;
        final Constructor<?> constructor;
        final boolean ignoreUnknown;

        Shape(Class<?> type) {
            this.type = type;
            RecordComponent[] components = type.getRecordComponents();
            JsonKeys format = type.getAnnotation(JsonKeys.class);
            keys = new String[components.length];
            types = new Type[components.length];
            rawTypes = new Class<?>[components.length];
            accessors = new Method[components.length];
            for (int i = 0; i < components.length; i++) {
                keys[i] = format != null ? components[i].getName() : snakeCase(components[i].getName());
                types[i] = components[i].getGenericType();
                rawTypes[i] = components[i].getType();
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
            }
            try {
                constructor = type.getDeclaredConstructor(rawTypes);
                constructor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("a record has a canonical constructor", e);
            }
            ignoreUnknown = format != null && format.ignoreUnknown();
        }

        int index(String key) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        Object get(Record r, int i) {
            try {
                return accessors[i].invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + type.getSimpleName() + "." + keys[i], e);
            }
        }

        private static String snakeCase(String name) {
            StringBuilder out = new StringBuilder(name.length() + 4);
            for (char c : name.toCharArray()) {
                if (Character.isUpperCase(c)) {
                    out.append('_').append(Character.toLowerCase(c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }

    private static Shape shape(Class<?> type) {
        return SHAPES.computeIfAbsent(type, Shape::new);
    }

    /** Reads values of given types, the parser on the value's first token. */
    private record Reader(JsonParser p) {
        Object value(Type type, String path) {
            JsonToken token = p.currentToken();
            if (type instanceof ParameterizedType pt) {
                Class<?> raw = (Class<?>) pt.getRawType();
                if (token == JsonToken.VALUE_NULL) {
                    return null;
                }
                if (raw == List.class) {
                    return list(pt.getActualTypeArguments()[0], path);
                }
                if (raw == Map.class) {
                    return map(pt.getActualTypeArguments()[1], path);
                }
                throw new IllegalArgumentException("unsupported type " + type);
            }
            Class<?> c = (Class<?>) type;
            if (token == JsonToken.VALUE_NULL) {
                if (c.isPrimitive()) {
                    throw error("null where a " + c.getName() + " is needed", path);
                }
                return null;
            }
            if (c == String.class) {
                return expect(token == JsonToken.VALUE_STRING, "a string", path).getString();
            }
            if (c == long.class || c == Long.class) {
                return integer(path);
            }
            if (c == int.class || c == Integer.class) {
                long n = integer(path);
                if (n != (int) n) {
                    throw error("number out of range", path);
                }
                return (int) n;
            }
            if (c == boolean.class || c == Boolean.class) {
                return expect(token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE, "true or false", path).getBooleanValue();
            }
            if (c == Instant.class) {
                String text = expect(token == JsonToken.VALUE_STRING, "a time (ISO-8601 text)", path).getString();
                try {
                    return Instant.parse(text);
                } catch (DateTimeParseException e) {
                    throw error("'" + text + "' is not a time like 2026-01-31T12:00:00Z", path);
                }
            }
            if (c == Object.class) {
                return any(path);
            }
            if (c == Map.class) {
                expect(token == JsonToken.START_OBJECT, "an object", path);
                return map(Object.class, path);
            }
            if (c.isRecord()) {
                return record(shape(c), path);
            }
            throw new IllegalArgumentException("unsupported type " + c.getName());
        }

        private Object record(Shape shape, String path) {
            expect(p.currentToken() == JsonToken.START_OBJECT, "an object", path);
            Object[] args = new Object[shape.keys.length];
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                int i = shape.index(key);
                if (i < 0 && !shape.ignoreUnknown) {
                    throw error("unknown key \"" + key + "\" (known: " + String.join(", ", shape.keys) + ")", path);
                }
                p.nextToken();
                if (i < 0) {
                    p.skipChildren();
                    continue;
                }
                args[i] = value(shape.types[i], join(path, key));
            }
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null && shape.rawTypes[i].isPrimitive()) {
                    args[i] = shape.rawTypes[i] == boolean.class ? Boolean.FALSE : shape.rawTypes[i] == int.class ? (Object) 0 : (Object) 0L;
                }
            }
            try {
                return shape.constructor.newInstance(args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof IllegalArgumentException refused) {
                    throw error(refused.getMessage(), path);
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private List<Object> list(Type item, String path) {
            expect(p.currentToken() == JsonToken.START_ARRAY, "an array", path);
            List<Object> out = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                out.add(value(item, path + "[" + out.size() + "]"));
            }
            return out;
        }

        private Map<String, Object> map(Type value, String path) {
            expect(p.currentToken() == JsonToken.START_OBJECT, "an object", path);
            Map<String, Object> out = new LinkedHashMap<>();
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                p.nextToken();
                out.put(key, value(value, join(path, key)));
            }
            return out;
        }

        private Object any(String path) {
            return switch (p.currentToken()) {
                case START_OBJECT -> map(Object.class, path);
                case START_ARRAY -> list(Object.class, path);
                case VALUE_STRING -> p.getString();
                case VALUE_NUMBER_INT -> integer(path);
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                case VALUE_TRUE -> true;
                case VALUE_FALSE -> false;
                default -> null;
            };
        }

        private long integer(String path) {
            expect(p.currentToken() == JsonToken.VALUE_NUMBER_INT, "an integer", path);
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw error("number out of range", path);
            }
            return p.getLongValue();
        }

        private JsonParser expect(boolean ok, String what, String path) {
            if (!ok) {
                JsonToken token = p.currentToken();
                throw error("expected " + what + ", got " + (token == JsonToken.VALUE_STRING ? "a string"
                        : token == JsonToken.START_OBJECT ? "an object" : token == JsonToken.START_ARRAY ? "an array"
                        : token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT ? "a number"
                        : token.asString()), path);
            }
            return p;
        }

        private JsonException error(String problem, String path) {
            return new JsonException(at(p, problem, path), null);
        }

        private static String join(String path, String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    private static String at(JsonParser p, String problem, String path) {
        TokenStreamLocation location = p.currentTokenLocation();
        return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + problem
                + (path.isEmpty() ? "" : " (at " + path + ")");
    }

    /** One line: {@code line L, column C: problem}. */
    private static String describe(JacksonException e) {
        StringBuilder out = new StringBuilder();
        TokenStreamLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            out.append("line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr()).append(": ");
        }
        String problem = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        int newline = problem.indexOf('\n');
        return out.append(newline < 0 ? problem : problem.substring(0, newline)).toString();
    }

    /**
     * U+2028 and U+2029 escaped too, as before (they end a line in JavaScript and YAML), and every
     * UTF-16 surrogate: the generator sees one char at a time, and a lone surrogate written raw
     * would turn into '?' in UTF-8; escaped, it reads back as the same string.
     */
    private static final class LineSeparatorEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private static final int[] ASCII = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 || ch == 0x2029 || Character.isSurrogate((char) ch)
                    ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
