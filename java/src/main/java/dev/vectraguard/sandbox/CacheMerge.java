package dev.vectraguard.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Adds the new files of an overlay's upper layer to the host cache that was its lower layer, as
 * additions only: a file that exists in the cache is never replaced (the link that adds a file
 * fails if one appeared meanwhile); whiteouts (deletions), opaque directories, copied-up changes
 * of existing files, symlinks, devices, fifos and sockets are left out; set-id, sticky and
 * world-write bits and file capabilities are cleared; symlinks are never followed. Where the
 * store has hashes, a new file must match them or is refused: npm's content-addressed
 * {@code content-v2/ALGO/xx/yy/HEX}, and a file with a {@code .sha1}/{@code .sha256}/
 * {@code .sha512}/{@code .md5} sibling (Maven).
 */
final class CacheMerge {
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int KEPT_MODE_BITS = 0775;
    private static final List<String> CHECKSUM_EXTENSIONS = List.of("sha1", "sha256", "sha512", "md5");
    private static final Map<String, String> ALGORITHMS = Map.of("sha1", "SHA-1", "sha256", "SHA-256", "sha384", "SHA-384",
            "sha512", "SHA-512", "md5", "MD5");
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    /** Deeper than any package cache's layout; the command decides how deep its tree is. */
    private static final int MAX_DEPTH = 128;

    private CacheMerge() {}

    /** Merges {@code upper} into {@code cache}; a cache that is gone gets nothing. */
    static CacheAdditions merge(Path upper, Path cache) {
        List<String> refused = new ArrayList<>();
        int[] added = {0};
        if (Files.isDirectory(upper, NOFOLLOW) && Files.isDirectory(cache)) {
            try {
                Path root = cache.toRealPath();
                mergeDirectory(upper, root, root, true, 0, added, refused);
            } catch (IOException e) {
                refused.add(cache + ": not added: " + e.getMessage());
            }
        }
        return new CacheAdditions(added[0], refused);
    }

