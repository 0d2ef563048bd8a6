package dev.vectraguard.cli;

import com.sun.net.httpserver.HttpServer;
import dev.vectraguard.json.JsonMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real npm audit, run by {@code vg audit npm} in the sandbox, against a registry on this host's
 * loopback that serves one advisory (the user config's permissive level gives the sandbox the host's
 * network so it can reach it).
 */
class NpmAuditCliTest {
    @TempDir
    Path root;

    @Test
    @SuppressWarnings("unchecked")
    void reportsTheRegistrysAdvisoryWithItsSeverity() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/npm")), "npm is not installed");
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String body = path.endsWith("/advisories/bulk")
                    ? "{\"minimist\":[{\"id\":1179,\"url\":\"https://example.invalid/advisory\",\"title\":\"Prototype Pollution in minimist\","
                            + "\"severity\":\"critical\",\"vulnerable_versions\":\"<1.2.6\",\"cwe\":[\"CWE-1321\"],"
                            + "\"cvss\":{\"score\":9.8,\"vectorString\":null}}]}"
                    : path.equals("/minimist")
                    ? "{\"name\":\"minimist\",\"dist-tags\":{\"latest\":\"1.2.6\"},\"versions\":{"
                            + "\"1.2.5\":{\"name\":\"minimist\",\"version\":\"1.2.5\",\"dist\":{\"tarball\":\"http://x.invalid/m.tgz\"}},"
                            + "\"1.2.6\":{\"name\":\"minimist\",\"version\":\"1.2.6\",\"dist\":{\"tarball\":\"http://x.invalid/m.tgz\"}}}}"
                    : null;
            byte[] bytes = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        registry.start();
        try {
            VgRunner vg = new VgRunner(root).config("sandbox:\n  security_level: permissive\n");
            Files.writeString(vg.workspace.resolve(".npmrc"), "registry=http://127.0.0.1:" + registry.getAddress().getPort() + "/\n");
            Files.writeString(vg.workspace.resolve("package.json"), """
                    { "name": "fixture", "version": "1.0.0", "dependencies": { "minimist": "1.2.5" } }
                    """);
            Files.writeString(vg.workspace.resolve("package-lock.json"), """
                    { "name": "fixture", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
                      "packages": {
                        "": { "name": "fixture", "version": "1.0.0", "dependencies": { "minimist": "1.2.5" } },
                        "node_modules/minimist": { "version": "1.2.5", "license": "MIT" } } }
                    """);
            VgRunner.Result result = vg.run("audit", "npm", "--json");
            assertEquals(3, result.exitCode(), result + "\nregistry saw: " + requests);
            Map<String, Object> report = JsonMapping.read(result.stdout(), Map.class);
            Map<String, Object> finding = ((List<Map<String, Object>>) report.get("findings")).getFirst();
            assertEquals("npm-audit", finding.get("source"), result.toString());
            assertEquals("critical", finding.get("severity"), result.toString());
            assertTrue(String.valueOf(finding.get("detail")).contains("Prototype Pollution in minimist"), result.toString());
            assertTrue(requests.contains("POST /-/npm/v1/security/advisories/bulk"), requests.toString());
        } finally {
            registry.stop(0);
        }
    }
}
