package dev.vectraguard.sandbox;

import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-run layers that make shared caches append-only: each cache dir is an overlay in the
 * sandbox, the host cache its read-only lower layer and its upper layer a directory of vg's own
 * ({@code VG_CACHE_DIR/cache-layers/PID-START-N/I}, {@link VgCacheDir}, never visible in a sandbox). Once the
 * sandbox is gone, {@link #merge()} adds the upper layers' new files to the host caches (unless
 * {@link #nothingToMerge()}) and {@link #remove()} removes the run's directory. A run directory
 * whose vg process is gone (killed before it merged) is removed by a later run, unmerged.
 */
public final class CacheLayers {
    /** In vg's own cache directory. */
    static final String LAYERS_DIR = "cache-layers";
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Set<Path> SPREAD_ASKED = ConcurrentHashMap.newKeySet();
    private static volatile String processPrefix;

    private final Path root;
    private final Path runDir;
    private final Map<Path, Path> layers;
    private final List<String> notices;

    private CacheLayers(Path root, Path runDir, Map<Path, Path> layers, List<String> notices) {
        this.root = root;
        this.runDir = runDir;
        this.layers = layers;
        this.notices = notices;
    }

    /**
     * Makes an empty layer directory for each cache dir. A cache whose layers cannot be made
     * (unwritable {@code vgCacheDir}, a cache that contains vg's layer directory or lies in it) has no
     * layer: it is then bound read-only, and a notice says so.
     */
    public static CacheLayers create(List<Path> caches, Path vgCacheDir) {
        Path root = vgCacheDir.resolve(LAYERS_DIR);
        Map<Path, Path> layers = new LinkedHashMap<>();
        List<String> notices = new ArrayList<>();
        if (caches.isEmpty()) {
            return new CacheLayers(root, null, layers, notices);
        }
        if (!overlaysWithUserXattrs()) {
            notices.add("cache dirs are read-only in the sandbox: append-only caches need Linux 5.11 or later");
            return new CacheLayers(root, null, layers, notices);
        }
        Path runDir = root.resolve(prefix() + SEQUENCE.incrementAndGet());
        try {
            Files.createDirectories(root);
            spreadRunDirectories(root);
            Files.createDirectory(runDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            notices.add("cache dirs are read-only in the sandbox: cannot make " + runDir + " (" + e + ")");
            return new CacheLayers(root, null, layers, notices);
        }
        int index = 0;
        for (Path cache : caches) {
            if (root.startsWith(cache) || cache.startsWith(root.getParent())) {
                notices.add("cache dir " + cache + " is read-only in the sandbox: it overlaps vg's own " + root.getParent());
                continue;
            }
            Path layer = runDir.resolve(Integer.toString(index++));
            try {
                Files.createDirectory(layer);
                layers.put(cache, layer);
            } catch (IOException e) {
                notices.add("cache dir " + cache + " is read-only in the sandbox: cannot make " + layer + " (" + e + ")");
            }
        }
        return new CacheLayers(root, runDir, layers, notices);
    }

    /**
     * Once per process and home: ext4 places each run directory in a block group of its own choice
     * rather than beside the home's other directories. A warm {@code npm ci} appends to ~600 index
     * files of {@code ~/.npm}, each a copy-up into the layer; on ext4 without a journal every new
     * inode scans past the inodes freed in its block group in the last 30 s, and the workspace's
     * {@code rm -rf node_modules} frees thousands beside the home. 411 copy-ups took 113-115 ms
     * there and 28-32 ms with this (benchmarks/README). Only a speed-up: layers work without it.
     */
    private static void spreadRunDirectories(Path root) {
        if (!SPREAD_ASKED.add(root)) {
            return;
        }
        try {
            if (NativeCore.available()) {
                NativeCore.spreadSubdirectories(root);
            }
        } catch (NativeCoreException | RuntimeException e) {
            // the filesystem refused the flag: layers as before
        }
    }

    /** An unprivileged overlay with its upper layer on a disk needs the "userxattr" option: Linux >= 5.11. */
    private static boolean overlaysWithUserXattrs() {
        String[] version = System.getProperty("os.version", "").split("[.-]");
        try {
            int major = Integer.parseInt(version[0]);
            return major > 5 || (major == 5 && version.length > 1 && Integer.parseInt(version[1]) >= 11);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The layer directory of {@code cache}, empty when it is bound read-only. */
    Optional<Path> layerOf(Path cache) {
        return Optional.ofNullable(layers.get(cache));
    }

    public List<String> notices() {
        return notices;
    }

    /**
     * Whether no upper layer holds anything (the command wrote nothing into the caches), so that
     * {@link #merge()} would add nothing: one directory read per cache. Call once no process of the
     * sandbox is left.
     */
    boolean nothingToMerge() {
        for (Path layer : layers.values()) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(layer.resolve("upper"))) {
                if (entries.iterator().hasNext()) {
                    return false;
                }
            } catch (NoSuchFileException e) {
                // no overlay was mounted on it: nothing written
            } catch (IOException | RuntimeException e) {
                return false; // let the merge look and report
            }
        }
        return true;
    }

    /**
     * Adds the new files of every upper layer to its host cache. Call once no process of the sandbox
     * is left; {@link #remove()} afterwards.
     */
    CacheAdditions merge() {
        CacheAdditions result = CacheAdditions.NONE;
        for (Map.Entry<Path, Path> entry : layers.entrySet()) {
            result = result.plus(CacheMerge.merge(entry.getValue().resolve("upper"), entry.getKey()));
        }
        return result;
    }

    /** Removes this run's layers (merged or not) and any left by vg processes that are gone. */
    void remove() {
        if (runDir != null) {
            discard();
            removeAbandoned();
        }
    }

    /** Removes this run's layers without merging (the sandbox never started). */
    public void discard() {
        if (runDir != null) {
            removeTree(runDir);
        }
    }

    /** Run directories of vg processes that no longer run. */
    private void removeAbandoned() {
        String own = prefix();
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(root)) {
            for (Path run : runs) {
                String name = run.getFileName().toString();
                if (!name.startsWith(own) && !running(name)) {
                    removeTree(run);
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing to clean, or not now: a later run tries again
        }
    }

    /** Whether the vg process named by a run directory ("PID-STARTMILLIS-N") still runs. */
    private static boolean running(String runName) {
        String[] parts = runName.split("-");
        if (parts.length != 3) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[0]);
            long started = Long.parseLong(parts[1]);
            return ProcessHandle.of(pid).flatMap(p -> p.info().startInstant())
                    .map(start -> start.toEpochMilli() == started).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** "PID-STARTMILLIS-" of this process: a later vg tells from it whether this one still runs. */
    private static String prefix() {
        String prefix = processPrefix;
        if (prefix == null) {
            ProcessHandle self = ProcessHandle.current();
            long started = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
            prefix = self.pid() + "-" + started + "-";
            processPrefix = prefix;
        }
        return prefix;
    }

    /**
     * Deletes a run directory without following symlinks, opening each directory for its owner
     * first (the overlay's work dir is mode 000, and so may be what the command made). Iterative:
     * the command decides how deep the tree is.
     */
    static void removeTree(Path top) {
        Deque<Path> stack = new ArrayDeque<>();
        Set<Path> listed = new HashSet<>();
        stack.push(top);
        while (!stack.isEmpty()) {
            Path path = stack.peek();
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && listed.add(path)) {
                try {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                        entries.forEach(stack::push);
                    }
                } catch (IOException | RuntimeException e) {
                    // removed below if it is empty, else left for a later run's removeAbandoned
                }
                continue;
            }
            stack.pop();
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // left for a later run's removeAbandoned
            }
        }
    }
}
