package dev.vectraguard.sandbox.toolconfig;

import java.util.List;

/**
 * The copies one run shows, held until {@link #delete()} says the sandbox has mounted them (a mount
 * keeps its file after the host name is gone): a copy that a newer one replaced meanwhile is deleted
 * then, a current one stays for the next run ({@link ShownCopies}).
 *
 * @param store   where the copies are kept; null when there are none
 * @param copies  what to bind where
 * @param notices one line per file hidden because it could not be read, filtered or copied
 */
public record ToolConfigCopies(ShownCopies store, List<ToolConfigFiles.Copy> copies, List<String> notices) {
    public static final ToolConfigCopies NONE = new ToolConfigCopies(null, List.of(), List.of());

    /** Mounted by now, or never: deletes those of the copies no later run will be given. */
    public void delete() {
        if (store != null) {
            store.release(copies.stream().map(ToolConfigFiles.Copy::copy).toList());
        }
    }
}
