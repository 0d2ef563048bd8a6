package dev.vectraguard.server;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * The build this server runs: its jar's inode, size and modification time. A rebuild or a package
 * upgrade replaces the jar, and the server then hands its clients to a new server.
 */
final class BuildStamp {
    private final Path jar;
    private final Map<String, Object> recorded;

    private BuildStamp(Path jar) {
        this.jar = jar;
        this.recorded = jar == null ? null : read(jar);
    }

    /** The jar this class was loaded from (none when run from a classes directory, e.g. in tests). */
    static BuildStamp ofRunningJar() {
        try {
            Path source = Path.of(VgServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new BuildStamp(Files.isRegularFile(source) ? source : null);
        } catch (URISyntaxException | RuntimeException e) {
            return new BuildStamp(null);
        }
    }

    /** Whether the jar is no longer the one this server loaded (replaced, rebuilt or removed). */
    boolean changed() {
        return jar != null && !read(jar).equals(recorded);
    }

    private static Map<String, Object> read(Path jar) {
        try {
            Map<String, Object> stat = Files.readAttributes(jar, "unix:ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
            return Map.of("ino", stat.get("ino"), "size", stat.get("size"), "mtime", stat.get("lastModifiedTime"),
                    "ctime", stat.get("ctime"));
        } catch (IOException e) {
            return Map.of();
        }
    }
}
