package dev.vectraguard.guard;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.config.EnvironmentFacts;
import dev.vectraguard.config.GuardLevelResolver;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.config.VgConfig;
import dev.vectraguard.policy.DecisionEngine;
import dev.vectraguard.policy.GuardLevel;
import dev.vectraguard.policy.GlobPattern;
import dev.vectraguard.policy.PolicySettings;
import dev.vectraguard.policy.ProductionContext;
import dev.vectraguard.policy.ProtectedDirectories;
import dev.vectraguard.policy.RiskAnalyzer;
import dev.vectraguard.policy.RiskReport;
import dev.vectraguard.policy.SandboxMode;

import java.nio.file.Path;
import java.util.Map;

/** The decision engine the effective config describes, with the guard level resolved for this environment. */
public final class PolicyEngines {
    private PolicyEngines() {}

    /**
     * The command's risk, with changes inside policies.protected_directories rated high, raised one step where
     * it names production (production_indicators.keywords).
     */
    public static RiskReport rate(LoadedConfig loaded, String command) {
        Caller caller = Caller.current();
        String home = caller.environment().getOrDefault("HOME", System.getProperty("user.home"));
        ProtectedDirectories protectedDirectories = ProtectedDirectories.of(loaded.config().policies().protectedDirectories(),
                Path.of(home), caller.workingDirectory());
        return new ProductionContext(loaded.config().productionIndicators().keywords())
                .escalate(RiskAnalyzer.analyze(command, protectedDirectories));
    }

    /**
     * The guard level for this environment. A level an unapproved file set over a trusted {@code auto}
     * is a floor: {@code auto}'s result wins when it is stricter.
     */
    public static GuardLevelResolver.Resolution guardLevel(LoadedConfig loaded) {
        VgConfig config = loaded.config();
        Map<String, String> env = Caller.current().environment();
        boolean floor = loaded.tightenedByUntrustedFile("guard_level.level")
                && loaded.trustedSettings().get("guard_level.level").value() == GuardLevel.AUTO;
        GuardLevelResolver.Resolution resolution = GuardLevelResolver.resolve(floor ? GuardLevel.AUTO : config.guardLevel(),
                loaded.deploymentEnv(), env, EnvironmentFacts.probe(Caller.current().workingDirectory(), env), config.productionIndicators());
        if (floor && config.guardLevel().ordinal() > resolution.level().ordinal()) {
            return new GuardLevelResolver.Resolution(config.guardLevel(), "guard_level.level is " + config.guardLevel().label()
                    + " (" + loaded.settings().get("guard_level.level").source() + "; " + resolution.reason() + ")");
        }
        return resolution;
    }

    public static DecisionEngine of(LoadedConfig loaded, GuardLevelResolver.Resolution guard) {
        VgConfig config = loaded.config();
        return new DecisionEngine(new PolicySettings(
                config.sandbox().enabled() ? config.sandbox().mode() : SandboxMode.NEVER, guard.level(),
                config.policies().allowlist().stream().map(GlobPattern::compile).toList(),
                config.policies().denylist().stream().map(GlobPattern::compile).toList()));
    }
}
