package dev.vectraguard.guard;

import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.policy.Decision;
import dev.vectraguard.policy.DecisionEngine;
import dev.vectraguard.policy.RiskLevel;
import dev.vectraguard.policy.RiskReport;
import dev.vectraguard.sandbox.CallerAccount;
import dev.vectraguard.state.StateDir;
import dev.vectraguard.trust.TrustStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@link Guard#judgeAndRun} would decide for a command, without running it: for the entries
 * that hand the run to someone else (an agent's hook answers "deny", "ask" or "run it through
 * {@code vg exec}"). The same rating, decision engine, trust store and sandbox switch as a run.
 *
 * @param report   the command's rated risk and findings
 * @param decision host, sandbox, ask (a person can be asked) or block
 * @param trusted  the command is in the trust store, which lifted an approval
 */
public record Verdict(RiskReport report, Decision decision, boolean trusted) {

    /**
     * Judges {@code command} (shell text) as a person could be asked about it; problems reading the
     * trust store go to {@code warn}.
     */
    public static Verdict of(LoadedConfig loaded, Path stateDir, String command, Consumer<String> warn) {
        RiskReport report = PolicyEngines.rate(loaded, command);
        DecisionEngine engine = PolicyEngines.of(loaded, PolicyEngines.guardLevel(loaded));
        Decision decision = engine.decide(report, false, true);
        boolean trusted = false;
        if (decision.action() == Decision.Action.ASK || decision.action() == Decision.Action.BLOCK) {
            trusted = isTrusted(loaded, stateDir, report.normalizedCommand(), warn);
            if (trusted) {
                decision = engine.decide(report, true, true);
            }
        }
        if (!loaded.config().sandbox().enabled() && decision.sandboxed() && decision.action() != Decision.Action.BLOCK) {
            decision = new Decision(Decision.Action.BLOCK, true, decision.why()
                    + "; the sandbox is disabled (sandbox.enabled: false) and this never runs on the host", Optional.empty());
        }
        return new Verdict(report, decision, trusted);
    }

    /** The line a person runs to allow this command from now on. */
    public String trustLine() {
        return "vg trust add " + ShellWords.quote(report.normalizedCommand());
    }

    public boolean critical() {
        return report.risk() == RiskLevel.CRITICAL;
    }

    private static boolean isTrusted(LoadedConfig loaded, Path stateDir, String normalized, Consumer<String> warn) {
        Path dir = StateDir.resolve(stateDir, System.getenv(), loaded.config().stateDir(), CallerAccount.homeDirectory(System.getenv()));
        Path file = TrustStore.location(dir, loaded.trustStorePath());
        return Files.exists(file) && TrustStore.at(file, Clock.systemUTC(), warn).isTrusted(normalized);
    }
}
