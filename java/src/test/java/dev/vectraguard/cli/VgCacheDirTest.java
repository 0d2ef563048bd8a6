package dev.vectraguard.cli;

import dev.vectraguard.testing.PortableClasspath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code sandbox.cache_dir}, vg's own cache directory, through a real vg process: the user's config
 * moves the per-run cache layers there (seen from outside while the command runs), a project config
 * cannot, and a directory a sandbox or another user could write is refused by {@code vg exec} and
 * {@code vg config validate} alike.
 */
class VgCacheDirTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path root;

    /** The command writes a cache entry, says so in the workspace, and waits until the test lets it end. */
    private static String writeAndWait(Path cache, Path written, Path go) {
        return "echo new > " + cache + "/added && touch " + written + " && i=0; while [ ! -e " + go
                + " ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done";
    }

    @Test
    void theUserConfigsCacheDirHoldsTheRunsCacheLayers() throws Exception {
        VgRunner vg = new VgRunner(root);
        vg.config("guard_level:\n  level: low\nsandbox:\n  cache_dir: ~/own-vg-cache\n");
        Path cache = Files.createDirectories(vg.home.resolve(".npm/_cacache"));
        Path configured = vg.home.resolve("own-vg-cache");
        Path written = vg.workspace.resolve("written");
        Path go = vg.workspace.resolve("go");
        Process run = vg.start(root.resolve("out"), root.resolve("err"), "exec", "--security-level", "balanced", "--",
                "sh", "-c", writeAndWait(cache, written, go));
        try {
            for (int i = 0; i < 600 && !Files.exists(written) && run.isAlive(); i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(written), "the command did not run: " + Files.readString(root.resolve("err")));
            List<Path> layers;
            try (Stream<Path> runs = Files.list(configured.resolve("cache-layers"))) {
                layers = runs.toList();
            }
            assertEquals(1, layers.size(), layers.toString());
            assertEquals("new\n", Files.readString(layers.getFirst().resolve("0/upper/added")), "the layer is not in the configured dir");
            assertFalse(Files.exists(vg.home.resolve(".cache/vectra-guard/cache-layers")), "a layer under ~/.cache/vectra-guard");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(configured)));
            assertFalse(Files.exists(cache.resolve("added")), "merged before the run ended");
        } finally {
            Files.writeString(go, "");
        }
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), Files.readString(root.resolve("err")));
        assertEquals("new\n", Files.readString(cache.resolve("added")), "the layer was not merged back");
    }

    /** As a user (uid 65534): vg makes the configured dir, the user's own, and refuses one root owns. */
    @Test
    void aUsersVgMakesItsOwnCacheDirAndRefusesAnotherUsers() throws Exception {
        boolean isRoot = Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
        assumeTrue(isRoot, "switching to uid 65534 needs root");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        VgRunner vg = new VgRunner(root);
        vg.config("guard_level:\n  level: low\nsandbox:\n  cache_dir: ~/own-vg-cache\n");
        Path cache = Files.createDirectories(vg.home.resolve(".m2/repository"));
        Path configured = vg.home.resolve("own-vg-cache");
        chownTree(root, NOBODY);
        VgRunner.Result run = asNobody(vg, "exec", "--security-level", "balanced", "--", "sh", "-c", "echo new > " + cache + "/added");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("new\n", Files.readString(cache.resolve("added")), run.toString());
        assertEquals(NOBODY, Files.getAttribute(configured, "unix:uid"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(configured)));
        assertTrue(Files.isDirectory(configured.resolve("cache-layers")), "the layers were not made in the configured dir");
        assertFalse(Files.exists(vg.home.resolve(".cache/vectra-guard")), "layers made under ~/.cache/vectra-guard");

        Files.setAttribute(configured, "unix:uid", 0);
        VgRunner.Result refused = asNobody(vg, "exec", "--", "true");
        assertEquals(125, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("sandbox.cache_dir " + configured + " is owned by uid 0, not by you (uid 65534)"),
                refused.toString());
    }

    private static VgRunner.Result asNobody(VgRunner vg, String... args) throws Exception {
        try (PortableClasspath classpath = PortableClasspath.create()) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
            command.addAll(VgRunner.javaCommand(classpath.classpath(), List.of(args)));
            return vg.exec(command, null);
        }
    }

    private static void chownTree(Path top, int uid) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path path : paths.toList()) {
                Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    @Test
    void aProjectConfigCannotMoveIt() throws Exception {
        VgRunner vg = new VgRunner(root);
        vg.config("guard_level:\n  level: low\n");
        Path elsewhere = root.resolve("elsewhere-" + UUID.randomUUID());
        vg.projectConfig("sandbox:\n  cache_dir: " + elsewhere + "\n");
        Path cache = Files.createDirectories(vg.home.resolve(".npm/_cacache"));
        Path written = vg.workspace.resolve("written");
        Path go = vg.workspace.resolve("go");
        Path err = root.resolve("err");
        Process run = vg.start(root.resolve("out"), err, "exec", "--security-level", "balanced", "--",
                "sh", "-c", writeAndWait(cache, written, go));
        try {
            for (int i = 0; i < 600 && !Files.exists(written) && run.isAlive(); i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(written), "the command did not run: " + Files.readString(err));
            try (Stream<Path> runs = Files.list(vg.home.resolve(".cache/vectra-guard/cache-layers"))) {
                assertEquals(1, runs.count(), "the layer is not in ~/.cache/vectra-guard");
            }
            assertFalse(Files.exists(elsewhere, LinkOption.NOFOLLOW_LINKS), "the project's cache_dir applied");
        } finally {
            Files.writeString(go, "");
        }
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("vg: ./vectra-guard.yaml: ignored 1 loosening key (sandbox.cache_dir): "
                + "the file is not approved"), Files.readString(err));
        VgRunner.Result show = vg.run("config", "show");
        assertTrue(show.stdout().contains("  cache_dir: null") && show.stdout().contains("#   ignored: " + vg.workspace.resolve("vectra-guard.yaml") + ":2 sets "
                + elsewhere + " (would loosen; file not approved)"), show.toString());
    }

    /** Where a sandbox can write (the workspace, a shared cache, a writable bind) or the host's own directories. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"inside the workspace", "inside a cache dir", "containing a cache dir", "a cache dir",
            "inside a writable bind", "inside a system directory", "containing the home"})
    void aDirectoryASandboxCouldWriteIsRefused(String where) throws Exception {
        VgRunner vg = new VgRunner(root);
        Path extra = Files.createDirectories(root.resolve("extra-cache"));
        Path bound = Files.createDirectories(root.resolve("bound"));
        Files.createDirectories(vg.home.resolve(".cache/pip"));
        String system = "/etc/vg-cache-test-" + UUID.randomUUID();
        Path cacheDir;
        String reason;
        switch (where) {
            case "inside the workspace" -> { cacheDir = vg.workspace.resolve("vg"); reason = "lies inside the workspace " + vg.workspace; }
            case "inside a cache dir" -> { cacheDir = extra.resolve("vg"); reason = "lies inside the cache dir " + extra; }
            case "containing a cache dir" -> {
                cacheDir = vg.home.resolve(".cache");
                reason = "contains the cache dir " + vg.home.resolve(".cache/pip");
            }
            case "a cache dir" -> { cacheDir = extra; reason = "is the cache dir " + extra; }
            case "inside a writable bind" -> { cacheDir = bound.resolve("vg"); reason = "lies inside the writable bind mount " + bound; }
            case "inside a system directory" -> { cacheDir = Path.of(system); reason = "lies inside the system directory /etc"; }
            case "containing the home" -> { cacheDir = root; reason = "contains the home directory " + vg.home; }
            default -> throw new IllegalArgumentException(where);
        }
        vg.config("guard_level:\n  level: low\nsandbox:\n  cache_dir: " + cacheDir + "\n  cache_dirs: [" + extra + "]\n"
                + "  bind_mounts: [\"" + bound + "\"]\n");
        String expected = "sandbox.cache_dir " + cacheDir + " " + reason;
        try {
            VgRunner.Result run = vg.run("exec", "--security-level", "balanced", "--", "sh", "-c", "echo ran > " + extra + "/ran");
            assertEquals(125, run.exitCode(), run.toString());
            assertTrue(run.stderr().contains("vg: " + vg.userConfig + ":4: " + expected), "names the file and line: " + run);
            assertEquals(1, run.stderr().lines().filter(l -> l.contains("sandbox.cache_dir")).count(), run.toString());
            assertFalse(Files.exists(extra.resolve("ran")), "the command ran: " + run);
            assertFalse(Files.exists(cacheDir.resolve("cache-layers")), "vg wrote its cache there");

            VgRunner.Result validate = vg.run("config", "validate");
            assertEquals(125, validate.exitCode(), validate.toString());
            assertTrue(validate.stderr().contains(expected), validate.toString());
        } finally {
            Files.deleteIfExists(Path.of(system));
        }
    }

    @Test
    void anExistingDirectoryMustBeTheCallersAndWritableByNoOneElse() throws Exception {
        VgRunner vg = new VgRunner(root);
        Path configured = Files.createDirectories(root.resolve("vg-cache"));
        vg.config("guard_level:\n  level: low\nsandbox:\n  cache_dir: " + configured + "\n");
        Files.setPosixFilePermissions(configured, PosixFilePermissions.fromString("rwxrwxr-x"));
        VgRunner.Result groupWritable = vg.run("exec", "--", "true");
        assertEquals(125, groupWritable.exitCode(), groupWritable.toString());
        assertTrue(groupWritable.stderr().contains("sandbox.cache_dir " + configured + " is group- or world-writable (chmod go-w "),
                groupWritable.toString());
        VgRunner.Result validate = vg.run("config", "validate");
        assertEquals(125, validate.exitCode(), validate.toString());
        assertTrue(validate.stderr().contains("is group- or world-writable"), validate.toString());

        Files.setPosixFilePermissions(configured, PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, vg.run("exec", "--", "true").exitCode());
        assertEquals(0, vg.run("config", "validate").exitCode());

        boolean root = Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
        assumeTrue(root, "giving the directory to another user needs root");
        Files.setAttribute(configured, "unix:uid", 65534);
        VgRunner.Result othersDir = vg.run("exec", "--", "true");
        assertEquals(125, othersDir.exitCode(), othersDir.toString());
        assertTrue(othersDir.stderr().contains("sandbox.cache_dir " + configured + " is owned by uid 65534, not by you (uid 0)"),
                othersDir.toString());
    }
}
