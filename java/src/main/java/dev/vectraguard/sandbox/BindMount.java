package dev.vectraguard.sandbox;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An extra host path made visible inside the sandbox.
 *
 * @param hostPath   absolute path on the host
 * @param sandboxPath absolute path inside the sandbox (usually the same)
 * @param readOnly   whether the sandbox may only read it
 */
public record BindMount(Path hostPath, Path sandboxPath, boolean readOnly) {
    public BindMount {
        Objects.requireNonNull(hostPath, "hostPath");
        if (!hostPath.isAbsolute()) {
            throw new IllegalArgumentException("bind mount host path must be absolute: " + hostPath);
        }
        sandboxPath = sandboxPath == null ? hostPath : sandboxPath;
        if (!sandboxPath.isAbsolute()) {
            throw new IllegalArgumentException("bind mount sandbox path must be absolute: " + sandboxPath);
        }
    }

    public static BindMount readOnly(Path path) {
        return new BindMount(path, path, true);
    }

    public static BindMount readWrite(Path path) {
        return new BindMount(path, path, false);
    }
}
