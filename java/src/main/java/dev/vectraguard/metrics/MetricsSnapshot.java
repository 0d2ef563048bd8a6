package dev.vectraguard.metrics;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** What {@code vg metrics show --json} prints: the counters of {@code metrics.json} and the average duration. */
public record MetricsSnapshot(int version, long total, long host, long sandbox, long cached, long blocked, long totalDurationMs,
                              long averageDurationMs, Map<String, Long> byRisk, Map<String, Long> byRuntime,
                              List<RecentRun> recent, List<BlockedDestination> networkBlocked) {
    static MetricsSnapshot of(MetricsFile f) {
        return new MetricsSnapshot(f.version(), f.total(), f.host(), f.sandbox(), f.cached(), f.blocked(), f.totalDurationMs(),
                f.total() == 0 ? 0 : f.totalDurationMs() / f.total(), Collections.unmodifiableMap(f.byRisk()),
                Collections.unmodifiableMap(f.byRuntime()), Collections.unmodifiableList(f.recent()),
                Collections.unmodifiableList(f.networkBlocked()));
    }
}
