package dev.vectraguard.policy;

import java.util.List;
import java.util.Optional;

/**
 * Decides host / sandbox / ask / block for a rated command. A pure function of its inputs, no I/O.
 *
 * <p>Where a command runs, by {@link SandboxMode}: ALWAYS sandbox; AUTO host for low risk, sandbox for
 * medium and up and for networked installs; RISKY sandbox for high and up; NEVER host. Critical
 * commands are sandboxed whatever the mode, trust or allowlist.
 *
 * <p>What the guard level asks for, by risk:
 * <pre>
 * guard     | low  | medium   | high     | critical
 * ----------+------+----------+----------+---------
 * OFF       | run  | run      | run      | run (sandboxed)
 * LOW       | run  | run      | run      | ask
 * MEDIUM    | run  | run      | ask      | ask
 * HIGH      | run  | ask      | ask      | BLOCK
 * PARANOID  | run  | ask      | BLOCK    | BLOCK
 * </pre>
 *
 * <p>Order of rules: a denylist match blocks; a blocked severity blocks (trust and allowlist do not
 * lift it); an allowlist match or a trusted command skips approval; approval with no terminal to ask
 * on blocks.
 */
public final class DecisionEngine {
    private final PolicySettings settings;

    public DecisionEngine(PolicySettings settings) {
        this.settings = settings;
    }

    public Decision decide(RiskReport report, boolean trusted, boolean interactive) {
        RiskLevel risk = report.risk();
        String summary = risk.label() + " risk: " + report.topFinding().map(RiskFinding::reason).orElse("no findings");
        boolean sandboxed = risk == RiskLevel.CRITICAL || switch (settings.mode()) {
            case ALWAYS -> true;
            case AUTO -> risk.atLeast(RiskLevel.MEDIUM) || report.networkedInstall();
            case RISKY -> risk.atLeast(RiskLevel.HIGH);
            case NEVER -> false;
        };
        String command = report.normalizedCommand();
        Optional<GlobPattern> denied = firstMatch(settings.denylist(), command);
        if (denied.isPresent()) {
            return new Decision(Decision.Action.BLOCK, sandboxed, "matches denylist pattern '" + denied.get().source() + "'",
                    Optional.of(denied.get().source()));
        }
        String guard = " at guard level " + settings.guardLevel().label();
        if (isBlocked(settings.guardLevel(), risk)) {
            return new Decision(Decision.Action.BLOCK, sandboxed, summary + "; blocked" + guard, Optional.empty());
        }
        Optional<GlobPattern> allowed = firstMatch(settings.allowlist(), command);
        Optional<String> pattern = allowed.map(GlobPattern::source);
        if (needsApproval(settings.guardLevel(), risk)) {
            if (allowed.isPresent()) {
                return run(sandboxed, summary + "; allowlisted by '" + allowed.get().source() + "'", pattern);
            }
            if (trusted) {
                return run(sandboxed, summary + "; trusted", pattern);
            }
            if (!interactive) {
                return new Decision(Decision.Action.BLOCK, sandboxed,
                        summary + "; needs approval" + guard + " but there is no terminal to ask", Optional.empty());
            }
            return new Decision(Decision.Action.ASK, sandboxed, summary + "; needs approval" + guard, Optional.empty());
        }
        return run(sandboxed, summary, pattern);
    }

    /** Severities that are never run at {@code guard}. */
    static boolean isBlocked(GuardLevel guard, RiskLevel risk) {
        return switch (guard) {
            case HIGH -> risk == RiskLevel.CRITICAL;
            case PARANOID -> risk.atLeast(RiskLevel.HIGH);
            default -> false;
        };
    }

    /** Severities that need the user's approval at {@code guard} (when not blocked outright). */
    static boolean needsApproval(GuardLevel guard, RiskLevel risk) {
        return switch (guard) {
            case OFF -> false;
            case LOW -> risk == RiskLevel.CRITICAL;
            case MEDIUM -> risk.atLeast(RiskLevel.HIGH);
            case HIGH, PARANOID -> risk.atLeast(RiskLevel.MEDIUM);
            case AUTO -> throw new IllegalArgumentException("guard level AUTO must be resolved before deciding");
        };
    }

    private static Decision run(boolean sandboxed, String why, Optional<String> pattern) {
        return new Decision(sandboxed ? Decision.Action.SANDBOX : Decision.Action.HOST, sandboxed, why, pattern);
    }

    private static Optional<GlobPattern> firstMatch(List<GlobPattern> patterns, String command) {
        for (GlobPattern pattern : patterns) {
            if (pattern.matches(command)) {
                return Optional.of(pattern);
            }
        }
        return Optional.empty();
    }
}
