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

    private final StateFile<ApprovalsFile> file;

    public ConfigApprovals(Path stateDir, Consumer<String> warnings) {
        this.file = new StateFile<>(stateDir, FILE_NAME, ApprovalsFile.class, ApprovalsFile::empty, warnings);
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
        Approval approval = file.read().files().get(canonicalPath.toString());
        if (approval == null) {
            return Match.NONE;
        }
        return sha256.equals(approval.sha256()) ? Match.APPROVED : Match.CHANGED;
    }

    /** Approves {@code canonicalPath} with the content whose hash is {@code sha256} (replacing an older approval). */
    public void approve(Path canonicalPath, String sha256) {
        file.update(content -> {
            Map<String, Approval> files = new LinkedHashMap<>(content.files());
            files.put(canonicalPath.toString(), new Approval(sha256, Instant.now()));
            return new StateFile.Update<>(new ApprovalsFile(FORMAT_VERSION, files), null);
        });
    }

    /** Removes the approval of {@code canonicalPath}; false if there was none. */
    public boolean revoke(Path canonicalPath) {
        if (!Files.exists(file.path())) {
            return false;
        }
        return file.update(content -> {
            Map<String, Approval> files = new LinkedHashMap<>(content.files());
            boolean removed = files.remove(canonicalPath.toString()) != null;
            return new StateFile.Update<>(new ApprovalsFile(FORMAT_VERSION, files), removed);
        });
    }

    /** The content of {@code config-trust.json}; an entry without its hash makes the file unreadable (set aside as corrupt). */
    record ApprovalsFile(int version, Map<String, Approval> files) {
        ApprovalsFile {
            files = files == null ? new LinkedHashMap<>() : new LinkedHashMap<>(files);
            if (files.containsValue(null)) {
                throw new IllegalArgumentException("an approval is null");
            }
        }

        static ApprovalsFile empty() {
            return new ApprovalsFile(FORMAT_VERSION, Map.of());
        }
    }

    /** One approved file: the SHA-256 of the content approved, and when. */
    record Approval(String sha256, Instant approved) {
        Approval {
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("an approval needs the file's SHA-256 (64 hex digits)");
            }
        }
    }
}
