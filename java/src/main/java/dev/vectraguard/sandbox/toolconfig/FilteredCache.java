package dev.vectraguard.sandbox.toolconfig;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.CodeSource;
import java.util.HexFormat;

/**
 * The last filtered text of each known file, so a run whose config files did not change does not
 * load an XML or YAML library to filter them again: one entry per file in vg's own cache directory
 * (never visible in a sandbox), keyed by the SHA-256 of the file's content and of the vg build
 * that filtered it. Caching is off when vg does not run from a jar (no build to key by).
 */
final class FilteredCache {
    private final Path dir;
    private final String build;

    /** @param build the vg build that filters; null turns caching off */
    FilteredCache(Path dir, String build) {
        this.dir = dir;
        this.build = build;
    }

    static FilteredCache in(Path dir) {
        return new FilteredCache(dir, buildOfThisCode());
    }

    /** The filtered text of {@code known}'s {@code text}, from the cache when it holds it. */
    String filtered(ToolConfigFiles.Known known, String text) throws UnparseableConfig {
        if (build == null) {
            return known.filter().get().filter(text);
        }
        String key = sha256(build + "\0" + known.path() + "\0" + text);
        Path entry = dir.resolve(known.path().replace('/', '!'));
        try {
            String stored = Files.readString(entry, StandardCharsets.UTF_8);
            if (stored.startsWith(key + "\n")) {
                return stored.substring(key.length() + 1);
            }
            if (stored.startsWith(key + "!")) {
                throw new UnparseableConfig(stored.substring(key.length() + 1).strip());
            }
        } catch (IOException | RuntimeException absentOrUnreadable) {
            // filtered again below
        }
        try {
            String filtered = known.filter().get().filter(text);
            store(entry, key + "\n" + filtered);
            return filtered;
        } catch (UnparseableConfig e) {
            store(entry, key + "!" + e.getMessage().replace('\n', ' ') + "\n");
            throw e;
        }
    }

    private void store(Path entry, String content) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path temporary = dir.resolve(entry.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, entry, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            // without a cache entry the next run filters again
        }
    }

    /** The jar vg runs from, as path, size and modification time; null when vg does not run from a jar. */
    private static String buildOfThisCode() {
        try {
            CodeSource source = FilteredCache.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return null;
            }
            return jar + ":" + Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
