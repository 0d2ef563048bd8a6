package dev.vectraguard.config;

import dev.vectraguard.state.StateFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Config files the user approved with {@code vg config trust}, in {@code STATE_DIR/config-trust.json}:
 * {@code {"version": 1, "files": {"/canonical/path": {"sha256": "...", "approved": "2026-..."}}}}.
 * An approval holds only for the exact content it was given for; any change voids it.
 */
public final class ConfigApprovals {
    public static final String FILE_NAME = "config-trust.json";
    private static final int FORMAT_VERSION = 1;

    /** What the store says about one file's current content. */
    public enum Match { APPROVED, CHANGED, NONE }

    private final StateFile file;

    public ConfigApprovals(Path stateDir, Consumer<String> warnings) {
        this.file = new StateFile(stateDir, FILE_NAME, warnings);
    }

    public Path path() {
        return file.path();
    }

    /** SHA-256 hex of {@code content}. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether {@code canonicalPath} is approved with exactly this content (no lock taken when there is no store yet). */
    public Match match(Path canonicalPath, String sha256) {
        if (!Files.exists(file.path())) {
            return Match.NONE;
        }
        Object entry = files(file.read()).get(canonicalPath.toString());
        if (!(entry instanceof Map<?, ?> m)) {
            return Match.NONE;
        }
        return sha256.equals(m.get("sha256")) ? Match.APPROVED : Match.CHANGED;
    }

    /** Approves {@code canonicalPath} with the content whose hash is {@code sha256} (replacing an older approval). */
    public void approve(Path canonicalPath, String sha256) {
        file.update(content -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("sha256", sha256);
            entry.put("approved", Instant.now().toString());
            files(content).put(canonicalPath.toString(), entry);
            return null;
        });
    }

    /** Removes the approval of {@code canonicalPath}; false if there was none. */
    public boolean revoke(Path canonicalPath) {
        if (!Files.exists(file.path())) {
            return false;
        }
        return file.update(content -> files(content).remove(canonicalPath.toString()) != null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> files(Map<String, Object> content) {
        content.putIfAbsent("version", (long) FORMAT_VERSION);
        Object files = content.get("files");
        if (!(files instanceof Map)) {
            files = new LinkedHashMap<String, Object>();
            content.put("files", files);
        }
        return (Map<String, Object>) files;
    }
}
