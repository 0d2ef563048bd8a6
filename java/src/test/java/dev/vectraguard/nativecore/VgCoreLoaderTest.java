package dev.vectraguard.nativecore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading happens once per JVM, so every scenario but the first runs {@link LoaderProbe} in a fresh JVM. */
class VgCoreLoaderTest {

    @Test
    void loadsTheBuiltLibraryFromTheClassPath() {
        assertTrue(NativeCore.available(), () -> "unavailable: " + NativeCore.unavailableReason().orElse("?"));
        assertTrue(NativeCore.unavailableReason().isEmpty());
        assertEquals(vg_core_h.VG_CORE_ABI_VERSION(), vg_core_h.vg_abi_version());
        Path path = VgCoreLoader.libraryPath().orElseThrow();
        String explicit = System.getProperty(VgCoreLoader.PATH_PROPERTY);
        if (explicit != null) {
            assertEquals(Path.of(explicit).toAbsolutePath(), path);
        } else {
            assertTrue(path.endsWith(Path.of("dev/vectraguard/nativecore/linux-x86_64/libvgcore.so")), path.toString());
        }
        assertTrue(VgCoreLoader.hasSymbol("vg_abi_version"));
        assertFalse(VgCoreLoader.hasSymbol("vg_no_such_function"));
    }

    @Test
    void systemPropertyNamesTheLibrary(@TempDir Path temp) throws Exception {
        Path copy = temp.resolve("libvgcore.so");
        Files.copy(builtLibrary(), copy);
        Map<String, String> out = probe(List.of("-Dvg.native.path=" + copy), Map.of(), classPath());
        assertEquals("true", out.get("available"), out.toString());
        assertEquals(copy.toString(), out.get("path"));
        assertEquals(Integer.toString(vg_core_h.VG_CORE_ABI_VERSION()), out.get("abi"));
    }

    @Test
    void missingFileGivesAClearReason(@TempDir Path temp) throws Exception {
        Path missing = temp.resolve("nope/libvgcore.so");
        Map<String, String> out = probe(List.of("-Dvg.native.path=" + missing), Map.of(), classPath());
        assertEquals("false", out.get("available"));
        assertEquals("cannot load libvgcore.so: " + missing + ": no such file (set by -Dvg.native.path)", out.get("reason"));
        assertEquals("native core unavailable: " + out.get("reason"), out.get("facade"));
    }

    @Test
    void missingDependencyNamesTheDependency(@TempDir Path temp) throws Exception {
        Path cc = BindingsMatchHeaderTest.findOnPath("cc");
        assumeTrue(cc != null, "no C compiler");
        Path depSource = write(temp.resolve("dep.c"), "int vg_test_dep(void) { return 7; }\n");
        Path libSource = write(temp.resolve("lib.c"),
                "int vg_test_dep(void);\nint vg_abi_version(void) { return vg_test_dep() - 6; }\n");
        Path dep = temp.resolve("libvgtestdep.so");
        Path lib = temp.resolve("libvgcore.so");
        BindingsMatchHeaderTest.run(List.of(cc.toString(), "-shared", "-fPIC", "-o", dep.toString(), depSource.toString()));
        BindingsMatchHeaderTest.run(List.of(cc.toString(), "-shared", "-fPIC", "-o", lib.toString(), libSource.toString(),
                "-L" + temp, "-lvgtestdep"));
        Files.delete(dep);
        Map<String, String> out = probe(List.of("-Dvg.native.path=" + lib), Map.of(), classPath());
        assertEquals("false", out.get("available"));
        assertEquals("cannot load libvgcore.so: libvgtestdep.so: cannot open shared object file: No such file or directory",
                out.get("reason"));
    }

    @Test
    void abiMismatchIsRefused(@TempDir Path temp) throws Exception {
        Path lib = compileLibrary(temp, "int vg_abi_version(void) { return 99; }\n");
        Map<String, String> out = probe(List.of("-Dvg.native.path=" + lib), Map.of(), classPath());
        assertEquals("false", out.get("available"));
        assertEquals("libvgcore.so at " + lib + " has ABI version 99, this vg needs "
                + vg_core_h.VG_CORE_ABI_VERSION() + " (mismatched build)", out.get("reason"));
    }

    @Test
    void libraryWithoutAbiFunctionIsRefused(@TempDir Path temp) throws Exception {
        Path lib = compileLibrary(temp, "int something_else(void) { return 1; }\n");
        Map<String, String> out = probe(List.of("-Dvg.native.path=" + lib), Map.of(), classPath());
        assertEquals("false", out.get("available"));
        assertTrue(out.get("reason").contains("has no vg_abi_version"), out.get("reason"));
    }

    @Test
    void notALibraryGivesTheLinkersMessage(@TempDir Path temp) throws Exception {
        Path lib = write(temp.resolve("libvgcore.so"), "not an ELF file\n");
        Map<String, String> out = probe(List.of("-Dvg.native.path=" + lib), Map.of(), classPath());
        assertEquals("false", out.get("available"));
        assertTrue(out.get("reason").startsWith("cannot load libvgcore.so: " + lib + ": "), out.get("reason"));
    }

