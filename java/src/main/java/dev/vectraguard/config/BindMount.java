package dev.vectraguard.config;

import java.nio.file.Path;

/**
 * {@code sandbox.bind_mounts} item: a host path made visible in the sandbox. Written either as a
 * mapping {@code {host_path, container_path, read_only}} or as {@code "host[:container][:ro|:rw]"}.
 *
 * @param hostPath      absolute host path
 * @param containerPath absolute path inside the sandbox (same as the host path unless given)
 * @param readOnly      mounted read-only
 */
public record BindMount(Path hostPath, Path containerPath, boolean readOnly) {
    /** The short string form, e.g. {@code /data:/data:ro}. */
    @Override
    public String toString() {
        String target = containerPath.equals(hostPath) ? "" : ":" + containerPath;
        return hostPath + target + (readOnly ? ":ro" : ":rw");
    }
}
