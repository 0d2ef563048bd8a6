package dev.vectraguard.config;

import java.nio.file.Path;

/**
 * How far vg trusts one config file it read.
 *
 * @param file   the file, absolute and normalised (as named in {@link ConfigSource.File})
 * @param status trusted (implicitly), approved ({@code vg config trust}) or untrusted (may only tighten)
 * @param reason why an untrusted file is not trusted, e.g. "the file is not approved"; null otherwise
 */
public record ConfigFileTrust(Path file, Status status, String reason) {
    public enum Status { TRUSTED, APPROVED, UNTRUSTED }

    public boolean untrusted() {
        return status == Status.UNTRUSTED;
    }
}
