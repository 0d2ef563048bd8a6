package dev.vectraguard.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A package mirror on 127.0.0.1 for tests: an npm registry holding one package and a Maven
 * repository holding one parent POM, served as static files; it records every request with its
 * Authorization header.
 */
final class LocalMirror implements AutoCloseable {
    static final String NPM_PACKAGE = "vg-mirror-probe";
    static final String MAVEN_PARENT = "org/vgtest/vg-parent/1.0/vg-parent-1.0.pom";

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    LocalMirror(Path scratch) throws IOException, InterruptedException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(exchange.getRequestMethod() + " " + path + " auth=" + auth);
            byte[] body = files.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.getResponseHeaders().add("Content-Type", path.endsWith(".tgz") ? "application/octet-stream"
                        : path.endsWith(".pom") ? "application/xml" : "application/json");
                exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
                if (!exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseBody().write(body);
                }
            }
            exchange.close();
        });
        server.start();
        addNpmPackage(scratch);
        addMavenParent();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The requests whose Authorization header contains {@code secret}. */
    List<String> requestsCarrying(String secret) {
        return requests.stream().filter(r -> r.contains(secret)).toList();
    }

    private void addNpmPackage(Path scratch) throws IOException, InterruptedException {
        Path source = Files.createDirectories(scratch.resolve("npm-package/package"));
        Files.writeString(source.resolve("package.json"),
                "{\"name\":\"" + NPM_PACKAGE + "\",\"version\":\"1.0.0\",\"main\":\"index.js\"}\n");
        Files.writeString(source.resolve("index.js"), "module.exports = 'from the local mirror';\n");
        Path tarball = scratch.resolve("npm-package/package.tgz");
        Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", source.getParent().toString(), "package")
                .inheritIO().start();
        if (tar.waitFor() != 0) {
            throw new IOException("tar failed");
        }
        byte[] tgz = Files.readAllBytes(tarball);
        String tarballPath = "/" + NPM_PACKAGE + "/-/" + NPM_PACKAGE + "-1.0.0.tgz";
        String metadata = """
                {"name":"%1$s","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":"%1$s","version":"1.0.0",\
                "main":"index.js","dist":{"tarball":"%2$s","shasum":"%3$s","integrity":"sha512-%4$s"}}}}
                """.formatted(NPM_PACKAGE, url() + tarballPath.substring(1), HexFormat.of().formatHex(digest("SHA-1", tgz)),
                Base64.getEncoder().encodeToString(digest("SHA-512", tgz)));
        files.put("/" + NPM_PACKAGE, metadata.getBytes(StandardCharsets.UTF_8));
        files.put(tarballPath, tgz);
    }

    private void addMavenParent() {
        byte[] pom = """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.vgtest</groupId>
                  <artifactId>vg-parent</artifactId>
                  <version>1.0</version>
                  <packaging>pom</packaging>
                </project>
                """.getBytes(StandardCharsets.UTF_8);
        files.put("/maven2/" + MAVEN_PARENT, pom);
        files.put("/maven2/" + MAVEN_PARENT + ".sha1", HexFormat.of().formatHex(digest("SHA-1", pom)).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
