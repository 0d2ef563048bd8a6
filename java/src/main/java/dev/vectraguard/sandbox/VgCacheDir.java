package dev.vectraguard.sandbox;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

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
        Path real = VgOwnDirs.resolve(configured);
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
        String writable = VgOwnDirs.writableReason(spec, real);
        if (writable != null) {
            throw refused(real, writable);
        }
        String notOwn = VgOwnDirs.notOwnReason(real, uid);
        if (notOwn != null) {
            throw refused(real, notOwn);
        }
        return real;
    }

    private static void create(Path dir) throws SandboxException {
        String problem = VgOwnDirs.createPrivate(dir);
        if (problem != null) {
            throw new SandboxException("cannot create sandbox.cache_dir " + dir + ": " + problem);
        }
        String notOwn = VgOwnDirs.notOwnReason(dir, CallerAccount.ids()[0]);
        if (notOwn != null) {
            throw refused(dir, notOwn); // made by someone else in between
        }
    }

    /** One line: where, why, and where vg's own cache may be (a sandbox or another user there could change what later runs trust). */
    private static SandboxException refused(Path real, String reason) {
        return new SandboxException("sandbox.cache_dir " + real + " " + reason + ": vg's own cache must be a directory of yours "
                + "outside system directories, the workspace, cache dirs and writable binds");
    }
}
