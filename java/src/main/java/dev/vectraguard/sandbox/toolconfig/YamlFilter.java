package dev.vectraguard.sandbox.toolconfig;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * YAML files ({@code ~/.yarnrc.yml}, {@code ~/.gemrc}, {@code ~/.condarc}), read with
 * snakeyaml-engine (YAML 1.2 core schema) and written back: every mapping entry whose key holds
 * a credential ({@code npmAuthToken}, {@code npmAuthIdent}, {@code :rubygems_api_key}...) is left
 * out at any depth, credentials in URLs are removed from every string. Comments are not kept.
 */
final class YamlFilter implements ConfigFilter {
    private final UnaryOperator<String> urls;

    /** @param urls removes the credentials of the URLs in a string ({@link UrlCredentials}) */
    YamlFilter(UnaryOperator<String> urls) {
        this.urls = urls;
    }

    @Override
    public String filter(String text) throws UnparseableConfig {
        LoadSettings settings = LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(50)
                .setBufferSize(text.length() + 2)
                .build();
        Object document;
        try {
            document = new Load(settings).loadFromString(text);
        } catch (YamlEngineException | StackOverflowError e) {
            String message = e.getMessage() == null ? "nested too deeply" : e.getMessage().strip();
            throw new UnparseableConfig(message.lines().findFirst().orElse(message));
        }
        if (document == null) {
            return "";
        }
        if (!(document instanceof Map<?, ?>)) {
            throw new UnparseableConfig("the document is not a mapping");
        }
        DumpSettings dump = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setSchema(new CoreSchema()).build();
        return new Dump(dump).dumpToString(clean(document));
    }

    private Object clean(Object value) {
        return switch (value) {
            case Map<?, ?> map -> {
                Map<Object, Object> kept = new LinkedHashMap<>();
                map.forEach((key, item) -> {
                    if (!(key instanceof String name && SecretNames.isSecret(name))) {
                        kept.put(key instanceof String name ? urls.apply(name) : key, clean(item));
                    }
                });
                yield kept;
            }
            case List<?> list -> {
                List<Object> kept = new ArrayList<>();
                list.forEach(item -> kept.add(clean(item)));
                yield kept;
            }
            case String string -> urls.apply(string);
            case null, default -> value;
        };
    }
}
