package dev.vectraguard.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The data files shipped with vg (presets, seccomp profiles): read from the directory named by
 * system property {@value #DIR_PROPERTY} when it is set (an installed vg:
 * {@code /usr/share/vectra-guard/presets/developer.yaml}), otherwise from the class-path resource
 * {@code /dev/vectraguard/<kind>/<file>} inside the vg jar.
 */
public final class ShippedFiles {
    /** System property naming the directory that holds {@code presets/} and {@code seccomp/}. */
    public static final String DIR_PROPERTY = "vg.share.dir";

    private ShippedFiles() {}

    /**
     * The text of {@code kind/file}; empty when the jar does not carry it and no directory is set.
     *
     * @throws IOException when the directory is set and the file cannot be read there (the message names the path)
     */
    public static Optional<String> read(String kind, String file) throws IOException {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isEmpty()) {
            Path path = Path.of(dir, kind, file);
            try {
                return Optional.of(Files.readString(path));
            } catch (NoSuchFileException e) {
                throw new IOException(path + ": no such file (set by -D" + DIR_PROPERTY + ")");
            }
        }
        try (InputStream in = ShippedFiles.class.getResourceAsStream("/dev/vectraguard/" + kind + "/" + file)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
