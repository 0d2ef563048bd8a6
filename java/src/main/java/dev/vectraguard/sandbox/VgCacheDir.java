package dev.vectraguard.sandbox;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * vg's own cache directory ({@code sandbox.cache_dir}, {@code ~/.cache/vectra-guard} unless set):
 * the per-run layers of the append-only caches, merged back into the host caches, and the filtered
 * tool config that later runs show. A sandbox must never write it, so a configured one is refused
 * when it is or lies inside a system directory, contains a home, or overlaps (is, contains or lies
 * inside) the workspace, a cache dir or a writable bind; an existing one must be a directory of the
 * caller's, not group- or world-writable; a missing one is created mode 0700.
 */
public final class VgCacheDir {
    /** The default, relative to HOME (hidden in every bound directory as a credential path is). */
    public static final String DEFAULT = ".cache/vectra-guard";

    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private VgCacheDir() {}

    /**
     * The checks of a configured directory that create nothing ({@code vg config validate}, and every
     * runtime's start); nothing to check for the default.
     */
    static void check(SandboxSpec spec) throws SandboxException {
        if (spec.vgCacheDir().isPresent()) {
            checked(spec);
        }
    }

    /** The spec's vg cache directory: {@code sandbox.cache_dir}, checked and created when missing, else {@link #DEFAULT} under {@code home}. */
    public static Path prepare(SandboxSpec spec, Path home) throws SandboxException {
        if (spec.vgCacheDir().isEmpty()) {
            return home.resolve(DEFAULT);
        }
        Path real = checked(spec);
        if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
            create(real);
        }
        return real;
    }

    /** The configured directory with its symlinks resolved, refused where a sandbox could write it. */
    private static Path checked(SandboxSpec spec) throws SandboxException {
        Path configured = spec.vgCacheDir().orElseThrow();
        Path real = resolve(configured);
        Path home = CallerAccount.homeDirectory(spec.environment());
        int uid = CallerAccount.ids()[0];
        WritableLocations locations = WritableLocations.of(CallerAccount.accountHome(uid), home);
        String system = locations.systemReason(real);
        if (system != null) {
            throw refused(real, system);
        }
        String homeReason = locations.homeReason(real);
        if (homeReason != null) {
            throw refused(real, homeReason);
        }
        for (Writable writable : writableByTheSandbox(spec)) {
            Path other = resolve(writable.path());
            if (real.startsWith(other) || other.startsWith(real)) {
                String relation = real.equals(other) ? "is" : real.startsWith(other) ? "lies inside" : "contains";
                throw refused(real, relation + " the " + writable.what() + " " + other + ", which the sandbox can write");
            }
        }
        requireOwnDirectory(real, uid);
        return real;
    }

    /** A host directory a sandbox of the spec may write, and what it is. */
    private record Writable(String what, Path path) {}

    private static List<Writable> writableByTheSandbox(SandboxSpec spec) {
        List<Writable> writable = new ArrayList<>();
        writable.add(new Writable("workspace", spec.workspace()));
        spec.cacheDirs().forEach(cache -> writable.add(new Writable("cache dir", cache)));
        spec.bindMounts().stream().filter(bind -> !bind.readOnly())
                .forEach(bind -> writable.add(new Writable("writable bind mount", bind.hostPath())));
        return writable;
    }

    /** An existing directory must be the caller's and writable by nobody else (git's safe.directory rule). */
    private static void requireOwnDirectory(Path real, int uid) throws SandboxException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            return;
        } catch (IOException | UnsupportedOperationException e) {
            throw refused(real, "cannot be checked (" + e.getMessage() + ")");
        }
        if (!attributes.isDirectory()) {
            throw refused(real, "is not a directory");
        }
        int owner;
        try {
            owner = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(real, "cannot be checked (" + e.getMessage() + ")");
        }
        if (owner != uid) {
            throw refused(real, "is owned by uid " + owner + ", not by you (uid " + uid + ")");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw refused(real, "is group- or world-writable (chmod go-w " + real + ")");
        }
    }

    private static void create(Path dir) throws SandboxException {
        try {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            // The umask may have removed bits we asked for; it cannot have added any.
            Files.setPosixFilePermissions(dir, DIR_MODE);
        } catch (FileAlreadyExistsException raced) {
            // made by a concurrent vg (or someone else: checked again)
            requireOwnDirectory(dir, CallerAccount.ids()[0]);
        } catch (IOException e) {
            throw new SandboxException("cannot create sandbox.cache_dir " + dir + ": " + e.getMessage());
        }
    }

    private static Path resolve(Path path) throws SandboxException {
        try {
            return WritableLocations.resolve(path);
        } catch (IOException e) {
            throw new SandboxException("cannot resolve " + path + ": " + e.getMessage());
        }
    }

    /** One line: where, why, and where vg's own cache may be (a sandbox or another user there could change what later runs trust). */
    private static SandboxException refused(Path real, String reason) {
        return new SandboxException("sandbox.cache_dir " + real + " " + reason + ": vg's own cache must be a directory of yours "
                + "outside system directories, the workspace, cache dirs and writable binds");
    }
}
