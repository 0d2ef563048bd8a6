package dev.vectraguard.policy;

import java.util.List;

/** The configured policy a {@link DecisionEngine} applies; {@code guardLevel} must already be resolved (not AUTO). */
public record PolicySettings(SandboxMode mode, GuardLevel guardLevel, List<GlobPattern> allowlist, List<GlobPattern> denylist) {
    public PolicySettings {
        if (guardLevel == GuardLevel.AUTO) {
            throw new IllegalArgumentException("guard level AUTO must be resolved before deciding");
        }
        allowlist = List.copyOf(allowlist);
        denylist = List.copyOf(denylist);
    }
}
