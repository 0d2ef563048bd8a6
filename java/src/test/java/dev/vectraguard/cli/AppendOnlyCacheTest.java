package dev.vectraguard.cli;

import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shared caches are append-only: in each cache (npm, Maven, pip, cargo and a sandbox.cache_dirs
 * entry) a real `vg exec` plants new entries, overwrites, deletes, renames, replaces with a symlink
 * and rebuilds a directory; afterwards, seen from outside, every file that was there is unchanged
 * and the only changes are the new entries, minus those whose content does not match its hash.
 */
class AppendOnlyCacheTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({"balanced, root", "paranoid, root", "balanced, nobody", "paranoid, nobody"})
    void existingCacheEntriesSurviveEverySandboxedWrite(String level, String user) throws Exception {
        boolean unprivileged = user.equals("nobody");
        boolean root = Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
        assumeTrue(!unprivileged || root, "switching to uid 65534 needs root");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        VgRunner vg = new VgRunner(dir);
        Path extra = Files.createDirectories(dir.resolve("extra-cache"));
        List<Path> caches = List.of(vg.home.resolve(".npm/_cacache"), vg.home.resolve(".m2/repository"), vg.home.resolve(".cache/pip"),
                vg.home.resolve(".cargo/registry"), extra);
        for (Path cache : caches) {
            seed(cache);
        }
        Path npmContent = vg.home.resolve(".npm/_cacache/content-v2/sha512");
        Path existingNpm = contentPath(npmContent, "existing tarball");
        write(existingNpm, "existing tarball");
        Path artifact = vg.home.resolve(".m2/repository/org/example/lib/1.0");
        write(artifact.resolve("lib-1.0.jar"), "original jar");
        write(artifact.resolve("lib-1.0.jar.sha1"), sha("SHA-1", "original jar"));
        Path config = vg.home.resolve(".config/vectra-guard/config.yaml");
        write(config, "sandbox:\n  cache_dirs: [\"" + extra + "\"]\n");
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        Path goodNpm = contentPath(npmContent, "new tarball");
        Path badNpm = contentPath(npmContent, "what the name says");
        Path goodJar = vg.home.resolve(".m2/repository/org/example/good/2.0/good-2.0.jar");
        Path badJar = vg.home.resolve(".m2/repository/org/example/bad/3.0/bad-3.0.jar");
        StringBuilder script = new StringBuilder("set -e\n");
        for (Path cache : caches) {
            String d = cache.toString();
            script.append("echo planted > ").append(d).append("/new-entry\n")
                    .append("echo pwned > ").append(d).append("/overwrite\n")
                    .append("test \"$(cat ").append(d).append("/overwrite)\" = pwned\n")
                    .append("rm ").append(d).append("/delete\n")
                    .append("mv ").append(d).append("/rename ").append(d).append("/renamed\n")
                    .append("ln -sfn /etc/passwd ").append(d).append("/symlink\n")
                    .append("echo more >> ").append(d).append("/sub/append\n")
                    .append("rm -r ").append(d).append("/tree && mkdir ").append(d).append("/tree && echo x > ")
                    .append(d).append("/tree/fresh\n")
                    .append("mkdir ").append(d).append("/newdir && echo x > ").append(d).append("/newdir/f\n")
                    .append("ln -s /etc/passwd ").append(d).append("/new-link\n")
                    .append("echo s > ").append(d).append("/setid && chmod 4777 ").append(d).append("/setid\n")
                    .append("mkdir ").append(d).append("/locked && echo x > ").append(d).append("/locked/f && chmod 000 ")
                    .append(d).append("/locked\n");
        }
        script.append("echo pwned > ").append(existingNpm).append('\n')
                .append("echo pwned > ").append(artifact.resolve("lib-1.0.jar")).append('\n')
                .append("rm ").append(artifact.resolve("lib-1.0.jar.sha1")).append('\n')
                .append("mkdir -p ").append(goodNpm.getParent()).append(' ').append(badNpm.getParent()).append(' ')
                .append(goodJar.getParent()).append(' ').append(badJar.getParent()).append('\n')
                .append("printf '%s' 'new tarball' > ").append(goodNpm).append('\n')
                .append("printf '%s' 'something else' > ").append(badNpm).append('\n')
                .append("printf '%s' 'good jar' > ").append(goodJar).append('\n')
                .append("echo '").append(sha("SHA-1", "good jar")).append("  good-2.0.jar' > ").append(goodJar).append(".sha1\n")
                .append("printf '%s' 'evil jar' > ").append(badJar).append('\n')
                .append("echo '").append(sha("SHA-1", "genuine jar")).append("' > ").append(badJar).append(".sha1\n")
                .append("echo inside-ok\n");

        Map<Path, Map<String, String>> before = new TreeMap<>();
        for (Path cache : caches) {
            before.put(cache, snapshot(cache));
        }
        VgRunner.Result result;
        if (unprivileged) {
            chownTree(dir, NOBODY);
            try (PortableClasspath classpath = PortableClasspath.create()) {
                List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
                command.addAll(VgRunner.javaCommand(classpath.classpath(),
                        List.of("exec", "--security-level", level, "--", "sh", "-c", script.toString())));
                result = vg.exec(command, null);
            }
        } else {
            result = vg.run("exec", "--security-level", level, "--", "sh", "-c", script.toString());
        }
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().contains("inside-ok"), result.toString());

        for (Path cache : caches) {
            Map<String, String> after = snapshot(cache);
            Map<String, String> old = before.get(cache);
            for (Map.Entry<String, String> entry : old.entrySet()) {
                assertEquals(entry.getValue(), after.get(entry.getKey()), cache + "/" + entry.getKey() + " changed\n" + result);
            }
            Set<String> added = new TreeSet<>(after.keySet());
            added.removeAll(old.keySet());
            Set<String> expected = new TreeSet<>(Set.of("new-entry", "renamed", "newdir", "newdir/f", "setid"));
            if (!unprivileged) {
                expected.addAll(List.of("locked", "locked/f")); // root reads a directory of mode 000; a user does not
            }
            if (cache.endsWith("_cacache")) {
                expected.addAll(newPaths(cache, goodNpm, old));
            } else if (cache.endsWith("repository")) {
                expected.addAll(newPaths(cache, goodJar, old));
                expected.add(cache.relativize(goodJar) + ".sha1");
            }
            assertEquals(expected, added, "additions to " + cache + "\n" + result);
            assertEquals("file " + sha("SHA-256", "s\n") + " 775", after.get("setid").replaceAll(" 755$", " 775"), "set-id bit kept in " + cache);
            assertEquals("file " + sha("SHA-256", "planted\n") + " 644", after.get("new-entry").replaceAll(" 6[46]4$", " 644"));
        }
        assertFalse(Files.exists(badNpm, LinkOption.NOFOLLOW_LINKS), "npm content that does not hash to its name was added");
        assertFalse(Files.exists(badJar, LinkOption.NOFOLLOW_LINKS), "a jar that does not match its .sha1 was added");
        assertFalse(Files.exists(badJar.resolveSibling("bad-3.0.jar.sha1"), LinkOption.NOFOLLOW_LINKS), "the wrong .sha1 was added");
        assertTrue(result.stderr().contains("refused") && result.stderr().contains(badNpm.toString())
                && result.stderr().contains(badJar.toString()), "refusals reported\n" + result);
        try (Stream<Path> left = Files.list(vg.home.resolve(".cache/vectra-guard/cache-layers"))) {
            assertEquals(0, left.count(), "per-run layers left behind");
        }
    }

    private static void seed(Path cache) throws IOException {
        write(cache.resolve("overwrite"), "original\n");
        write(cache.resolve("delete"), "keep me\n");
        write(cache.resolve("rename"), "stay here\n");
        write(cache.resolve("symlink"), "not a link\n");
        write(cache.resolve("sub/append"), "first line\n");
        write(cache.resolve("tree/old"), "old tree\n");
    }

    /** Directories and the file of {@code file} that were not in the cache before. */
    private static List<String> newPaths(Path cache, Path file, Map<String, String> old) {
        List<String> paths = new ArrayList<>();
        for (Path p = file; !p.equals(cache); p = p.getParent()) {
            String relative = cache.relativize(p).toString();
            if (!old.containsKey(relative)) {
                paths.add(relative);
            }
        }
        return paths;
    }

    private static Path contentPath(Path sha512Dir, String content) throws Exception {
        String hex = sha("SHA-512", content);
        return sha512Dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex.substring(4));
    }

    /** Every entry below {@code root}: "dir", "link TARGET", or "file SHA256 MODE" (mode with set-id bits). */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(p -> !p.equals(root)).toList()) {
                String key = root.relativize(path).toString();
                int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if (Files.isSymbolicLink(path)) {
                    entries.put(key, "link " + Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    entries.put(key, "dir");
                } else {
                    entries.put(key, "file " + sha("SHA-256", Files.readAllBytes(path)) + " " + Integer.toOctalString(mode & 07777));
                }
            }
        }
        return entries;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String sha(String algorithm, String text) {
        return sha(algorithm, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void chownTree(Path root, int uid) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }
}
