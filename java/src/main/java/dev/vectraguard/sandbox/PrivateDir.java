package dev.vectraguard.sandbox;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A directory of vg's own besides its cache (the state dir, the trust store's directory): what
 * decides later runs lives there, so no sandbox may write or read it ({@link VgOwnDirs}).
 *
 * @param name       how a refusal names it, with where its value came from, e.g. "state dir (from $VECTRAGUARD_STATE_DIR)"
 * @param path       the directory, absolute
 * @param mustBeOwn  an existing one must be the caller's and writable by nobody else
 */
public record PrivateDir(String name, Path path, boolean mustBeOwn) {
    public PrivateDir {
        Objects.requireNonNull(name);
        path = path.toAbsolutePath().normalize();
    }
}
