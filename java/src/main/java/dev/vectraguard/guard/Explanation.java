package dev.vectraguard.guard;

import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.policy.Decision;
import dev.vectraguard.policy.DecisionEngine;
import dev.vectraguard.policy.RiskReport;

import java.util.List;

/**
 * What vg would decide for a command and why, without running it ({@code vg explain --json}, the
 * MCP explain tool).
 *
 * @param decision host, sandbox, ask (then host or sandbox) or block, as if someone could be asked
 */
public record Explanation(String command, String risk, List<Finding> findings, String decision, String why) {
    public record Finding(String code, String severity, String reason) {}

    public static Explanation of(String text, LoadedConfig loaded, DecisionEngine engine) {
        RiskReport report = PolicyEngines.rate(loaded, text);
        Decision decision = engine.decide(report, false, true);
        return new Explanation(text, report.risk().label(),
                report.findings().stream().map(f -> new Finding(f.code().toString(), f.severity().label(), f.reason())).toList(),
                label(decision), decision.why());
    }

    /** host, sandbox, ask (then host or sandbox), or block. */
    public static String label(Decision decision) {
        return switch (decision.action()) {
            case ASK -> "ask";
            case BLOCK -> "block";
            default -> decision.sandboxed() ? "sandbox" : "host";
        };
    }
}
