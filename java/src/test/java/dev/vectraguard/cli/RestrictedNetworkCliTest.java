package dev.vectraguard.cli;

import dev.vectraguard.json.JsonTrees;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restricted networking through the CLI: the notice after the run, its JSON form, the metrics, the
 * config keys; and real tools (npm from the npm registry, Maven from Maven Central) at balanced and
 * strict, and at strict with an allowlist that excludes their registry. Refused destinations are
 * private or denied by name, so no traffic goes anywhere but to the two registries.
 */
class RestrictedNetworkCliTest {
    private static final String NPM_INSTALL = "npm install --no-audit --no-fund --prefer-online --cache .npm-cache is-number@7.0.0";
    private static final String MVN_GET = "mvn -B -U dependency:get -Dartifact=junit:junit:RELEASE -Dtransitive=false";

    @TempDir
    Path root;
    private VgRunner vg;
    private Path config;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        config = root.resolve("vg.yaml");
        configure("");
    }

    private void configure(String sandbox) throws Exception {
        Files.writeString(config, "guard_level:\n  level: low\nsandbox:\n  mode: always\n" + sandbox);
    }

    private VgRunner.Result exec(String level, String script) throws Exception {
        return vg.run("exec", "--config", config.toString(), "--security-level", level, "--", "sh", "-c", script);
    }

    @Test
    void blockedDestinationsAreReportedInOneLineAndRecorded() throws Exception {
        configure("  denied_domains: [\"*.evil.example\"]\n");
        VgRunner.Result run = exec("balanced", "curl -sS -m 5 http://10.1.2.3:5432/; curl -sS -m 5 http://169.254.169.254/; "
                + "curl -sS -m 5 http://www.evil.example/; echo done");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("done\n", run.stdout(), run.toString());
        List<String> network = run.stderr().lines().filter(l -> l.startsWith("vg: network: ")).toList();
        assertEquals(List.of("vg: network: blocked 10.1.2.3:5432 (private network), 169.254.169.254:80 (cloud metadata), "
                + "www.evil.example (in sandbox.denied_domains); allow with sandbox.allow_private_networks (trusted config only) "
                + "or removing it from sandbox.denied_domains"), network, run.toString());

        VgRunner.Result metrics = vg.run("metrics", "show");
        assertTrue(metrics.stdout().contains("network blocked (recent):\n")
                && metrics.stdout().contains("10.1.2.3:5432 (private network)")
                && metrics.stdout().contains("169.254.169.254:80 (cloud metadata)"), metrics.toString());

        Files.writeString(config, Files.readString(config) + "logging:\n  format: json\n");
        VgRunner.Result json = exec("strict", "curl -sS -m 5 http://192.168.7.7/; true");
        String line = json.stderr().lines().filter(l -> l.contains("\"vg\":\"network\"")).findFirst().orElseThrow(
                () -> new AssertionError("no JSON network line: " + json));
        Map<?, ?> parsed = (Map<?, ?>) JsonTrees.parse(line);
        assertEquals(List.of(Map.of("destination", "192.168.7.7:80", "reason", "private network")), parsed.get("blocked"), line);
    }

    @Test
    void allowNetworkFalseMeansNoNetwork() throws Exception {
        configure("  allow_network: false\n");
        VgRunner.Result run = vg.run("exec", "--config", config.toString(), "--", "true");
        assertTrue(run.stderr().contains("network none"), run.toString());
    }

    @Test
    void badAddressRangeIsOneClearLine() throws Exception {
        configure("  allow_private_networks: [10.0.0.0/33]\n");
        VgRunner.Result run = vg.run("exec", "--config", config.toString(), "--", "true");
        assertEquals(125, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("sandbox.allow_private_networks") && run.stderr().contains("10.0.0.0/33"), run.toString());
    }

    @Test
    void npmInstallsFromTheRegistryAtBalancedAndStrictButNotOutsideTheAllowlist() throws Exception {
        requireTool("npm", "registry.npmjs.org");
        for (String level : List.of("balanced", "strict")) {
            VgRunner.Result run = exec(level, NPM_INSTALL);
            assertEquals(0, run.exitCode(), level + ": " + run);
            Path installed = vg.workspace.resolve("node_modules/is-number/package.json");
            assertTrue(Files.isRegularFile(installed), level + ": nothing installed: " + run);
            assertFalse(run.stderr().contains("vg: network:"), run.toString());
            deleteInstall();
        }
        configure("  allowed_domains: [pypi.org]\n");
        VgRunner.Result denied = exec("strict", NPM_INSTALL);
        assertNotEquals(0, denied.exitCode(), denied.toString());
        assertFalse(Files.exists(vg.workspace.resolve("node_modules/is-number")), denied.toString());
        assertTrue(denied.stderr().contains("vg: network: blocked registry.npmjs.org (not in sandbox.allowed_domains); "
                + "allow with sandbox.allowed_domains"), denied.toString());
    }

    @Test
    void mavenDownloadsFromMavenCentralAtBalancedAndStrictButNotOutsideTheAllowlist() throws Exception {
        requireTool("mvn", "repo.maven.apache.org");
        // the real home: Maven's plugins come from the shared ~/.m2 cache; the metadata (-U) from Central
        vg.env("HOME", System.getProperty("user.home"));
        for (String level : List.of("balanced", "strict")) {
            VgRunner.Result run = exec(level, MVN_GET);
            assertEquals(0, run.exitCode(), level + ": " + run);
            assertTrue(run.stdout().contains("Downloaded from central: https://repo.maven.apache.org/maven2/junit/junit/maven-metadata.xml"),
                    level + ": nothing downloaded: " + run);
        }
        configure("  allowed_domains: [pypi.org]\n");
        VgRunner.Result denied = exec("strict", MVN_GET + " -Dmaven.repo.local=" + vg.workspace.resolve("m2"));
        assertNotEquals(0, denied.exitCode(), denied.toString());
        assertFalse(denied.stdout().contains("Downloaded from central"), denied.toString());
        assertTrue(denied.stderr().contains("vg: network: blocked repo.maven.apache.org (not in sandbox.allowed_domains); "
                + "allow with sandbox.allowed_domains"), denied.toString());
    }

    private static void requireTool(String tool, String registry) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin", tool)), tool + " is not installed");
        try {
            InetAddress.getByName(registry);
        } catch (UnknownHostException e) {
            Assumptions.abort(registry + " does not resolve here");
        }
    }

    private void deleteInstall() throws Exception {
        vg.exec(List.of("rm", "-rf", "node_modules", "package.json", "package-lock.json", ".npm-cache"), null);
    }
}
