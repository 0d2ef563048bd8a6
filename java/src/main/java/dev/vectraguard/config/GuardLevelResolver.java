package dev.vectraguard.config;

import dev.vectraguard.policy.GuardLevel;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@code guard_level.level: auto} into a concrete level, with the reason shown to the user.
 * A pure function of its inputs. First match wins:
 * <ol>
 *   <li>a configured level other than auto;</li>
 *   <li>{@code VECTRAGUARD_ENV}: production → paranoid, staging → high, ci → high, development → medium;</li>
 *   <li>the host name matches {@code production_indicators.hosts} → paranoid;</li>
 *   <li>a CI system's variable is set → high (checked before branches: CI builds main all day);</li>
 *   <li>the git branch matches {@code production_indicators.branches} → paranoid;</li>
 *   <li>running in a container → medium;</li>
 *   <li>otherwise development → medium.</li>
 * </ol>
 */
public final class GuardLevelResolver {
    /** Variables set by CI systems (GitHub Actions, GitLab, CircleCI, Travis, Jenkins, Buildkite, Drone, Bitbucket, Azure). */
    public static final List<String> CI_VARIABLES = List.of("GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS",
            "JENKINS_URL", "BUILDKITE", "DRONE", "BITBUCKET_BUILD_NUMBER", "TF_BUILD", "CI");

    private GuardLevelResolver() {}

    /** The resolved level and why, e.g. {@code auto: CI detected (GITHUB_ACTIONS)}. */
    public record Resolution(GuardLevel level, String reason) {}

    public static Resolution resolve(GuardLevel configured, DeploymentEnv declared, Map<String, String> env,
                                     EnvironmentFacts facts, ProductionIndicators indicators) {
        if (configured != GuardLevel.AUTO) {
            return new Resolution(configured, "guard_level.level is " + configured.label());
        }
        if (declared != null) {
            GuardLevel level = switch (declared) {
                case PRODUCTION -> GuardLevel.PARANOID;
                case STAGING, CI -> GuardLevel.HIGH;
                case DEVELOPMENT -> GuardLevel.MEDIUM;
            };
            return new Resolution(level, "auto: " + DeploymentEnv.ENV_VAR + "=" + declared.label());
        }
        if (!facts.hostname().isEmpty() && Globs.matchesAny(indicators.hosts(), facts.hostname())) {
            return new Resolution(GuardLevel.PARANOID, "auto: production host '" + facts.hostname() + "' (production_indicators.hosts)");
        }
        for (String variable : CI_VARIABLES) {
            if (isSet(env.get(variable))) {
                return new Resolution(GuardLevel.HIGH, "auto: CI detected (" + variable + ")");
            }
        }
        if (!facts.gitBranch().isEmpty() && Globs.matchesAny(indicators.branches(), facts.gitBranch())) {
            return new Resolution(GuardLevel.PARANOID, "auto: production branch '" + facts.gitBranch() + "' (production_indicators.branches)");
        }
        if (!facts.containerHint().isEmpty()) {
            return new Resolution(GuardLevel.MEDIUM, "auto: container detected (" + facts.containerHint() + ")");
        }
        return new Resolution(GuardLevel.MEDIUM, "auto: development (no CI, container or production indicator)");
    }

    private static boolean isSet(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return !v.equals("false") && !v.equals("0") && !v.equals("no");
    }
}
