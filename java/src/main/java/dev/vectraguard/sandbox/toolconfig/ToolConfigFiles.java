package dev.vectraguard.sandbox.toolconfig;

import dev.vectraguard.sandbox.ToolConfigMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The package managers' user config files the sandbox shows at their usual paths under HOME, as
 * per-run copies (never the host file itself): filtered of credentials, or as they are with
 * {@link ToolConfigMode#FULL}. A file that cannot be read as its format is hidden whole, with one
 * notice.
 */
public final class ToolConfigFiles {
    /** Larger files are hidden: no tool config is this big. */
    static final int MAX_BYTES = 1 << 20;

    /** In vg's own cache directory: the last filtered text of each file ({@link FilteredCache}). */
    static final String CACHE_DIR = "tool-config";

    /** A known file, relative to HOME, and the filter of its format. */
    record Known(String path, Supplier<ConfigFilter> filter) {}

    static final List<Known> KNOWN = List.of(
            new Known(".npmrc", () -> new IniFilter(IniFilter.Dialect.NPM)),
            new Known(".yarnrc", YarnrcFilter::new),
            new Known(".yarnrc.yml", () -> new YamlFilter(UrlCredentials::strip)),
            new Known(".config/pnpm/rc", () -> new IniFilter(IniFilter.Dialect.NPM)),
            new Known(".bunfig.toml", TomlFilter::new),
            new Known(".m2/settings.xml", MavenSettingsFilter::new),
            new Known(".gradle/gradle.properties", PropertiesFilter::new),
            new Known(".config/pip/pip.conf", () -> new IniFilter(IniFilter.Dialect.PYTHON)),
            new Known(".pip/pip.conf", () -> new IniFilter(IniFilter.Dialect.PYTHON)),
            new Known(".condarc", () -> new YamlFilter(UrlCredentials::stripWithCondaTokens)),
            new Known(".cargo/config.toml", TomlFilter::new),
            new Known(".cargo/config", TomlFilter::new),
            new Known(".gemrc", () -> new YamlFilter(UrlCredentials::strip)));

    /** The paths of the known files, relative to HOME. */
    public static final List<String> PATHS = KNOWN.stream().map(Known::path).toList();

    private ToolConfigFiles() {}

    /** One file to show: {@code copy} (vg's, on the host) bound read-only at {@code target}. */
    public record Copy(Path copy, Path target) {}

    /**
     * The copies of the known files under {@code home} that exist (filtered texts kept in
     * {@code vgCacheDir}), in a directory of {@code scratch}
     * only the caller can enter ({@link ShownCopies}: one per JVM, a copy written again only when
     * what it shows changed); nothing with {@link ToolConfigMode#NONE}. The caller gives them back
     * with {@link ToolConfigCopies#delete()} once they are mounted.
     */
    public static ToolConfigCopies write(Path home, ToolConfigMode mode, Path vgCacheDir, Path scratch) {
        List<String> notices = new ArrayList<>();
        if (mode == ToolConfigMode.NONE) {
            return ToolConfigCopies.NONE;
        }
        List<Known> present = KNOWN.stream().filter(k -> Files.isRegularFile(home.resolve(k.path()))).toList();
        if (present.isEmpty()) {
            return ToolConfigCopies.NONE;
        }
        ShownCopies shownCopies = ShownCopies.in(scratch);
        FilteredCache cache = null;
        List<Copy> copies = new ArrayList<>();
        for (Known known : present) {
            Path source = home.resolve(known.path());
            String shownPath = "~/" + known.path();
            String key = mode + ":" + source;
            String text;
            String content;
            try {
                text = read(source);
                content = mode == ToolConfigMode.FULL ? text : shownCopies.shownFor(key, text);
                if (content == null) {
                    cache = cache == null ? FilteredCache.in(vgCacheDir.resolve(CACHE_DIR)) : cache;
                    content = cache.filtered(known, text);
                }
            } catch (UnparseableConfig e) {
                notices.add(shownPath + " hidden: it cannot be read as its format (" + e.getMessage() + ")");
                continue;
            } catch (IOException e) {
                notices.add(shownPath + " hidden: " + e.getMessage());
                continue;
            }
            try {
                copies.add(new Copy(shownCopies.acquire(key, text, content), source));
            } catch (IOException e) {
                notices.add(shownPath + " hidden: cannot write its copy in " + scratch + " (" + e.getMessage() + ")");
            }
        }
        return new ToolConfigCopies(shownCopies, List.copyOf(copies), List.copyOf(notices));
    }

    /** The file as UTF-8 text: a larger file than {@link #MAX_BYTES}, a NUL or an invalid byte makes it unparseable. */
    static String read(Path file) throws IOException, UnparseableConfig {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new UnparseableConfig("larger than " + (MAX_BYTES >> 10) + " KiB");
        }
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UnparseableConfig("not valid UTF-8");
        }
        if (text.indexOf('\0') >= 0) {
            throw new UnparseableConfig("holds a NUL byte");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
