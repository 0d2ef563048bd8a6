package dev.vectraguard.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns YAML text into {@link RawNode}s with 1-based line:column marks, using snakeyaml-engine's
 * composer (YAML 1.2 core schema). This is the only class that touches snakeyaml, so a run without
 * config files never loads it. Duplicate keys are an error here.
 */
final class YamlReader {
    private static final int MAX_DEPTH = 64;

    private YamlReader() {}

    /** The document's root, or null for an empty document. */
    static RawNode read(String fileName, String text) throws ConfigException {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(fileName)
                .setSchema(new CoreSchema())
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(50)
                // The whole text in one buffer: snakeyaml-engine's refill throws IndexOutOfBoundsException
                // when a surrogate pair straddles the buffer's end (found by ConfigLoaderFuzzTest).
                .setBufferSize(text.length() + 2)
                .build();
        Optional<Node> root;
        try {
            checkNesting(fileName, settings, text);
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            ConfigLocation at = e.getProblemMark().or(e::getContextMark)
                    .map(m -> location(fileName, m))
                    .orElse(new ConfigLocation(fileName, 1, 1));
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw new ConfigException(at, "invalid YAML: " + problem.strip() + context);
        } catch (YamlEngineException e) {
            throw new ConfigException(fileName + ": invalid YAML: " + e.getMessage().strip());
        } catch (RuntimeException e) {
            // snakeyaml-engine throws IllegalArgumentException for some tags ("!a0sa%b", found by
            // ConfigLoaderFuzzTest): any text it cannot read is still one line naming the file
            throw new ConfigException(fileName + ": invalid YAML: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().strip()));
        }
        if (root.isEmpty()) {
            return null;
        }
        return convert(fileName, root.get(), 0, "");
    }

    /**
     * snakeyaml's composer recurses once per nesting level (thousands of levels overflow the stack):
     * its event parser, which does not recurse, checks the depth first.
     */
    private static void checkNesting(String fileName, LoadSettings settings, String text) throws ConfigException {
        int depth = 0;
        for (Event event : new Parse(settings).parseString(text)) {
            switch (event.getEventId()) {
                case SequenceStart, MappingStart -> {
                    if (++depth > MAX_DEPTH) {
                        throw new ConfigException(event.getStartMark().map(m -> location(fileName, m))
                                .orElse(new ConfigLocation(fileName, 1, 1)), "nested too deeply (more than " + MAX_DEPTH + " levels)");
                    }
                }
                case SequenceEnd, MappingEnd -> depth--;
                default -> { }
            }
        }
    }

    private static RawNode convert(String fileName, Node node, int depth, String path) throws ConfigException {
        ConfigLocation at = node.getStartMark().map(m -> location(fileName, m)).orElse(new ConfigLocation(fileName, 1, 1));
        if (depth > MAX_DEPTH) {
            throw new ConfigException(at, "nested too deeply");
        }
        switch (node) {
            case ScalarNode s -> {
                return new RawNode.Scalar(s.getValue(), kindOf(s), at);
            }
            case SequenceNode q -> {
                List<RawNode> items = new ArrayList<>();
                for (Node item : q.getValue()) {
                    items.add(convert(fileName, item, depth + 1, path + "[" + (items.size() + 1) + "]"));
                }
                return new RawNode.Sequence(items, at);
            }
            case MappingNode m -> {
                List<RawNode.Entry> entries = new ArrayList<>();
                Map<String, Integer> firstLine = new HashMap<>();
                for (NodeTuple t : m.getValue()) {
                    RawNode key = convert(fileName, t.getKeyNode(), depth + 1, path);
                    if (!(key instanceof RawNode.Scalar k) || k.kind() == RawNode.Kind.NULL) {
                        throw new ConfigException(key.at(), "a key must be a plain name (got " + RawNode.describe(key) + ")");
                    }
                    String keyPath = path.isEmpty() ? k.text() : path + "." + k.text();
                    Integer seen = firstLine.putIfAbsent(k.text(), k.at().line());
                    if (seen != null) {
                        throw new ConfigException(k.at(), "duplicate key '" + keyPath + "' (first set on line " + seen + ")");
                    }
                    entries.add(new RawNode.Entry(k.text(), k.at(), convert(fileName, t.getValueNode(), depth + 1, keyPath)));
                }
                return new RawNode.Mapping(entries, at);
            }
            default -> throw new ConfigException(at, "unsupported YAML node");
        }
    }

    private static RawNode.Kind kindOf(ScalarNode s) {
        if (!s.isPlain()) {
            return RawNode.Kind.STRING;
        }
        Tag tag = s.getTag();
        if (Tag.BOOL.equals(tag)) {
            return RawNode.Kind.BOOL;
        }
        if (Tag.INT.equals(tag)) {
            return RawNode.Kind.INT;
        }
        if (Tag.FLOAT.equals(tag)) {
            return RawNode.Kind.FLOAT;
        }
        if (Tag.NULL.equals(tag)) {
            return RawNode.Kind.NULL;
        }
        return RawNode.Kind.STRING;
    }

    private static ConfigLocation location(String fileName, Mark m) {
        return new ConfigLocation(fileName, m.getLine() + 1, m.getColumn() + 1);
    }
}
