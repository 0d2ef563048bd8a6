package dev.vectraguard.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a sandbox may be given write access on the host. A workspace, cache dir or writable bind
 * is refused when it (symlinks resolved) is, contains or lies inside a system directory, is the
 * shared /tmp or /var/tmp, contains a home directory, or is, contains or lies inside a credential
 * path of a home: a command writing there could change the host system, reach other processes'
 * sockets, another user's files, the user's login files or the vg config of later runs.
 *
 * @param homes       the homes whose credentials and whose containers are protected: the account's
 *                    home from the password database and the home the sandbox shows ({@code $HOME}),
 *                    literal and resolved
 * @param accountHome the account's home, resolved, when paths inside it are the account's own even
 *                    under a system directory (a home under /var, as /var/lib/jenkins or Silverblue's
 *                    /var/home/u); null for a home of fewer than two levels ("/", "/root")
 * @param credentials the credential paths of those homes, literal and resolved
 */
record WritableLocations(Set<Path> homes, Path accountHome, Set<Path> credentials) {
    /** Top-level system directories (and every /lib*): refused when a path is one or lies inside one. */
    static final Set<String> SYSTEM_TOP_LEVEL = Set.of("etc", "usr", "bin", "sbin", "boot", "var", "opt", "srv", "proc",
            "sys", "dev", "run");

    /** The scratch directory inside a system directory that may hold workspaces. */
    static final Path SYSTEM_SCRATCH = Path.of("/var/tmp");

    /** Scratch directories every process of the host shares (their unix sockets, such as ssh-agent's, too). */
    static final List<Path> SHARED_SCRATCH = List.of(Path.of("/tmp"), SYSTEM_SCRATCH);

    /** Directories holding every user's home: refused when a path is or contains one. */
    static final List<Path> HOME_PARENTS = List.of(Path.of("/home"), Path.of("/root"));

    static WritableLocations of(Path accountHome, Path sandboxHome) {
        Set<Path> homes = new LinkedHashSet<>();
        for (Path home : List.of(accountHome, sandboxHome)) {
            homes.add(home);
            homes.add(real(home));
        }
        Set<Path> credentials = new LinkedHashSet<>();
        for (Path home : homes) {
            for (String credential : MountPlanner.HOME_CREDENTIALS) {
                Path path = home.resolve(credential);
                credentials.add(path);
                credentials.add(real(path));
            }
        }
        Path ownHome = real(accountHome);
        return new WritableLocations(Collections.unmodifiableSet(homes), ownHome.getNameCount() >= 2 ? ownHome : null,
                Collections.unmodifiableSet(credentials));
    }

    /**
     * {@code path} with its symlinks resolved; itself when it does not exist or cannot be resolved.
     * (A dangling link resolves to nothing either way: asked following links, the check of a missing
     * path throws no exception inside the JDK, and most credential paths are missing.)
     */
    private static Path real(Path path) {
        if (!Files.exists(path)) {
            return path;
        }
        try {
            return path.toRealPath();
        } catch (IOException unresolvable) {
            return path; // a dangling link hides nothing more than its own path
        }
    }

    /**
     * Refuses a writable location; {@code real} has its symlinks resolved, {@code what} names it in
     * the message (e.g. "workspace", "bind mount").
     */
    void check(String what, Path real, String remedy) throws SandboxException {
        String reason = reason(real);
        if (reason != null) {
            throw new SandboxException(what + " " + real + " " + reason + ": a sandbox may not write there; " + remedy);
        }
    }

    /** Why {@code real} may not be written by a sandbox, or null when it may. */
    String reason(Path real) {
        String system = systemReason(real);
        if (system != null) {
            return system;
        }
        if (SHARED_SCRATCH.contains(real)) {
            return "is the host's shared scratch directory (every process's files and sockets, ssh-agent's too); "
                    + "use a directory inside it";
        }
        String homeReason = homeReason(real);
        if (homeReason != null) {
            return homeReason;
        }
        for (Path credential : credentials) {
            if (real.startsWith(credential)) {
                return (real.equals(credential) ? "is" : "lies inside") + " the credential path " + credential;
            }
            if (credential.startsWith(real)) {
                return "contains the credential path " + credential;
            }
        }
        return null;
    }

    /** Why {@code real} is the root, a system directory or lies inside one (the account's own files aside), or null. */
    String systemReason(Path real) {
        if (real.getNameCount() == 0) {
            return "is the root directory";
        }
        String top = real.getName(0).toString();
        boolean ownFiles = accountHome != null && real.startsWith(accountHome) && !real.equals(accountHome);
        if ((SYSTEM_TOP_LEVEL.contains(top) || top.startsWith("lib")) && !real.startsWith(SYSTEM_SCRATCH) && !ownFiles) {
            return (real.getNameCount() == 1 ? "is" : "lies inside") + " the system directory /" + top;
        }
        return null;
    }

    /** Why {@code real} is or contains a home directory, or null. */
    String homeReason(Path real) {
        for (Path home : homes) {
            if (home.startsWith(real)) {
                return (home.equals(real) ? "is" : "contains") + " the home directory " + home;
            }
        }
        for (Path parent : HOME_PARENTS) {
            if (parent.startsWith(real)) {
                return "holds the home directories of users";
            }
        }
        return null;
    }

    /**
     * The real path of {@code path}, which may not exist yet: its longest existing prefix resolved,
     * the rest appended (so a cache dir can be checked before it is created).
     */
    static Path resolve(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        return existing.toRealPath().resolve(existing.relativize(absolute));
    }
}
