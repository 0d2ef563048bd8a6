package dev.vectraguard.nativecore;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds and opens libvgcore.so once, for {@link vg_core_h} and {@link NativeCore}.
 *
 * <p>Where the library comes from, in order: the file named by system property {@code vg.native.path};
 * the class-path resource {@value #RESOURCE} directly when it is a plain file (running from
 * target/classes); otherwise the resource extracted once to
 * {@code ${XDG_CACHE_HOME:-~/.cache}/vectra-guard/native/<sha256-prefix>/libvgcore.so} (or, when that
 * is not writable, to a private temporary directory that is removed when the JVM exits).
 *
 * <p>The library execs the sandbox reaper {@code vg-init} ({@value #INIT_RESOURCE}) from its own
 * directory, so wherever the library is, {@code vg-init} must be next to it: it is extracted beside
 * the library (the hash in the directory name covers both files), is there in target/classes, and
 * must be copied next to a library named by {@code vg.native.path}.
 *
 * <p>The library is opened with {@link SymbolLookup#libraryLookup(Path, Arena)} in the global arena, so
 * it is never unloaded and is not tied to a class loader. Its {@code vg_abi_version()} must equal
 * {@code VG_CORE_ABI_VERSION}. Nothing here throws: a failure leaves {@link #available()} false and a
 * one-line {@link #unavailableReason()}, and every symbol lookup empty.
 */
public final class VgCoreLoader {

    /** The library inside the jar (and in target/classes). */
    public static final String RESOURCE = "/dev/vectraguard/nativecore/linux-x86_64/libvgcore.so";

    /** The sandbox reaper the library execs, next to it in the jar (and in target/classes). */
    public static final String INIT_RESOURCE = "/dev/vectraguard/nativecore/linux-x86_64/vg-init";

    /** System property naming a libvgcore.so to load instead of the bundled one. */
    public static final String PATH_PROPERTY = "vg.native.path";

    private static final String LIBRARY_NAME = "libvgcore.so";
    private static final String INIT_NAME = "vg-init";
    private static final int HASH_PREFIX_HEX_CHARS = 16;
    private static final SymbolLookup NOTHING = name -> Optional.empty();

    private record State(SymbolLookup lookup, Path path, String unavailableReason) {}

    private static final State STATE = loadOnce();

    private VgCoreLoader() {}

    /** True when libvgcore.so was opened and has the expected ABI version. */
    public static boolean available() {
        return STATE.unavailableReason == null;
    }

    /** Why the library is unavailable, in one line; empty when it is available. */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(STATE.unavailableReason);
    }

    /** The file that was (or was attempted to be) opened; empty when none was found. */
    public static Optional<Path> libraryPath() {
        return Optional.ofNullable(STATE.path);
    }

    /** The library's symbols; finds nothing when the library is unavailable. */
    static SymbolLookup lookup() {
        return STATE.lookup;
    }

    /** True when the loaded library exports {@code symbol}. */
    public static boolean hasSymbol(String symbol) {
        return STATE.lookup.find(symbol).isPresent();
    }

    private static State loadOnce() {
        try {
            return load();
        } catch (RuntimeException | LinkageError e) {
            // Never let class initialisation fail: the CLI must still run and say why.
            return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": " + oneLine(e));
        }
    }

    private static State load() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                return new State(NOTHING, path, "cannot load " + LIBRARY_NAME + ": " + path
                        + ": no such file (set by -D" + PATH_PROPERTY + ")");
            }
            return open(path);
        }
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return new State(NOTHING, null, "no native core for " + os + "/" + arch + " (only linux-x86_64)");
        }
        URL url = VgCoreLoader.class.getResource(RESOURCE);
        if (url == null) {
            return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": not bundled (resource "
                    + RESOURCE + " missing; set -D" + PATH_PROPERTY + ")");
        }
        if (url.getProtocol().equals("file")) {
            try {
                return open(Path.of(url.toURI()));
            } catch (URISyntaxException e) {
                return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": bad resource URL " + url);
            }
        }
        URL initUrl = VgCoreLoader.class.getResource(INIT_RESOURCE);
        if (initUrl == null) {
            return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": " + INIT_NAME + " not bundled (resource "
                    + INIT_RESOURCE + " missing)");
        }
        byte[] content;
        byte[] init;
        try (InputStream in = url.openStream(); InputStream initIn = initUrl.openStream()) {
            content = in.readAllBytes();
            init = initIn.readAllBytes();
        } catch (IOException e) {
            return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": cannot read " + url + ": " + oneLine(e));
        }
        String hash = sha256Prefix(content, init);
        try {
            return open(extractToCache(content, init, hash));
        } catch (IOException cacheFailure) {
            try {
                Path privateDir = Files.createTempDirectory("vg-native-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                // Deleted in reverse order of registration: the files, then the directory.
                privateDir.toFile().deleteOnExit();
                privateDir.resolve(INIT_NAME).toFile().deleteOnExit();
                privateDir.resolve(LIBRARY_NAME).toFile().deleteOnExit();
                writeFile(privateDir, INIT_NAME, init);
                return open(writeFile(privateDir, LIBRARY_NAME, content));
            } catch (IOException e) {
                return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": cannot extract it ("
                        + oneLine(cacheFailure) + "; " + oneLine(e) + ")");
            }
        }
    }

    private static Path extractToCache(byte[] content, byte[] init, String hash) throws IOException {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cacheRoot;
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            cacheRoot = Path.of(xdg);
        } else {
            String home = System.getProperty("user.home");
            if (home == null || home.isBlank() || home.equals("?")) {
                throw new IOException("no home directory");
            }
            cacheRoot = Path.of(home, ".cache");
        }
        Path dir = cacheRoot.resolve("vectra-guard").resolve("native").resolve(hash);
        Path library = dir.resolve(LIBRARY_NAME);
        Path initFile = dir.resolve(INIT_NAME);
        if (Files.isRegularFile(library) && Files.isRegularFile(initFile)
                && hash.equals(sha256Prefix(Files.readAllBytes(library), Files.readAllBytes(initFile)))) {
            return library;
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        writeFile(dir, INIT_NAME, init);
        return writeFile(dir, LIBRARY_NAME, content);
    }

    /** Writes a temporary file next to the target and renames it over, so readers never see half a file. */
    private static Path writeFile(Path dir, String name, byte[] content) throws IOException {
        Path target = dir.resolve(name);
        Path temp = Files.createTempFile(dir, name + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, content);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r-x------"));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static State open(Path path) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            return new State(NOTHING, path, "cannot load " + LIBRARY_NAME + ": " + dlopenError(path));
        }
        return checkAbi(lookup, path);
    }

    private static State checkAbi(SymbolLookup lookup, Path path) {
        Optional<MemorySegment> abi = lookup.find("vg_abi_version");
        if (abi.isEmpty()) {
            return new State(NOTHING, path, "cannot load " + LIBRARY_NAME + ": " + path + " has no vg_abi_version (not libvgcore?)");
        }
        int expected = vg_core_h.VG_CORE_ABI_VERSION();
        int actual;
        try {
            MethodHandle handle = Linker.nativeLinker().downcallHandle(abi.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
            actual = (int) handle.invokeExact();
        } catch (Throwable e) {
            return new State(NOTHING, path, "cannot load " + LIBRARY_NAME + ": vg_abi_version() failed: " + oneLine(e));
        }
        if (actual != expected) {
            return new State(NOTHING, path, LIBRARY_NAME + " at " + path + " has ABI version " + actual
                    + ", this vg needs " + expected + " (mismatched build)");
        }
        return new State(lookup, path, null);
    }

    /**
     * The dynamic linker's own message ("libseccomp.so.2: cannot open shared object file: ..."), which
     * SymbolLookup.libraryLookup does not pass on. Falls back to the path alone.
     */
    private static String dlopenError(Path path) {
        final int rtldNow = 0x2;
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MemorySegment dlopen = libc.find("dlopen").orElseThrow();
            MemorySegment dlerror = libc.find("dlerror").orElseThrow();
            MemorySegment dlclose = libc.find("dlclose").orElseThrow();
            MethodHandle open = linker.downcallHandle(dlopen,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle error = linker.downcallHandle(dlerror, FunctionDescriptor.of(ValueLayout.ADDRESS));
            MethodHandle close = linker.downcallHandle(dlclose, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MemorySegment handle = (MemorySegment) open.invokeExact(arena.allocateFrom(path.toString()), rtldNow);
            if (!handle.equals(MemorySegment.NULL)) {
                int ignored = (int) close.invokeExact(handle);
                return path + ": cannot open shared object";
            }
            MemorySegment message = (MemorySegment) error.invokeExact();
            if (message.equals(MemorySegment.NULL)) {
                return path + ": cannot open shared object";
            }
            return message.reinterpret(4096).getString(0);
        } catch (Throwable e) {
            return path + ": cannot open shared object";
        }
    }

    /** Of the library and vg-init together (each length-prefixed, so no two pairs hash alike). */
    private static String sha256Prefix(byte[] library, byte[] init) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] part : new byte[][] {library, init}) {
                sha.update(java.nio.ByteBuffer.allocate(Long.BYTES).putLong(part.length).array());
                sha.update(part);
            }
            byte[] digest = sha.digest();
            return HexFormat.of().formatHex(digest).substring(0, HASH_PREFIX_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replace('\n', ' ');
    }
}
