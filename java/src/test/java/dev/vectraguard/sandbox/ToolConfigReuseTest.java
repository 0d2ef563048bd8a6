package dev.vectraguard.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The copies of the tool config files serve one sandbox after another in the same JVM: each run
 * sees the file as it is when it starts (filtered), and none can change what the next one sees.
 */
class ToolConfigReuseTest {
    private static IsolationChecks.Result run(Path ws, Path home) throws Exception {
        return IsolationChecks.run(IsolationChecks.spec(SecurityLevel.BALANCED, ws,
                        List.of("sh", "-c", "cat \"$HOME/.npmrc\"; echo 'registry=http://evil.invalid/' > \"$HOME/.npmrc\" "
                                + "&& echo WROTE; printf 'x' >> \"$HOME/.npmrc\" && echo APPENDED; true"))
                .environment(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C", "HOME", home.toString())).build());
    }

    @Test
    void eachRunSeesTheNpmrcAsItIsWhenItStartsAndCannotChangeWhatTheNextOneSees() throws Exception {
        Path ws = IsolationChecks.tempDir("ws");
        Path home = IsolationChecks.tempDir("home");
        Path npmrc = home.resolve(".npmrc");
        Files.writeString(npmrc, "fund=false\n//registry.example/:_authToken=tok-secret\n");

        IsolationChecks.Result first = run(ws, home);
        assertEquals("fund=false\n", first.stdout(), first.toString());
        IsolationChecks.Result second = run(ws, home);
        assertEquals("fund=false\n", second.stdout(), "the first run changed nothing: " + second);

        Files.writeString(npmrc, "fund=true\n//registry.example/:_authToken=tok-secret\n");
        IsolationChecks.Result changed = run(ws, home);
        assertEquals("fund=true\n", changed.stdout(), "the changed file shows at the next run: " + changed);
        assertFalse(changed.stdout().contains("tok-secret"));
        assertEquals("fund=true\n//registry.example/:_authToken=tok-secret\n", Files.readString(npmrc), "the host file is untouched");
        assertTrue(!changed.stdout().contains("WROTE") && !changed.stdout().contains("APPENDED"), changed.toString());
    }
}
