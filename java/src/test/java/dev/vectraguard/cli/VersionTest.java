package dev.vectraguard.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vg's version is the Maven project's, whichever way it is asked. */
class VersionTest {
    @TempDir
    Path root;

    /** The version in the parent pom (the one the build filters into vg and names the package after). */
    private static String projectVersion() throws Exception {
        String pom = Files.readString(Path.of("../pom.xml"));
        Matcher version = Pattern.compile("<artifactId>vectra-guard-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(version.find(), "no version in ../pom.xml");
        return version.group(1);
    }

    @Test
    void versionIsTheMavenProjectVersion() throws Exception {
        String expected = projectVersion();
        VgRunner vg = new VgRunner(root);
        VgRunner.Result flag = vg.run("--version");
        assertEquals(0, flag.exitCode(), flag.toString());
        assertEquals("vg " + expected + "\n", flag.stdout());
        VgRunner.Result command = vg.run("version");
        assertEquals(0, command.exitCode(), command.toString());
        assertTrue(command.stdout().startsWith("vg " + expected + "\n"), command.toString());
        VgRunner.Result json = vg.run("version", "--json");
        assertTrue(json.stdout().startsWith("{\"version\":\"" + expected + "\""), json.toString());
    }
}
