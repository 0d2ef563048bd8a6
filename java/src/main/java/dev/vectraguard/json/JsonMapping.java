package dev.vectraguard.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON to and from records (Jackson databind), strictly: a value of the wrong type, an unknown or
 * duplicate key, or anything after the value is an error, never coerced or skipped. Record
 * components map to snake_case keys ({@code useCount} is {@code use_count}), {@link java.time.Instant}
 * to ISO-8601 text. The mapper is built on first use, so a run that reads no JSON loads none of it.
 */
public final class JsonMapping {
    private JsonMapping() {}

    private static final class Mapper {
        static final JsonMapper STRICT = JsonMapper.builder(JsonFactory.builder().characterEscapes(new LineSeparatorEscapes()).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.USE_LONG_FOR_INTS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .withCoercionConfigDefaults(c -> {
                    for (CoercionInputShape shape : CoercionInputShape.values()) {
                        c.setCoercion(shape, CoercionAction.Fail);
                    }
                })
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .defaultPrettyPrinter(new DefaultPrettyPrinter()
                        .withSeparators(Separators.createDefaultInstance()
                                .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                                .withObjectEmptySeparator("")
                                .withArrayEmptySeparator(""))
                        .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                        .withObjectIndenter(new DefaultIndenter("  ", "\n")))
                .build();
        static final ObjectWriter PRETTY = STRICT.writerWithDefaultPrettyPrinter();
    }

    /**
     * {@code text} as a {@code type}; {@code Object.class} gives maps, lists, strings, longs,
     * doubles, booleans and nulls.
     */
    public static <T> T read(String text, Class<T> type) {
        try {
            return Mapper.STRICT.readValue(text, type);
        } catch (JacksonException e) {
            throw new JsonException(describe(e), e);
        }
    }

    /** UTF-8 {@code bytes} as a {@code type} (malformed UTF-8 is an error too). */
    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return Mapper.STRICT.readValue(bytes, type);
        } catch (JacksonException e) {
            throw new JsonException(describe(e), e);
        }
    }

    /** Compact form, no whitespace. */
    public static String write(Object value) {
        return Mapper.STRICT.writeValueAsString(value);
    }

    /** Indented by two spaces, {@code "key": value}, one member or item per line, no final newline. */
    public static String writePretty(Object value) {
        return Mapper.PRETTY.writeValueAsString(value);
    }

    /** One line: {@code line L, column C: problem (at key.path)}. */
    private static String describe(JacksonException e) {
        StringBuilder out = new StringBuilder();
        TokenStreamLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            out.append("line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr()).append(": ");
        }
        String problem = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        int newline = problem.indexOf('\n');
        out.append(newline < 0 ? problem : problem.substring(0, newline));
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        if (!path.isEmpty()) {
            out.append(" (at ").append(path).append(')');
        }
        return out.toString();
    }

    /** U+2028 and U+2029 escaped too, as before: they end a line in JavaScript and YAML. */
    private static final class LineSeparatorEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private static final int[] ASCII = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 ? new SerializedString("\\u2028") : ch == 0x2029 ? new SerializedString("\\u2029") : null;
        }
    }
}
