package dev.vectraguard.sandbox;

import dev.vectraguard.sandbox.namespace.NativeRuntime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cache dirs through the embedding API: append-only (a cache dir gone before it is mounted is
 * skipped: NativeLauncherTest).
 */
public class CacheDirsTest {
    @TempDir
    Path dir;

    /** A balanced sandbox in {@code dir}/work running {@code script}, with {@code cache} as its cache dir. */
    public static SandboxSpec.Builder spec(Path dir, Path home, Path cache, String script) throws IOException {
        Path workspace = Files.createDirectories(dir.resolve("work"));
        return SandboxSpec.builder("/bin/sh", "-c", script).workspace(workspace).securityLevel(SecurityLevel.BALANCED)
                .environment(Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString())).cacheDir(cache)
                .stdout(Stdio.PIPE).stderr(Stdio.PIPE);
    }

    @Test
    void theEmbeddingApiAddsNewEntriesOnlyOnceClosed() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(home.resolve(".m2/repository"));
        Files.writeString(cache.resolve("existing.jar"), "original");
        String script = "echo changed > " + cache + "/existing.jar && echo added > " + cache + "/new.jar && cat " + cache
                + "/existing.jar";
        try (SandboxProcess process = new NativeRuntime().start(spec(dir, home, cache, script).timeout(Duration.ofSeconds(60)).build())) {
            assertEquals("changed\n", new String(process.stdout().readAllBytes()), "the command sees its own write");
            assertEquals(0, process.waitFor());
            process.close();
            CacheAdditions additions = process.cacheAdditions().get();
            assertEquals(1, additions.added(), additions.toString());
            assertTrue(additions.refused().isEmpty(), additions.toString());
        }
        assertEquals("original", Files.readString(cache.resolve("existing.jar")));
        assertEquals("added\n", Files.readString(cache.resolve("new.jar")));
        assertLayersGone(home);
    }

    @Test
    void layersLeftByAVgThatIsGoneAreRemovedByALaterRun() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(home.resolve(".cache/pip"));
        Path layers = Files.createDirectories(home.resolve(VgCacheDir.DEFAULT).resolve(CacheLayers.LAYERS_DIR));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long goneStart = gone.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(1L);
        Path abandoned = layers.resolve(gone.pid() + "-" + goneStart + "-1");
        Files.createDirectories(abandoned.resolve("0/upper/sub"));
        Files.writeString(abandoned.resolve("0/upper/sub/never-merged"), "x");
        Files.createDirectories(abandoned.resolve("0/work/work"));
        Files.setPosixFilePermissions(abandoned.resolve("0/work/work"), java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        Process running = new ProcessBuilder("sleep", "60").start();
        try {
            long runningStart = running.info().startInstant().orElseThrow().toEpochMilli();
            Path live = Files.createDirectories(layers.resolve(running.pid() + "-" + runningStart + "-1/0/upper"));
            try (SandboxProcess process = new NativeRuntime().start(spec(dir, home, cache, "true").build())) {
                assertEquals(0, process.waitFor());
                process.close();
                process.cacheAdditions().get();
            }
            SandboxCleanup.awaitIdle(); // the layers are removed after the additions are in
            assertFalse(Files.exists(abandoned), "the layers of a vg that is gone were left");
            assertFalse(Files.exists(cache.resolve("sub")), "abandoned layers must not be merged");
            assertTrue(Files.isDirectory(live), "the layers of a running vg were removed");
        } finally {
            running.destroy();
        }
    }

    @Test
    void aRunThatWroteNoCacheEntryIsDoneWithoutWaitingForTheTeardown() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(home.resolve(".npm"));
        CountDownLatch cleanupHeld = new CountDownLatch(1);
        try (SandboxProcess wroteNothing = new NativeRuntime().start(spec(dir, home, cache, "ls " + cache + " >/dev/null").build());
             SandboxProcess wroteOne = new NativeRuntime().start(spec(dir, home, cache, "echo new > " + cache + "/added").build())) {
            assertEquals(0, wroteNothing.waitFor());
            assertEquals(0, wroteOne.waitFor());
            SandboxCleanup.later(() -> awaitQuietly(cleanupHeld)); // the teardown cannot run until released
            wroteNothing.close();
            wroteOne.close();
            assertTrue(wroteNothing.cacheAdditions().isDone(), "a run that wrote nothing into the caches waited for the teardown");
            assertEquals(CacheAdditions.NONE, wroteNothing.cacheAdditions().get());
            assertFalse(wroteOne.cacheAdditions().isDone(), "a run with a new cache entry must not be done before its merge");
            assertFalse(Files.exists(cache.resolve("added")));
            cleanupHeld.countDown();
            assertEquals(1, wroteOne.cacheAdditions().get(60, TimeUnit.SECONDS).added());
            assertEquals("new\n", Files.readString(cache.resolve("added")));
        } finally {
            cleanupHeld.countDown();
        }
        assertLayersGone(home);
    }

    /**
     * ext4 spreads the run directories over its block groups (FS_TOPDIR_FL on their parent), so
     * that a run's copy-ups do not scan past the inodes the run before freed (benchmarks/README).
     */
    @Test
    void theLayersDirectorySpreadsItsRunDirectoriesOverTheDisk() throws Exception {
        Path probe = Files.createDirectories(dir.resolve("probe"));
        assumeTrue(new ProcessBuilder("chattr", "+T", probe.toString()).start().waitFor() == 0,
                "the test directory's filesystem has no FS_TOPDIR_FL (not ext4)");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(home.resolve(".npm"));
        try (SandboxProcess process = new NativeRuntime().start(spec(dir, home, cache, "true").build())) {
            assertEquals(0, process.waitFor());
        }
        Process lsattr = new ProcessBuilder("lsattr", "-d", home.resolve(VgCacheDir.DEFAULT).resolve(CacheLayers.LAYERS_DIR).toString())
                .redirectErrorStream(true).start();
        String attributes = new String(lsattr.getInputStream().readAllBytes()).trim();
        assertEquals(0, lsattr.waitFor(), attributes);
        assertTrue(attributes.split(" ")[0].contains("T"), attributes);
        assertLayersGone(home);
    }

    /** The same with a configured vg cache directory ({@code sandbox.cache_dir}): its cache-layers directory spreads them. */
    @Test
    void theConfiguredCacheDirsLayersDirectorySpreadsItsRunDirectories() throws Exception {
        Path probe = Files.createDirectories(dir.resolve("probe"));
        assumeTrue(new ProcessBuilder("chattr", "+T", probe.toString()).start().waitFor() == 0,
                "the test directory's filesystem has no FS_TOPDIR_FL (not ext4)");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(home.resolve(".npm"));
        Path own = dir.resolve("own-cache");
        try (SandboxProcess process = new NativeRuntime().start(spec(dir, home, cache, "echo x > " + cache + "/added")
                .vgCacheDir(own).build())) {
            assertEquals(0, process.waitFor());
            process.close();
            assertEquals(1, process.cacheAdditions().get().added());
        }
        Process lsattr = new ProcessBuilder("lsattr", "-d", own.resolve(CacheLayers.LAYERS_DIR).toString())
                .redirectErrorStream(true).start();
        String attributes = new String(lsattr.getInputStream().readAllBytes()).trim();
        assertEquals(0, lsattr.waitFor(), attributes);
        assertTrue(attributes.split(" ")[0].contains("T"), attributes);
        assertFalse(Files.exists(home.resolve(VgCacheDir.DEFAULT)), "layers made under ~/.cache/vectra-guard");
        SandboxCleanup.awaitIdle();
        try (var left = Files.list(own.resolve(CacheLayers.LAYERS_DIR))) {
            assertEquals(0, left.count(), "per-run cache layers left");
        }
    }

    /** A configured vg cache directory inside a read-only bind is hidden there, as ~/.cache/vectra-guard is. */
    @Test
    void aConfiguredCacheDirInsideAReadOnlyBindIsHidden() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(home.resolve(".npm"));
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.writeString(shared.resolve("visible"), "yes\n");
        Path own = shared.resolve("vg-cache");
        Files.createDirectories(own.resolve("tool-config"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Files.writeString(own.resolve("tool-config/.npmrc"), "filtered for another run\n");
        String script = "cat " + shared + "/visible; ls -A " + own + " | wc -l";
        try (SandboxProcess process = new NativeRuntime().start(spec(dir, home, cache, script).vgCacheDir(own)
                .bindMount(new BindMount(shared, shared, true)).build())) {
            String out = new String(process.stdout().readAllBytes());
            assertEquals(0, process.waitFor(), new String(process.stderr().readAllBytes()));
            assertEquals("yes\n0\n", out, "vg's own cache is visible through the bind");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Once the cleanup has run: the run's layers are removed after its additions are in, in the background. */
    public static void assertLayersGone(Path home) throws Exception {
        SandboxCleanup.awaitIdle();
        Path layers = home.resolve(VgCacheDir.DEFAULT).resolve(CacheLayers.LAYERS_DIR);
        try (var left = Files.list(layers)) {
            assertEquals(0, left.count(), "per-run cache layers left in " + layers);
        }
    }
}
