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
 * The checks vg's own locations share ({@link VgCacheDir}, the state dir, the trust store's
 * directory, {@link PrivateDir}): none may be, contain or lie inside a place a sandbox can write
 * (the workspace, a cache dir, a writable bind), and one that must be the caller's is a directory
 * of the caller's that nobody else can write.
 */
public final class VgOwnDirs {
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private VgOwnDirs() {}

    /**
     * Refuses each of the spec's {@link PrivateDir}s that a sandbox of the spec could write, or
     * that is not the caller's when it must be. Creates nothing.
     */
    public static void checkPrivateDirs(SandboxSpec spec) throws SandboxException {
        int uid = CallerAccount.ids()[0];
        for (PrivateDir dir : spec.privateDirs()) {
            Path real = resolve(dir.path());
            String reason = writableReason(spec, real);
            if (reason == null && dir.mustBeOwn()) {
                reason = notOwnReason(real, uid);
            }
            if (reason != null) {
                throw new SandboxException(dir.name() + " " + real + " " + reason + ": vg's state must be a directory of yours "
                        + "that no sandbox can write (outside the workspace, cache dirs and writable binds)");
            }
        }
    }

    /** A host directory a sandbox of the spec may write, and what it is. */
    private record Writable(String what, Path path) {}

    /** Why a sandbox of {@code spec} could write {@code real} (symlinks resolved): it is, contains or lies inside a place it writes; null if none. */
    static String writableReason(SandboxSpec spec, Path real) throws SandboxException {
        List<Writable> writable = new ArrayList<>();
        writable.add(new Writable("workspace", spec.workspace()));
        spec.cacheDirs().forEach(cache -> writable.add(new Writable("cache dir", cache)));
        spec.bindMounts().stream().filter(bind -> !bind.readOnly())
                .forEach(bind -> writable.add(new Writable("writable bind mount", bind.hostPath())));
        for (Writable place : writable) {
            Path other = resolve(place.path());
            if (real.startsWith(other) || other.startsWith(real)) {
                String relation = real.equals(other) ? "is" : real.startsWith(other) ? "lies inside" : "contains";
                return relation + " the " + place.what() + " " + other + ", which the sandbox can write";
            }
        }
        return null;
    }

    /** Why an existing {@code real} is not a directory of {@code uid}'s that only it can write (git's safe.directory rule); null if it is or is missing. */
    static String notOwnReason(Path real, int uid) {
        PosixFileAttributes attributes;
        int owner;
        try {
            attributes = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            owner = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "cannot be checked (" + e.getMessage() + ")";
        }
        if (!attributes.isDirectory()) {
            return "is not a directory";
        }
        if (owner != uid) {
            return "is owned by uid " + owner + ", not by you (uid " + uid + ")";
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            return "is group- or world-writable (chmod go-w " + real + ")";
        }
        return null;
    }

    /** Creates {@code dir} mode 0700 (its parents as the umask says); null when done or made meanwhile, else why not. */
    static String createPrivate(Path dir) {
        try {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            // The umask may have removed bits we asked for; it cannot have added any.
            Files.setPosixFilePermissions(dir, DIR_MODE);
        } catch (FileAlreadyExistsException raced) {
            return null; // made by a concurrent vg (or someone else: the caller checks it again)
        } catch (IOException e) {
            return e.getMessage();
        }
        return null;
    }

    static Path resolve(Path path) throws SandboxException {
        try {
            return WritableLocations.resolve(path);
        } catch (IOException e) {
            throw new SandboxException("cannot resolve " + path + ": " + e.getMessage());
        }
    }
}
