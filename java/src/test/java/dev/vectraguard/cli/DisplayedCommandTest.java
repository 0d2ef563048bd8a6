package dev.vectraguard.cli;

import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command is shown as it runs: control characters cannot disguise it, and long ones are cut in tables. */
class DisplayedCommandTest {
    /** Erase the line and return to its start: what follows would be all a terminal shows. */
    private static final String DISGUISE = "\u001b[2K\r";

    @TempDir
    Path root;
    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
    }

    @Test
    void theApprovalPromptEscapesControlCharacters() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) from util-linux is needed for a pty");
        vg.config("guard_level:\n  level: high\n");
        VgRunner.Result prompt = vg.onTerminal("n", "exec", "--", "sh", "-c",
                "echo $AWS_SECRET_ACCESS_KEY > leak #" + DISGUISE + "echo harmless");
        assertTrue(prompt.stdout().contains("run it? [y] once"), prompt.toString());
        assertTrue(prompt.stdout().contains("> leak #\\e[2K\\recho harmless"), prompt.toString());
        assertFalse(prompt.stdout().contains(DISGUISE), "the raw sequence reached the terminal: " + prompt);
        assertEquals(77, prompt.exitCode(), prompt.toString());
    }

    @Test
    void noticesAndExplainEscapeControlCharacters() throws Exception {
        vg.config("guard_level:\n  level: low\n");
        VgRunner.Result notFound = vg.run("exec", "--", "no-such" + DISGUISE + "ls");
        assertEquals(127, notFound.exitCode(), notFound.toString());
        assertTrue(notFound.stderr().contains("no-such\\e[2K\\rls: command not found"), notFound.toString());
        assertFalse(notFound.stderr().contains(DISGUISE), notFound.toString());

        VgRunner.Result explain = vg.run("explain", "rm -rf ~ #" + DISGUISE + "ls");
        assertEquals(0, explain.exitCode(), explain.toString());
        assertTrue(explain.stdout().startsWith("command:  rm -rf ~ #\\e[2K\\rls\n"), explain.toString());
        assertFalse(explain.stdout().contains(DISGUISE), explain.toString());
    }

    @Test
    void metricsShowCutsLongCommandsButJsonKeepsThem() throws Exception {
        vg.config("guard_level:\n  level: low\n");
        String comment = "x".repeat(6000);
        assertEquals(0, vg.run("exec", "-q", "--", "sh", "-c", "true #" + comment + DISGUISE).exitCode());
        VgRunner.Result table = vg.run("metrics", "show");
        assertEquals(0, table.exitCode(), table.toString());
        assertEquals(0, table.stdout().lines().filter(l -> l.length() > 300).count(), "table lines longer than 300 characters");
        // shown: the first 120 characters of "sh -c 'true #xxx...\e[2K\r'" (6021 once escaped)
        assertTrue(table.stdout().contains("  sh -c 'true #" + "x".repeat(120 - 13) + "... (5901 more characters)\n"), table.stdout());
        assertFalse(table.stdout().contains(DISGUISE), table.stdout());

        Map<String, Object> json = JsonTrees.object(vg.run("metrics", "show", "--json").stdout());
        assertTrue(json.toString().contains("true #" + comment + DISGUISE), "--json keeps the whole command");
    }
}