    @Test
    void fromAJarTheLibraryIsExtractedOnceToTheUserCache(@TempDir Path temp) throws Exception {
        Path jar = jarOfMainClasses(temp.resolve("vg.jar"));
        Path cache = temp.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        String cp = jar + java.io.File.pathSeparator + testClasses();

        Map<String, String> first = probe(List.of(), env, cp);
        assertEquals("true", first.get("available"), first.toString());
        Path extracted = Path.of(first.get("path"));
        assertEquals(cache.resolve("vectra-guard/native"), extracted.getParent().getParent());
        assertTrue(extracted.getParent().getFileName().toString().matches("[0-9a-f]{16}"), extracted.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(extracted.getParent())));
        assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(extracted)));
        assertArrayEquals(Files.readAllBytes(builtLibrary()), Files.readAllBytes(extracted));
        Path init = extracted.resolveSibling("vg-init");
        assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(init)));
        assertArrayEquals(Files.readAllBytes(builtInit()), Files.readAllBytes(init));
        try (Stream<Path> files = Files.list(extracted.getParent())) {
            assertEquals(List.of(extracted, init), files.sorted().toList(), "no temporary files left behind");
        }

        // A damaged cached copy is replaced, not loaded.
        Files.setPosixFilePermissions(extracted, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(extracted, "garbage");
        Map<String, String> second = probe(List.of(), env, cp);
        assertEquals("true", second.get("available"), second.toString());
        assertEquals(extracted.toString(), second.get("path"));
        assertArrayEquals(Files.readAllBytes(builtLibrary()), Files.readAllBytes(extracted));

        // So is a cached copy whose vg-init is missing.
        Files.delete(init);
        Map<String, String> third = probe(List.of(), env, cp);
        assertEquals("true", third.get("available"), third.toString());
        assertArrayEquals(Files.readAllBytes(builtInit()), Files.readAllBytes(init));
    }

    @Test
    void withoutAWritableCacheTheLibraryGoesToAPrivateTempDir(@TempDir Path temp) throws Exception {
        Path jar = jarOfMainClasses(temp.resolve("vg.jar"));
        Path tmp = Files.createDirectory(temp.resolve("tmp"));
        Map<String, String> env = new HashMap<>();
        env.put("XDG_CACHE_HOME", null);
        // /dev/null/x can never be created, not even by root.
        Map<String, String> out = probe(List.of("-Duser.home=/dev/null/x", "-Djava.io.tmpdir=" + tmp), env,
                jar + java.io.File.pathSeparator + testClasses());
        assertEquals("true", out.get("available"), out.toString());
        assertTrue(out.get("path").startsWith(tmp + "/vg-native-"), out.get("path"));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the private copy is removed when the JVM exits");
        }
    }

    // --- helpers ---

    /** The library the build bundled (target/classes), whatever this JVM loaded. */
    static Path builtLibrary() throws Exception {
        Path path = mainClasses().resolve(VgCoreLoader.RESOURCE.substring(1));
        assertTrue(Files.isRegularFile(path), path + " (run the Maven build first)");
        return path;
    }

    /** The vg-init the build bundled next to the library. */
    static Path builtInit() throws Exception {
        Path path = mainClasses().resolve(VgCoreLoader.INIT_RESOURCE.substring(1));
        assertTrue(Files.isExecutable(path), path + " (run the Maven build first)");
        return path;
    }

    private static Path compileLibrary(Path dir, String source) throws Exception {
        Path cc = BindingsMatchHeaderTest.findOnPath("cc");
        assumeTrue(cc != null, "no C compiler");
        Path c = write(dir.resolve("lib.c"), source);
        Path lib = dir.resolve("libvgcore.so");
        BindingsMatchHeaderTest.run(List.of(cc.toString(), "-shared", "-fPIC", "-o", lib.toString(), c.toString()));
        return lib;
    }

    private static Path write(Path path, String content) throws IOException {
        return Files.writeString(path, content);
    }

    private static Path mainClasses() throws Exception {
        return Path.of(VgCoreLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Path testClasses() throws Exception {
        return Path.of(LoaderProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String classPath() throws Exception {
        return mainClasses() + java.io.File.pathSeparator + testClasses();
    }

    /** A jar of the main classes (with the bundled library), as the real vg.jar has them. */
    private static Path jarOfMainClasses(Path jar) throws Exception {
        Path root = mainClasses();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(root.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Map<String, String> probe(List<String> jvmOptions, Map<String, String> env, String classPath)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(LoaderProbe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getValue() == null) {
                builder.environment().remove(e.getKey());
            } else {
                builder.environment().put(e.getKey(), e.getValue());
            }
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        Map<String, String> result = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                result.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        result.put("output", output);
        return result;
    }
}
