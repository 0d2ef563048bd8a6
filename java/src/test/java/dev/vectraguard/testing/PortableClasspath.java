package dev.vectraguard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of this test JVM's class path (directories and jars) that any user can read, for child
 * JVMs started as an unprivileged user (~/.m2 under /root is not readable by them).
 */
public final class PortableClasspath implements AutoCloseable {
    private final Path root;
    private final String classpath;

    private PortableClasspath(Path root, String classpath) {
        this.root = root;
        this.classpath = classpath;
    }

    public static PortableClasspath create() throws IOException {
        Path root = Files.createTempDirectory("vg-classpath-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path source = Path.of(entry);
            if (Files.isDirectory(source)) {
                Path copy = root.resolve("dir" + index++);
                copyTree(source, copy);
                entries.add(copy.toString());
            } else if (Files.isRegularFile(source) && !source.getFileName().toString().startsWith("junit")
                    && !source.getFileName().toString().startsWith("opentest4j")
                    && !source.getFileName().toString().startsWith("apiguardian")) {
                Path copy = root.resolve("jar" + index++ + ".jar");
                Files.copy(source, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            }
        }
        return new PortableClasspath(root, String.join(":", entries));
    }

    public String classpath() {
        return classpath;
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination);
                }
                Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }
}
