package dev.vectraguard.config;

import dev.vectraguard.policy.GuardLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GuardLevelResolverTest {
    private static final ProductionIndicators INDICATORS = new ProductionIndicators(List.of("main", "release/*"), List.of("*-prod-*"), List.of());

    private static GuardLevelResolver.Resolution auto(DeploymentEnv declared, Map<String, String> env, EnvironmentFacts facts) {
        return GuardLevelResolver.resolve(GuardLevel.AUTO, declared, env, facts, INDICATORS);
    }

    @Test
    void configuredLevelWins() {
        var r = GuardLevelResolver.resolve(GuardLevel.LOW, DeploymentEnv.PRODUCTION, Map.of("CI", "true"), EnvironmentFacts.NONE, INDICATORS);
        assertEquals(new GuardLevelResolver.Resolution(GuardLevel.LOW, "guard_level.level is low"), r);
    }

    @Test
    void declaredEnvironment() {
        assertEquals(new GuardLevelResolver.Resolution(GuardLevel.PARANOID, "auto: VECTRAGUARD_ENV=production"),
                auto(DeploymentEnv.PRODUCTION, Map.of(), EnvironmentFacts.NONE));
        assertEquals(GuardLevel.HIGH, auto(DeploymentEnv.STAGING, Map.of(), EnvironmentFacts.NONE).level());
        assertEquals(GuardLevel.HIGH, auto(DeploymentEnv.CI, Map.of(), EnvironmentFacts.NONE).level());
        assertEquals(GuardLevel.MEDIUM, auto(DeploymentEnv.DEVELOPMENT, Map.of("CI", "1"), new EnvironmentFacts("", "main", "")).level());
    }

    @Test
    void ciDetection() {
        assertEquals(new GuardLevelResolver.Resolution(GuardLevel.HIGH, "auto: CI detected (GITHUB_ACTIONS)"),
                auto(null, Map.of("GITHUB_ACTIONS", "true", "CI", "true"), new EnvironmentFacts("runner", "main", "")));
        assertEquals(GuardLevel.HIGH, auto(null, Map.of("JENKINS_URL", "http://ci"), EnvironmentFacts.NONE).level());
        assertEquals(GuardLevel.MEDIUM, auto(null, Map.of("CI", "false"), EnvironmentFacts.NONE).level());
    }

    @Test
    void productionIndicators() {
        assertEquals(new GuardLevelResolver.Resolution(GuardLevel.PARANOID, "auto: production host 'web-prod-1' (production_indicators.hosts)"),
                auto(null, Map.of("CI", "true"), new EnvironmentFacts("web-prod-1", "", "")));
        assertEquals(new GuardLevelResolver.Resolution(GuardLevel.PARANOID, "auto: production branch 'release/2.0' (production_indicators.branches)"),
                auto(null, Map.of(), new EnvironmentFacts("laptop", "release/2.0", "/.dockerenv")));
        assertEquals(GuardLevel.MEDIUM, auto(null, Map.of(), new EnvironmentFacts("laptop", "feature/x", "")).level());
    }

    @Test
    void containerAndDevelopment() {
        assertEquals(new GuardLevelResolver.Resolution(GuardLevel.MEDIUM, "auto: container detected (/.dockerenv)"),
                auto(null, Map.of(), new EnvironmentFacts("", "", "/.dockerenv")));
        assertEquals(new GuardLevelResolver.Resolution(GuardLevel.MEDIUM, "auto: development (no CI, container or production indicator)"),
                auto(null, Map.of(), EnvironmentFacts.NONE));
    }

    @Test
    void probeReadsGitHeadIncludingWorktrees(@TempDir Path tmp) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo/.git"));
        Files.writeString(repo.resolve("HEAD"), "ref: refs/heads/main\n");
        Path sub = Files.createDirectories(tmp.resolve("repo/a/b"));
        assertEquals("main", EnvironmentFacts.gitBranch(sub));

        Path gitDir = Files.createDirectories(tmp.resolve("repo/.git/worktrees/wt"));
        Files.writeString(gitDir.resolve("HEAD"), "ref: refs/heads/feature/y\n");
        Path wt = Files.createDirectories(tmp.resolve("wt"));
        Files.writeString(wt.resolve(".git"), "gitdir: " + gitDir + "\n");
        assertEquals("feature/y", EnvironmentFacts.gitBranch(wt));

        Files.writeString(repo.resolve("HEAD"), "0123456789abcdef\n");
        assertEquals("", EnvironmentFacts.gitBranch(sub), "detached HEAD has no branch");
    }

    @Test
    void containerHint(@TempDir Path root) throws Exception {
        assertEquals("", EnvironmentFacts.containerHint(Map.of(), root));
        assertEquals("container=podman", EnvironmentFacts.containerHint(Map.of("container", "podman"), root));
        Files.createDirectories(root.resolve("run"));
        Files.writeString(root.resolve("run/.containerenv"), "");
        assertEquals("/run/.containerenv", EnvironmentFacts.containerHint(Map.of(), root));
    }
}
