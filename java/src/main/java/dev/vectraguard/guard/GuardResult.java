package dev.vectraguard.guard;

import dev.vectraguard.metrics.RunDecision;
import dev.vectraguard.policy.RiskLevel;

import java.time.Duration;
import java.util.List;

/**
 * How one {@link Guard#judgeAndRun} went.
 *
 * @param exitCode            the command's own exit code, 128+N when a signal N killed it, 124 on timeout,
 *                            77 when blocked or approval was refused, 125 when vg failed, 126, 127
 * @param decision            where the command ran (host, sandbox) or that it was blocked; null when vg failed
 *                            before judging it (bad config)
 * @param why                 one line: why it was decided so, or what failed
 * @param risk                the command's rated risk; null when it was not rated
 * @param runtime             the runtime that ran it ({@code native}, {@code bubblewrap}, {@code host}); null when
 *                            it did not run
 * @param cached              whether package caches were shared with the sandbox
 * @param blockedDestinations what restricted networking refused ({@code host:port (reason)})
 * @param elapsed             from the call until the result
 */
public record GuardResult(int exitCode, RunDecision decision, String why, RiskLevel risk, String runtime, boolean cached,
                          List<String> blockedDestinations, Duration elapsed) {
    public GuardResult {
        blockedDestinations = List.copyOf(blockedDestinations);
    }

    /** vg failed before the command was judged (exit 125). */
    static GuardResult failed(String why, Duration elapsed) {
        return new GuardResult(ExitCodes.VG_FAILURE, null, why, null, null, false, List.of(), elapsed);
    }
}
