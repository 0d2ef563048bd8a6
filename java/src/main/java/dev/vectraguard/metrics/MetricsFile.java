package dev.vectraguard.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code metrics.json}. A negative or missing count in a breakdown, or a recent run
 * without its fields, makes the file unreadable (it is then set aside as corrupt, not reset; see
 * {@link dev.vectraguard.state.StateFile}). Absent fields are zero or empty.
 */
record MetricsFile(int version, long total, long host, long sandbox, long cached, long blocked, long totalDurationMs,
                   Map<String, Long> byRisk, Map<String, Long> byRuntime, List<RecentRun> recent,
                   List<BlockedDestination> networkBlocked) {
    static final int FORMAT_VERSION = 1;

    MetricsFile {
        for (long count : new long[] {total, host, sandbox, cached, blocked, totalDurationMs}) {
            if (count < 0) {
                throw new IllegalArgumentException("a count is negative");
            }
        }
        byRisk = counts(byRisk);
        byRuntime = counts(byRuntime);
        recent = recent == null ? new ArrayList<>() : new ArrayList<>(recent);
        if (recent.contains(null)) {
            throw new IllegalArgumentException("a recent run is null");
        }
        networkBlocked = networkBlocked == null ? new ArrayList<>() : new ArrayList<>(networkBlocked);
        if (networkBlocked.contains(null)) {
            throw new IllegalArgumentException("a blocked destination is null");
        }
    }

    static MetricsFile empty() {
        return new MetricsFile(FORMAT_VERSION, 0, 0, 0, 0, 0, 0, null, null, null, null);
    }

    private static Map<String, Long> counts(Map<String, Long> counts) {
        Map<String, Long> copy = counts == null ? new LinkedHashMap<>() : new LinkedHashMap<>(counts);
        copy.forEach((key, count) -> {
            if (count == null || count < 0) {
                throw new IllegalArgumentException("count '" + key + "' must be a number >= 0");
            }
        });
        return copy;
    }

    /** {@code a + b}, or {@link Long#MAX_VALUE} where that would overflow: a counter never wraps. */
    static long plus(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
