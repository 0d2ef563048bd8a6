package dev.vectraguard.mcp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directory the server's commands may write, fixed when it starts; a call's {@code cwd} must lie
 * inside it (after symlinks are resolved), or the call is refused.
 */
record Workspace(Path root) {
    static Workspace of(Path dir) throws IOException {
        return new Workspace(dir.toRealPath());
    }

    /** {@code cwd} (relative to the root, or absolute) as a real directory inside the workspace. */
    Path resolve(String cwd) throws IllegalArgumentException {
        if (cwd == null || cwd.isEmpty()) {
            return root;
        }
        Path dir;
        try {
            dir = root.resolve(cwd).toRealPath();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cwd " + cwd + " is not an existing directory");
        }
        if (!dir.startsWith(root)) {
            throw new IllegalArgumentException("cwd " + cwd + " is outside the workspace " + root + ": refused");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cwd " + cwd + " is not a directory");
        }
        return dir;
    }
}
