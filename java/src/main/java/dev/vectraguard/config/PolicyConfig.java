package dev.vectraguard.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code policies:} section, used by the policy decision.
 *
 * @param allowlist {@code policies.allowlist} — glob patterns (over the normalised command) that need no approval
 * @param denylist  {@code policies.denylist} — glob patterns always blocked (exit 77); deny wins over allow
 * @param protectedDirectories {@code policies.protected_directories} — absolute directories in which writes, deletes,
 *                             moves and permission changes are rated high
 */
public record PolicyConfig(List<String> allowlist, List<String> denylist, List<Path> protectedDirectories) {}
