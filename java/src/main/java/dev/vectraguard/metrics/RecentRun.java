package dev.vectraguard.metrics;

import java.time.Instant;
import java.util.List;

/** One of the last runs kept in {@code metrics.json}; the fields of {@link RunRecord}, as labels. */
public record RecentRun(Instant time, String command, String decision, String risk, String runtime, long durationMs,
                        long exitCode, String reason, List<String> networkBlocked, String outputLog) {
    public RecentRun {
        if (time == null || command == null || decision == null) {
            throw new IllegalArgumentException("a recent run needs a time, a command and a decision");
        }
        reason = reason == null ? "" : reason;
        networkBlocked = networkBlocked == null ? List.of() : List.copyOf(networkBlocked);
    }
}
