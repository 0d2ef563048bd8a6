package dev.vectraguard.metrics;

import dev.vectraguard.policy.RiskLevel;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One command run (or refusal), as recorded by {@link MetricsStore#record}.
 *
 * @param time       when the run started
 * @param command    the command as given
 * @param decision   host, sandbox or blocked
 * @param risk       the assessed risk, or null if not assessed
 * @param runtime    the runtime label ({@code native}, {@code docker}, ..., {@code host}), or null when blocked
 * @param cacheUsed  whether shared package caches were mounted
 * @param durationMs wall time in milliseconds
 * @param exitCode   the exit code vg returned
 * @param reason     the one-line why of the decision
 * @param networkBlocked destinations restricted networking refused during the run ({@code destination (reason)})
 * @param outputLog  the file holding the run's output ({@code sandbox.log_output}), or null
 */
public record RunRecord(Instant time, String command, RunDecision decision, RiskLevel risk, String runtime,
                        boolean cacheUsed, long durationMs, int exitCode, String reason, List<String> networkBlocked,
                        String outputLog) {
    public RunRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(decision, "decision");
        reason = reason == null ? "" : reason;
        networkBlocked = networkBlocked == null ? List.of() : List.copyOf(networkBlocked);
    }

    /** A run in which restricted networking refused nothing. */
    public RunRecord(Instant time, String command, RunDecision decision, RiskLevel risk, String runtime,
                     boolean cacheUsed, long durationMs, int exitCode, String reason) {
        this(time, command, decision, risk, runtime, cacheUsed, durationMs, exitCode, reason, List.of(), null);
    }
}