    /**
     * {@code target}: the cache directory that matches {@code upperDir}, which exists when
     * {@code targetExists}, else is made when the first file is added. {@code root}: the cache dir.
     */
    private static void mergeDirectory(Path upperDir, Path target, Path root, boolean targetExists, int depth,
                                       int[] added, List<String> refused) {
        if (depth > MAX_DEPTH) {
            refused.add(target + ": not added, more than " + MAX_DEPTH + " directories deep");
            return;
        }
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(upperDir)) {
            for (Path entry : entries) {
                int type = mode(entry) & S_IFMT;
                if (type == S_IFREG) {
                    files.add(entry);
                } else if (type == S_IFDIR) {
                    dirs.add(entry);
                }
            }
        } catch (IOException e) {
            refused.add(target + ": not added, its layer cannot be read: " + e.getMessage());
            return;
        }
        boolean made = targetExists;
        for (Path file : files) {
            Path destination = target.resolve(file.getFileName().toString());
            if (Files.exists(destination, NOFOLLOW)) {
                continue; // a copied-up change of an existing entry, or one added meanwhile
            }
            try {
                String mismatch = verify(file, destination, root);
                if (mismatch != null) {
                    refused.add(destination + ": " + mismatch);
                    continue;
                }
                    if (!made) {
                    Files.createDirectories(target);
                    made = true;
                }
                if (add(file, destination)) {
                    added[0]++;
                }
            } catch (IOException e) {
                refused.add(destination + ": cannot add: " + e.getMessage());
            }
        }
        for (Path dir : dirs) {
            Path destination = target.resolve(dir.getFileName().toString());
            boolean exists = Files.exists(destination, NOFOLLOW);
            if (exists && (!Files.isDirectory(destination, NOFOLLOW) || opaque(dir))) {
                continue; // a directory put in place of something else
            }
            mergeDirectory(dir, destination, root, exists, depth + 1, added, refused);
        }
    }

    /** Links (or, across filesystems, copies then links) {@code file} in as {@code destination}; false when it exists. */
    private static boolean add(Path file, Path destination) throws IOException {
        int mode = mode(file);
        // A chown, even to the same owner, makes the kernel drop set-id bits and file capabilities.
        Files.setAttribute(file, "unix:uid", Files.getAttribute(file, "unix:uid", NOFOLLOW), NOFOLLOW);
        if ((mode & 07777 & ~KEPT_MODE_BITS) != 0) {
            Files.setPosixFilePermissions(file, permissions(mode & KEPT_MODE_BITS));
        }
        dropOverlayAttributes(file);
        try {
            Files.createLink(destination, file);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException crossDevice) {
            Path staged = destination.resolveSibling(".vg-add-" + UUID.randomUUID());
            try {
                Files.copy(file, staged, LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(staged, permissions(mode & KEPT_MODE_BITS));
                Files.createLink(destination, staged);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(staged);
            }
        }
    }

    /**
     * Why {@code file} (to become {@code destination}) does not match its hash, or null: a
     * content-addressed npm entry must hash to its name; a file must match its checksum siblings
     * (new or existing), and a new checksum file must match the file beside it.
     */
    private static String verify(Path file, Path destination, Path root) throws IOException {
        List<String> parts = new ArrayList<>();
        for (Path part : root.relativize(destination)) {
            parts.add(part.toString());
        }
        int content = parts.lastIndexOf("content-v2");
        if (content >= 0 && content == parts.size() - 5) {
            String algorithm = ALGORITHMS.get(parts.get(content + 1));
            String hex = parts.get(content + 2) + parts.get(content + 3) + parts.get(content + 4);
            if (algorithm == null) {
                return "content under an unknown hash algorithm";
            }
            return hex.equalsIgnoreCase(digest(file, algorithm)) ? null : "content does not match its " + parts.get(content + 1) + " name";
        }
        String name = destination.getFileName().toString();
        for (String extension : CHECKSUM_EXTENSIONS) {
            if (name.endsWith("." + extension) && name.length() > extension.length() + 1) {
                String subject = name.substring(0, name.length() - extension.length() - 1);
                Path newSubject = file.resolveSibling(subject);
                Path subjectFile = Files.isRegularFile(newSubject, NOFOLLOW) && !Files.exists(destination.resolveSibling(subject), NOFOLLOW)
                        ? newSubject : destination.resolveSibling(subject);
                if (!Files.isRegularFile(subjectFile, NOFOLLOW)) {
                    return null;
                }
                return matches(subjectFile, file, extension) ? null : "does not match " + subject;
            }
        }
        for (String extension : CHECKSUM_EXTENSIONS) {
            Path newChecksum = file.resolveSibling(name + "." + extension);
            Path oldChecksum = destination.resolveSibling(name + "." + extension);
            Path checksum = Files.exists(oldChecksum, NOFOLLOW) ? oldChecksum : newChecksum;
            if (Files.isRegularFile(checksum, NOFOLLOW) && !matches(file, checksum, extension)) {
                return "does not match its ." + extension;
            }
        }
        return null;
    }

    /** Whether {@code subject} hashes to the first word of {@code checksum} (Maven's format). */
    private static boolean matches(Path subject, Path checksum, String extension) throws IOException {
        String expected;
        try (InputStream in = Files.newInputStream(checksum, NOFOLLOW)) {
            String text = new String(in.readNBytes(1024), StandardCharsets.US_ASCII).strip();
            expected = text.isEmpty() ? "" : text.split("\\s+")[0];
        }
        return expected.equalsIgnoreCase(digest(subject, ALGORITHMS.get(extension)));
    }

    private static String digest(Path file, String algorithm) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(algorithm + " is not available", e);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            while (channel.read(buffer) > 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The overlay marked this directory as replacing the lower one ("rm -r d; mkdir d"). */
    private static boolean opaque(Path dir) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class, NOFOLLOW);
            return view != null && view.list().contains("overlay.opaque");
        } catch (IOException | UnsupportedOperationException e) {
            return true;
        }
    }

    /** The overlay's own attributes (user.overlay.*) stay in the layer, not in the cache. */
    private static void dropOverlayAttributes(Path file) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, NOFOLLOW);
        if (view == null) {
            return;
        }
        try {
            for (String name : view.list()) {
                if (name.startsWith("overlay.")) {
                    view.delete(name);
                }
            }
        } catch (UnsupportedOperationException e) {
            // no user attributes on this filesystem: nothing to drop
        }
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, 0400 .. 0001
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }
}
