package dev.vectraguard.metrics;

import dev.vectraguard.json.Json;
import dev.vectraguard.policy.RiskLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        Map<String, Object> s = store.snapshot();
        assertEquals(3L, s.get("total"));
        assertEquals(1L, s.get("host"));
        assertEquals(1L, s.get("sandbox"));
        assertEquals(1L, s.get("cached"));
        assertEquals(1L, s.get("blocked"));
        assertEquals(42L, s.get("total_duration_ms"));
        assertEquals(14L, s.get("average_duration_ms"));
        assertEquals(Map.of("low", 1L, "medium", 1L, "critical", 1L), s.get("by_risk"));
        assertEquals(Map.of("host", 1L, "native", 1L), s.get("by_runtime"));
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) ((List<?>) s.get("recent")).getLast();
        assertEquals("2026-01-01T10:00:00Z", last.get("time"));
        assertEquals("blocked", last.get("decision"));
        assertEquals(77L, last.get("exit_code"));
        assertEquals("why", last.get("reason"));
        assertEquals(s, Json.parseObject(store.showJson()));
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
        List<?> recent = (List<?>) store.snapshot().get("recent");
        assertEquals(100, recent.size());
        assertEquals("cmd 5", ((Map<?, ?>) recent.getFirst()).get("command"));
        assertEquals(105L, store.snapshot().get("total"));
    }

    @Test
    void resetClearsEverything() {
        MetricsStore store = new MetricsStore(dir, warnings::add);
        store.record(run(RunDecision.HOST, RiskLevel.LOW, "host", false, 10, 0));
        store.reset();
        Map<String, Object> s = store.snapshot();
        assertEquals(0L, s.get("total"));
        assertEquals(List.of(), s.get("recent"));
        assertEquals("runs: 0 (host 0, sandbox 0, cached 0, blocked 0)\ntime: 0 ms total, 0 ms average\nby risk: -\nby runtime: -\n", store.showText(5));
    }
}
