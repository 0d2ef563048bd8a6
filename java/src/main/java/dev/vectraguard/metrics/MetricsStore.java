package dev.vectraguard.metrics;

import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.policy.VisibleText;
import dev.vectraguard.state.StateFile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Run counters in {@code STATE_DIR/metrics.json}: totals by decision, durations, counts by risk
 * level and runtime, and the last {@value #RECENT_LIMIT} runs. Each {@link #record} is one locked
 * read-modify-write, so concurrent vg processes lose no count.
 */
public final class MetricsStore {
    public static final String FILE_NAME = "metrics.json";
    public static final int RECENT_LIMIT = 100;
    /** Characters of a command the text table shows; --json keeps the whole command. */
    static final int SHOWN_COMMAND_LENGTH = 120;
    /** Blocked network destinations kept (most recent last). */
    public static final int BLOCKED_LIMIT = 100;

    private final StateFile<MetricsFile> file;

    public MetricsStore(Path stateDir, Consumer<String> warnings) {
        this.file = new StateFile<>(stateDir, FILE_NAME, MetricsFile.class, MetricsFile::empty, warnings);
    }

    public Path path() {
        return file.path();
    }

    public void record(RunRecord run) {
        file.update(f -> {
            Map<String, Long> byRisk = f.byRisk();
            if (run.risk() != null) {
                byRisk.merge(run.risk().label(), 1L, MetricsFile::plus);
            }
            Map<String, Long> byRuntime = f.byRuntime();
            if (run.runtime() != null) {
                byRuntime.merge(run.runtime(), 1L, MetricsFile::plus);
            }
            List<RecentRun> recent = f.recent();
            recent.add(new RecentRun(run.time(), run.command(), run.decision().label(),
                    run.risk() == null ? null : run.risk().label(), run.runtime(), run.durationMs(), run.exitCode(), run.reason(),
                    run.networkBlocked(), run.outputLog()));
            while (recent.size() > RECENT_LIMIT) {
                recent.removeFirst();
            }
            List<BlockedDestination> blocked = f.networkBlocked();
            for (String destination : run.networkBlocked()) {
                blocked.add(new BlockedDestination(run.time(), destination, run.command()));
            }
            while (blocked.size() > BLOCKED_LIMIT) {
                blocked.removeFirst();
            }
            RunDecision d = run.decision();
            MetricsFile next = new MetricsFile(MetricsFile.FORMAT_VERSION, MetricsFile.plus(f.total(), 1),
                    MetricsFile.plus(f.host(), d == RunDecision.HOST ? 1 : 0),
                    MetricsFile.plus(f.sandbox(), d == RunDecision.SANDBOX ? 1 : 0),
                    MetricsFile.plus(f.cached(), run.cacheUsed() ? 1 : 0),
                    MetricsFile.plus(f.blocked(), d == RunDecision.BLOCKED ? 1 : 0),
                    MetricsFile.plus(f.totalDurationMs(), Math.max(0, run.durationMs())), byRisk, byRuntime, recent, blocked);
            return new StateFile.Update<>(next, null);
        });
    }

    /** The counters, with {@code average_duration_ms} computed. */
    public MetricsSnapshot snapshot() {
        return MetricsSnapshot.of(file.read());
    }

    /** {@link #snapshot()} as pretty JSON. */
    public String showJson() {
        return JsonMapping.writePretty(snapshot());
    }

    /** A short human summary: counters, average duration, breakdowns, the last few runs. */
    public String showText(int recentRuns) {
        MetricsSnapshot s = snapshot();
        StringBuilder out = new StringBuilder();
        out.append("runs: ").append(s.total())
                .append(" (host ").append(s.host())
                .append(", sandbox ").append(s.sandbox())
                .append(", cached ").append(s.cached())
                .append(", blocked ").append(s.blocked()).append(")\n");
        out.append("time: ").append(s.totalDurationMs()).append(" ms total, ")
                .append(s.averageDurationMs()).append(" ms average\n");
        out.append("by risk: ").append(inline(s.byRisk())).append('\n');
        out.append("by runtime: ").append(inline(s.byRuntime())).append('\n');
        List<RecentRun> recent = s.recent();
        int from = Math.max(0, recent.size() - recentRuns);
        if (from < recent.size()) {
            out.append("recent:\n");
        }
        for (RecentRun r : recent.subList(from, recent.size())) {
            out.append("  ").append(r.time()).append("  ").append(r.decision())
                    .append(r.runtime() == null ? "" : "/" + r.runtime())
                    .append("  exit ").append(r.exitCode())
                    .append("  ").append(r.durationMs()).append(" ms  ")
                    .append(VisibleText.shortened(r.command(), SHOWN_COMMAND_LENGTH)).append('\n');
            if (r.outputLog() != null) {
                out.append("    output: ").append(r.outputLog()).append('\n');
            }
        }
        List<BlockedDestination> blocked = s.networkBlocked();
        if (!blocked.isEmpty()) {
            out.append("network blocked (recent):\n");
        }
        for (BlockedDestination b : blocked.subList(Math.max(0, blocked.size() - recentRuns), blocked.size())) {
            out.append("  ").append(b.time()).append("  ").append(b.destination())
                    .append("  by: ").append(VisibleText.shortened(b.command(), SHOWN_COMMAND_LENGTH)).append('\n');
        }
        return out.toString();
    }

    /** Deletes all counters and recent runs. */
    public void reset() {
        file.update(f -> new StateFile.Update<>(MetricsFile.empty(), null));
    }

    private static String inline(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }
}
