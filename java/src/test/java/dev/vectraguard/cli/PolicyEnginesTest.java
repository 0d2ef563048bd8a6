package dev.vectraguard.cli;

import dev.vectraguard.guard.PolicyEngines;
import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.GuardLevelResolver;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.policy.GuardLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyEnginesTest {
    @TempDir
    Path tmp;

    private LoadedConfig load(String projectYaml) throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("vectra-guard.yaml"), projectYaml);
        return ConfigLoader.load(new ConfigLoader.Request(null, project, Files.createDirectories(tmp.resolve("home")), Map.of()));
    }

    @Test
    void aGuardLevelFromAnUnapprovedFileIsAFloorUnderAuto() throws Exception {
        GuardLevel auto = PolicyEngines.guardLevel(load("")).level();
        GuardLevelResolver.Resolution high = PolicyEngines.guardLevel(load("guard_level:\n  level: high\n"));
        assertEquals(auto.ordinal() > GuardLevel.HIGH.ordinal() ? auto : GuardLevel.HIGH, high.level(), high.reason());
        if (auto.ordinal() < GuardLevel.HIGH.ordinal()) {
            assertTrue(high.reason().contains("vectra-guard.yaml:2"), high.reason());
        }
        assertEquals(auto, PolicyEngines.guardLevel(load("guard_level:\n  level: low\n")).level(), "low would loosen auto");
    }
}
