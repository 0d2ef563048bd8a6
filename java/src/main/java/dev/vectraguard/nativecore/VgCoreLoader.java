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
 * is not writable, to a private temporary directory that is removed again right after loading).
 *
 * <p>The library is opened with {@link SymbolLookup#libraryLookup(Path, Arena)} in the global arena, so
 * it is never unloaded and is not tied to a class loader. Its {@code vg_abi_version()} must equal
 * {@code VG_CORE_ABI_VERSION}. Nothing here throws: a failure leaves {@link #available()} false and a
 * one-line {@link #unavailableReason()}, and every symbol lookup empty.
 */
public final class VgCoreLoader {

    /** The library inside the jar (and in target/classes). */
    public static final String RESOURCE = "/dev/vectraguard/nativecore/linux-x86_64/libvgcore.so";

    /** System property naming a libvgcore.so to load instead of the bundled one. */
    public static final String PATH_PROPERTY = "vg.native.path";

    private static final String LIBRARY_NAME = "libvgcore.so";
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
            return open(path, false);
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
                return open(Path.of(url.toURI()), false);
            } catch (URISyntaxException e) {
                return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": bad resource URL " + url);
            }
        }
        byte[] content;
        try (InputStream in = url.openStream()) {
            content = in.readAllBytes();
        } catch (IOException e) {
            return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": cannot read " + url + ": " + oneLine(e));
        }
        String hash = sha256Prefix(content);
        try {
            return open(extractToCache(content, hash), false);
        } catch (IOException cacheFailure) {
            try {
                Path privateDir = Files.createTempDirectory("vg-native-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                return open(writeLibrary(privateDir, content), true);
            } catch (IOException e) {
                return new State(NOTHING, null, "cannot load " + LIBRARY_NAME + ": cannot extract it ("
                        + oneLine(cacheFailure) + "; " + oneLine(e) + ")");
            }
        }
    }

    private static Path extractToCache(byte[] content, String hash) throws IOException {
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
        if (Files.isRegularFile(library) && hash.equals(sha256Prefix(Files.readAllBytes(library)))) {
            return library;
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return writeLibrary(dir, content);
    }

    /** Writes a temporary file next to the target and renames it over, so readers never see half a file. */
    private static Path writeLibrary(Path dir, byte[] content) throws IOException {
        Path target = dir.resolve(LIBRARY_NAME);
        Path temp = Files.createTempFile(dir, LIBRARY_NAME + ".", ".tmp",
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

    private static State open(Path path, boolean deleteAfterOpen) {
        try {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(path, Arena.global());
            } catch (IllegalArgumentException e) {
                return new State(NOTHING, path, "cannot load " + LIBRARY_NAME + ": " + dlopenError(path));
            }
            return checkAbi(lookup, path);
        } finally {
            if (deleteAfterOpen) {
                try {
                    Files.deleteIfExists(path);
                    Files.deleteIfExists(path.getParent());
                } catch (IOException ignored) {
                    // a leftover private temp dir is harmless
                }
            }
        }
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

    private static String sha256Prefix(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
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
