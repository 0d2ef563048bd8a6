package dev.vectraguard.sandbox;

import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.Presets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An installed vg reads presets and seccomp profiles from its data directory (-Dvg.share.dir), not from the jar. */
class ShippedFilesTest {
    @TempDir
    Path share;

    @AfterEach
    void clearProperty() {
        System.clearProperty(ShippedFiles.DIR_PROPERTY);
    }

    @Test
    void presetsAndSeccompProfilesComeFromTheDataDirectoryWhenItIsSet() throws Exception {
        Files.createDirectories(share.resolve("presets"));
        Files.createDirectories(share.resolve("seccomp"));
        Files.writeString(share.resolve("presets/developer.yaml"), "# the installed developer preset\n");
        Files.writeString(share.resolve("seccomp/strict.json"),
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
        System.setProperty(ShippedFiles.DIR_PROPERTY, share.toString());

        assertEquals("# the installed developer preset\n", Presets.read("developer"));
        SeccompProfiles.Profile strict = SeccompProfiles.load("strict");
        assertEquals(1, strict.rules().size(), "the one rule of the installed file, not the jar's profile");
        assertTrue(strict.denies("ptrace"));
    }

    @Test
    void aFileMissingFromTheDataDirectoryIsAnErrorNamingItsPath() {
        System.setProperty(ShippedFiles.DIR_PROPERTY, share.toString());

        ConfigException preset = assertThrows(ConfigException.class, () -> Presets.read("ci-cd"));
        assertTrue(preset.getMessage().contains(share.resolve("presets/ci-cd.yaml").toString()), preset.getMessage());
        SandboxException profile = assertThrows(SandboxException.class, () -> SeccompProfiles.load("moderate"));
        assertTrue(profile.getMessage().contains(share.resolve("seccomp/moderate.json").toString()), profile.getMessage());
    }

    @Test
    void withoutTheDataDirectoryTheJarsCopiesAreRead() throws Exception {
        Path repo = Path.of(System.getProperty("vg.repo.root", ".."));
        assertEquals(Files.readString(repo.resolve("presets/developer.yaml")), Presets.read("developer"));
        assertTrue(SeccompProfiles.load("strict").rules().size() > 1);
    }
}
