package dev.vectraguard.config;

import java.util.List;

/**
 * A config document as read, before validation: scalars keep their text and YAML type, and every
 * node keeps its location. Only {@link YamlReader} knows YAML; the rest of the config code and the
 * environment overrides work on these nodes.
 */
sealed interface RawNode {
    ConfigLocation at();

    /** What the YAML core schema resolved a plain scalar to; quoted scalars are always STRING. */
    enum Kind { STRING, BOOL, INT, FLOAT, NULL }

    record Scalar(String text, Kind kind, ConfigLocation at) implements RawNode {}

    record Sequence(List<RawNode> items, ConfigLocation at) implements RawNode {}

    record Mapping(List<Entry> entries, ConfigLocation at) implements RawNode {}

    record Entry(String key, ConfigLocation keyAt, RawNode value) {}

    /** "a list", "a mapping", "'text'" or "null": how the node is named in messages. */
    static String describe(RawNode node) {
        return switch (node) {
            case Scalar s when s.kind() == Kind.NULL -> "null";
            case Scalar s -> "'" + s.text() + "'";
            case Sequence q -> "a list";
            case Mapping m -> "a mapping";
        };
    }
}
