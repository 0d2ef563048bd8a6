package dev.vectraguard.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Private files a runtime hands to the program it starts (the environment and seccomp profile of
 * a container, bubblewrap's seccomp program), in one directory per vg process:
 * {@code java.io.tmpdir/vg-run-<pid>-<random>}, mode 0700, each file 0600. A run removes its own
 * files and the process its directory at exit; a vg that was killed first leaves its directory,
 * which the next vg process to need one removes once that pid is gone (only directories of this
 * user's, never through a symlink).
 */
public final class RunFiles {
    private static final String PREFIX = "vg-run-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");
    private static Path dir;

    private RunFiles() {}

    /** A new file {@code prefix*} holding {@code content}, readable by this user only. */
    public static Path write(String prefix, byte[] content) throws IOException {
        Path file = Files.createTempFile(directory(), prefix, "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content);
        return file;
    }

    private static synchronized Path directory() throws IOException {
        if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            removeLeftBehind(tmp);
            Path created = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (dir == null) {
                java.lang.Runtime.getRuntime().addShutdownHook(new Thread(RunFiles::removeOwn, "vg-run-files"));
            }
            dir = created;
        }
        return dir;
    }

    /** At exit: this process's directory, if its runs removed their files (a running one keeps its own). */
    private static synchronized void removeOwn() {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException notEmpty) {
            // a run still holds files: the next vg removes them once this pid is gone
        }
    }

    /** The directories of this user's vg processes that no longer run, with the files in them. */
    private static void removeLeftBehind(Path tmp) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path entry : entries) {
                Matcher name = NAME.matcher(entry.getFileName().toString());
                if (!name.matches() || ProcessHandle.of(Long.parseLong(name.group(1))).isPresent()) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory()
                        && (Integer) Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS) == CallerAccount.ids()[0]) {
                    removeFlat(entry);
                }
            }
        } catch (IOException | SandboxException | NumberFormatException | UnsupportedOperationException e) {
            // a directory that cannot be listed or removed now: a later vg tries again
        }
    }

    private static void removeFlat(Path directory) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(directory);
    }
}
