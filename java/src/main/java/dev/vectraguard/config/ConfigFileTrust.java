package dev.vectraguard.config;

import java.nio.file.Path;

/**
 * How far vg trusts one config file it read.
 *
 * @param file   the file, absolute and normalised (as named in {@link ConfigSource.File})
 * @param kind   which lookup found it
 * @param status trusted (implicitly), approved ({@code vg config trust}) or untrusted (may only tighten)
 * @param reason why an untrusted file is not trusted, e.g. "the file is not approved"; null otherwise
 */
public record ConfigFileTrust(Path file, Kind kind, Status status, String reason) {
    public enum Kind {
        /** {@code ~/.config/vectra-guard/config.yaml} (or under {@code $XDG_CONFIG_HOME}). */
        USER,
        /** {@code vectra-guard.yaml} in the current directory or the workspace root. */
        PROJECT,
        /** {@code --config FILE}. */
        EXPLICIT
    }

    public enum Status {
        TRUSTED, APPROVED, UNTRUSTED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean untrusted() {
        return status == Status.UNTRUSTED;
    }
}
