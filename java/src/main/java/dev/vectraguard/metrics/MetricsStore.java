package dev.vectraguard.metrics;

import dev.vectraguard.json.Json;
import dev.vectraguard.policy.VisibleText;
import dev.vectraguard.state.StateFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private static final List<String> COUNTERS = List.of("total", "host", "sandbox", "cached", "blocked");

    private final StateFile file;

    public MetricsStore(Path stateDir, Consumer<String> warnings) {
        this.file = new StateFile(stateDir, FILE_NAME, warnings);
    }

    public Path path() {
        return file.path();
    }

    public void record(RunRecord run) {
        file.update(content -> {
            normalise(content);
            increment(content, "total");
            increment(content, run.decision().label());
            if (run.cacheUsed()) {
                increment(content, "cached");
            }
            content.put("total_duration_ms", asLong(content.get("total_duration_ms")) + Math.max(0, run.durationMs()));
            if (run.risk() != null) {
                increment(map(content, "by_risk"), run.risk().label());
            }
            if (run.runtime() != null) {
                increment(map(content, "by_runtime"), run.runtime());
            }
            List<Object> recent = list(content, "recent");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("time", run.time().toString());
            r.put("command", run.command());
            r.put("decision", run.decision().label());
            r.put("risk", run.risk() == null ? null : run.risk().label());
            r.put("runtime", run.runtime());
            r.put("duration_ms", run.durationMs());
            r.put("exit_code", (long) run.exitCode());
            r.put("reason", run.reason());
            if (!run.networkBlocked().isEmpty()) {
                r.put("network_blocked", new ArrayList<Object>(run.networkBlocked()));
                List<Object> blocked = list(content, "network_blocked");
                for (String destination : run.networkBlocked()) {
                    Map<String, Object> b = new LinkedHashMap<>();
                    b.put("time", run.time().toString());
                    b.put("destination", destination);
                    b.put("command", run.command());
                    blocked.add(b);
                }
                while (blocked.size() > BLOCKED_LIMIT) {
                    blocked.removeFirst();
                }
            }
            recent.add(r);
            while (recent.size() > RECENT_LIMIT) {
                recent.removeFirst();
            }
            return null;
        });
    }

    /** The whole metrics object, with {@code average_duration_ms} computed. */
    public Map<String, Object> snapshot() {
        Map<String, Object> content = file.read();
        normalise(content);
        long total = asLong(content.get("total"));
        long duration = asLong(content.get("total_duration_ms"));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : content.entrySet()) {
            out.put(e.getKey(), e.getValue());
            if (e.getKey().equals("total_duration_ms")) {
                out.put("average_duration_ms", total == 0 ? 0L : duration / total);
            }
        }
        return out;
    }

    /** {@link #snapshot()} as pretty JSON. */
    public String showJson() {
        return Json.writePretty(snapshot());
    }

    /** A short human summary: counters, average duration, breakdowns, the last few runs. */
    public String showText(int recentRuns) {
        Map<String, Object> s = snapshot();
        StringBuilder out = new StringBuilder();
        out.append("runs: ").append(s.get("total"))
                .append(" (host ").append(s.get("host"))
                .append(", sandbox ").append(s.get("sandbox"))
                .append(", cached ").append(s.get("cached"))
                .append(", blocked ").append(s.get("blocked")).append(")\n");
        out.append("time: ").append(s.get("total_duration_ms")).append(" ms total, ")
                .append(s.get("average_duration_ms")).append(" ms average\n");
        out.append("by risk: ").append(inline(map(s, "by_risk"))).append('\n');
        out.append("by runtime: ").append(inline(map(s, "by_runtime"))).append('\n');
        List<Object> recent = list(s, "recent");
        int from = Math.max(0, recent.size() - recentRuns);
        if (from < recent.size()) {
            out.append("recent:\n");
        }
        for (Object o : recent.subList(from, recent.size())) {
            Map<String, Object> r = asMap(o);
            if (r == null) {
                continue;
            }
            out.append("  ").append(r.get("time")).append("  ").append(r.get("decision"))
                    .append(r.get("runtime") == null ? "" : "/" + r.get("runtime"))
                    .append("  exit ").append(r.get("exit_code"))
                    .append("  ").append(r.get("duration_ms")).append(" ms  ")
                    .append(VisibleText.shortened(String.valueOf(r.get("command")), SHOWN_COMMAND_LENGTH)).append('\n');
        }
        List<Object> blocked = list(s, "network_blocked");
        if (!blocked.isEmpty()) {
            out.append("network blocked (recent):\n");
        }
        for (Object o : blocked.subList(Math.max(0, blocked.size() - recentRuns), blocked.size())) {
            Map<String, Object> b = asMap(o);
            if (b != null) {
                out.append("  ").append(b.get("time")).append("  ").append(b.get("destination"))
                        .append("  by: ").append(b.get("command")).append('\n');
            }
        }
        return out.toString();
    }

    /** Deletes all counters and recent runs. */
    public void reset() {
        file.update(content -> {
            content.clear();
            normalise(content);
            return null;
        });
    }

    private static String inline(Map<String, Object> counts) {
        if (counts.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }

    /** Gives a hand-edited or new file every field, with the right types. */
    private static void normalise(Map<String, Object> content) {
        content.putIfAbsent("version", 1L);
        for (String c : COUNTERS) {
            content.put(c, asLong(content.get(c)));
        }
        content.put("total_duration_ms", asLong(content.get("total_duration_ms")));
        map(content, "by_risk");
        map(content, "by_runtime");
        list(content, "recent");
    }

    private static void increment(Map<String, Object> m, String key) {
        m.put(key, asLong(m.get(key)) + 1);
    }

    private static long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : 0L;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : null;
    }

    private static Map<String, Object> map(Map<String, Object> content, String key) {
        Map<String, Object> m = asMap(content.get(key));
        if (m == null) {
            m = new LinkedHashMap<>();
            content.put(key, m);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> content, String key) {
        Object o = content.get(key);
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        List<Object> fresh = new ArrayList<>();
        content.put(key, fresh);
        return fresh;
    }
}
