package dev.vectraguard.metrics;

import dev.vectraguard.json.JsonTrees;
import dev.vectraguard.policy.RiskLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsStoreTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private static RunRecord run(RunDecision decision, RiskLevel risk, String runtime, boolean cached, long ms, int exit) {
        return new RunRecord(Instant.parse("2026-01-01T10:00:00Z"), "cmd " + ms, decision, risk, runtime, cached, ms, exit, "why");
    }

    @Test
    void countsTotalsDurationsAndBreakdowns() {
        MetricsStore store = new MetricsStore(dir, warnings::add);
        store.record(run(RunDecision.HOST, RiskLevel.LOW, "host", false, 10, 0));
        store.record(run(RunDecision.SANDBOX, RiskLevel.MEDIUM, "native", true, 30, 1));
        store.record(run(RunDecision.BLOCKED, RiskLevel.CRITICAL, null, false, 2, 77));
        MetricsSnapshot s = store.snapshot();
        assertEquals(3L, s.total());
        assertEquals(1L, s.host());
        assertEquals(1L, s.sandbox());
        assertEquals(1L, s.cached());
        assertEquals(1L, s.blocked());
        assertEquals(42L, s.totalDurationMs());
        assertEquals(14L, s.averageDurationMs());
        assertEquals(Map.of("low", 1L, "medium", 1L, "critical", 1L), s.byRisk());
        assertEquals(Map.of("host", 1L, "native", 1L), s.byRuntime());
        RecentRun last = s.recent().getLast();
        assertEquals(Instant.parse("2026-01-01T10:00:00Z"), last.time());
        assertEquals("blocked", last.decision());
        assertEquals(77L, last.exitCode());
        assertEquals("why", last.reason());
        Map<String, Object> json = JsonTrees.object(store.showJson());
        assertEquals(List.of("version", "total", "host", "sandbox", "cached", "blocked", "total_duration_ms", "average_duration_ms",
                "by_risk", "by_runtime", "recent", "network_blocked"), List.copyOf(json.keySet()));
        assertEquals(14L, json.get("average_duration_ms"));
        assertEquals("2026-01-01T10:00:00Z", ((Map<?, ?>) ((List<?>) json.get("recent")).getLast()).get("time"));
        String text = store.showText(5);
        assertTrue(text.startsWith("runs: 3 (host 1, sandbox 1, cached 1, blocked 1)\ntime: 42 ms total, 14 ms average\n"), text);
        assertEquals(List.of(), warnings);
    }

    @Test
    void keepsOnlyTheLastHundredRuns() {
        MetricsStore store = new MetricsStore(dir, warnings::add);
        for (int i = 0; i < 105; i++) {
            store.record(run(RunDecision.SANDBOX, RiskLevel.LOW, "native", false, i, 0));
        }
        List<RecentRun> recent = store.snapshot().recent();
        assertEquals(100, recent.size());
        assertEquals("cmd 5", recent.getFirst().command());
        assertEquals(105L, store.snapshot().total());
    }

    @Test
    void resetClearsEverything() {
        MetricsStore store = new MetricsStore(dir, warnings::add);
        store.record(run(RunDecision.HOST, RiskLevel.LOW, "host", false, 10, 0));
        store.reset();
        MetricsSnapshot s = store.snapshot();
        assertEquals(0L, s.total());
        assertEquals(List.of(), s.recent());
        assertEquals("runs: 0 (host 0, sandbox 0, cached 0, blocked 0)\ntime: 0 ms total, 0 ms average\nby risk: -\nby runtime: -\n", store.showText(5));
    }

    @Test
    void wrongTypesAreKeptAsideNotReset() throws Exception {
        String old = "{\"version\": 1, \"total\": \"12\", \"host\": 12, \"recent\": []}\n";
        Files.writeString(dir.resolve("metrics.json"), old);
        MetricsStore store = new MetricsStore(dir, warnings::add);
        store.record(run(RunDecision.HOST, RiskLevel.LOW, "host", false, 10, 0));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("total"), warnings.getFirst());
        List<Path> aside;
        try (var files = Files.list(dir)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("metrics.json.corrupt-")).toList();
        }
        assertEquals(1, aside.size(), "the old counters are kept aside");
        assertEquals(old, Files.readString(aside.getFirst()));
        assertTrue(warnings.getFirst().contains(aside.getFirst().toString()), warnings.getFirst());
        assertEquals(1L, store.snapshot().total(), "counting starts again in a new file");
    }

    @Test
    void countersSaturateInsteadOfWrapping() throws Exception {
        long max = Long.MAX_VALUE;
        Files.writeString(dir.resolve("metrics.json"), "{\"version\": 1, \"total\": " + max + ", \"host\": " + max
                + ", \"total_duration_ms\": " + (max - 5) + ", \"by_risk\": {\"low\": " + max + "}, \"by_runtime\": {\"host\": " + max + "}}");
        MetricsStore store = new MetricsStore(dir, warnings::add);
        store.record(run(RunDecision.HOST, RiskLevel.LOW, "host", false, 10, 0));
        MetricsSnapshot s = store.snapshot();
        assertEquals(List.of(), warnings);
        assertEquals(max, s.total());
        assertEquals(max, s.host());
        assertEquals(max, s.totalDurationMs());
        assertEquals(max, s.byRisk().get("low"));
        assertEquals(max, s.byRuntime().get("host"));
        assertEquals(1L, s.averageDurationMs());
    }
}
