package dev.vectraguard.sandbox.toolconfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The copies of one run, in a directory of their own that {@link #delete()} removes once the
 * sandbox has mounted them (a mount keeps its file after the host name is gone).
 *
 * @param dir     the directory of the copies; null when there are none
 * @param copies  what to bind where
 * @param notices one line per file hidden because it could not be read, filtered or copied
 */
public record ToolConfigCopies(Path dir, List<ToolConfigFiles.Copy> copies, List<String> notices) {
    public static final ToolConfigCopies NONE = new ToolConfigCopies(null, List.of(), List.of());

    public void delete() {
        if (dir == null) {
            return;
        }
        try (var entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover holds only what the sandbox was shown, in a directory only its owner can enter
        }
    }
}
