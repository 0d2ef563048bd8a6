package dev.vectraguard.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@link WritableLocations} where a real sandbox cannot show them on this machine: a
 * home under /var (Fedora Silverblue's /var/home, a CI account's /var/lib/jenkins), a home reached
 * through a symlink, an account whose home is "/".
 */
class WritableLocationsRulesTest {
    @TempDir
    Path root;

    @Test
    void anAccountsOwnFilesUnderVarAreItsOwn() {
        Path home = Path.of("/var/home/u");
        WritableLocations rules = new WritableLocations(Set.of(home), home, Set.of(home.resolve(".ssh")));
        assertNull(rules.reason(home.resolve("project")));
        assertNull(rules.reason(home.resolve("src/deep/project")));
        assertNotNull(rules.reason(home), "the home itself");
        assertTrue(rules.reason(Path.of("/var/home")).contains("/var"), rules.reason(Path.of("/var/home")));
        assertTrue(rules.reason(home.resolve(".ssh/keys")).contains("credential"), rules.reason(home.resolve(".ssh/keys")));
        assertTrue(rules.reason(Path.of("/var/lib/other")).contains("system directory /var"));
        assertTrue(rules.reason(Path.of("/etc/cron.d")).contains("system directory /etc"));
    }

    @Test
    void aHomeOfRootLevelExemptsNothing() {
        WritableLocations rules = WritableLocations.of(Path.of("/"), Path.of("/"));
        assertNull(rules.accountHome());
        assertTrue(rules.reason(Path.of("/etc/cron.d")).contains("system directory /etc"));
        assertTrue(rules.reason(Path.of("/usr/local/bin")).contains("system directory /usr"));
        assertEquals("is the root directory", rules.reason(Path.of("/")));
    }

    @Test
    void aHomeReachedThroughASymlinkIsProtectedUnderItsRealPath() throws Exception {
        Path realHome = Files.createDirectories(root.resolve("disk/home/u"));
        Files.createDirectories(realHome.resolve(".ssh"));
        Path link = Files.createSymbolicLink(root.resolve("u"), realHome);
        WritableLocations rules = WritableLocations.of(link, link);
        assertTrue(rules.reason(realHome).contains("home directory"), rules.reason(realHome));
        assertTrue(rules.reason(realHome.getParent()).contains("contains the home directory"), rules.reason(realHome.getParent()));
        assertTrue(rules.reason(realHome.resolve(".ssh/x")).contains("credential"), rules.reason(realHome.resolve(".ssh/x")));
        assertNull(rules.reason(realHome.resolve("project")));
    }
}
