package dev.vectraguard.state;

import dev.vectraguard.metrics.MetricsStore;
import dev.vectraguard.metrics.RunDecision;
import dev.vectraguard.metrics.RunRecord;
import dev.vectraguard.policy.RiskLevel;
import dev.vectraguard.trust.TrustStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/** Child process of {@link ConcurrentProcessesTest}: records one run and one trust use, like one {@code vg exec}. */
public final class StateRecorderChild {
    private StateRecorderChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String command = args[1];
        new MetricsStore(dir, System.err::println).record(new RunRecord(Instant.now(), command, RunDecision.SANDBOX,
                RiskLevel.LOW, "native", true, 5, 0, "trusted"));
        boolean used = new TrustStore(dir, Clock.systemUTC(), System.err::println).recordUse(command);
        System.exit(used ? 0 : 3);
    }
}
