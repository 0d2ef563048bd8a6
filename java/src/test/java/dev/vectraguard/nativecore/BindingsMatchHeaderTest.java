package dev.vectraguard.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails when native/include/vg_core.h and the hand-maintained jextract-style bindings disagree:
 * functions (names, parameter and return types), #define constants, struct field names, order,
 * offsets and sizes (measured by the C compiler), and the functions libvgcore.so exports.
 */
class BindingsMatchHeaderTest {

    private static final String PACKAGE = "dev.vectraguard.nativecore.";

    record CFunction(String name, String returnType, List<String> parameterTypes) {}

    record CField(String name, String type, String arrayLength) {}

    private static String header;
    private static Map<String, CFunction> functions;
    private static Map<String, Long> constants;
    private static Map<String, List<CField>> structs;

    @BeforeAll
    static void parseHeader() throws IOException {
        String root = System.getProperty("vg.repo.root");
        Path path = root != null ? Path.of(root, "native", "include", "vg_core.h")
                : Path.of("..", "native", "include", "vg_core.h");
        assertTrue(Files.isRegularFile(path), "header not found at " + path + " (set -Dvg.repo.root)");
        header = Files.readString(path);
        String code = header.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");

        constants = new LinkedHashMap<>();
        Matcher define = Pattern.compile("(?m)^\\s*#define\\s+(\\w+)\\s+(0[xX][0-9a-fA-F]+|\\d+)\\s*$").matcher(code);
        while (define.find()) {
            constants.put(define.group(1), Long.decode(define.group(2)));
        }

        structs = new LinkedHashMap<>();
        Matcher struct = Pattern.compile("(?s)typedef\\s+struct\\s+(\\w+)\\s*\\{(.*?)\\}\\s*(\\w+)\\s*;").matcher(code);
        Pattern fieldPattern = Pattern.compile("(?s)^(.*?)(\\w+)\\s*(?:\\[\\s*(\\w+)\\s*\\])?$");
        while (struct.find()) {
            assertEquals(struct.group(1), struct.group(3), "typedef name differs from struct tag");
            List<CField> fields = new ArrayList<>();
            for (String declaration : struct.group(2).split(";")) {
                declaration = declaration.strip();
                if (declaration.isEmpty()) continue;
                Matcher f = fieldPattern.matcher(declaration);
                assertTrue(f.matches(), "cannot parse field: " + declaration);
                fields.add(new CField(f.group(2), f.group(1).strip(), f.group(3)));
            }
            structs.put(struct.group(1), fields);
        }

        functions = new LinkedHashMap<>();
        String withoutStructs = code.replaceAll("(?s)typedef\\s+struct\\s+\\w+\\s*\\{.*?\\}\\s*\\w+\\s*;", " ");
        Matcher function = Pattern.compile(
                "(?m)^[ \\t]*((?:const[ \\t]+)?\\w+[ \\t]*\\**)[ \\t]*(vg_\\w+)[ \\t]*\\(([^)]*)\\)[ \\t]*;").matcher(withoutStructs);
        while (function.find()) {
            List<String> params = new ArrayList<>();
            String list = function.group(3).strip();
            if (!list.equals("void") && !list.isEmpty()) {
                for (String param : list.split(",")) {
                    // drop the parameter name: the last identifier
                    params.add(param.strip().replaceAll("\\w+$", "").strip());
                }
            }
            String returnType = function.group(1).replaceAll("\\s+", " ").strip();
            functions.put(function.group(2), new CFunction(function.group(2), returnType, params));
        }
        assertFalse(functions.isEmpty(), "no functions parsed from " + path);
        long declared = Pattern.compile("\\bvg_\\w+\\s*\\(").matcher(withoutStructs).results().count();
        assertEquals(declared, functions.size(), "some function declarations were not understood: " + functions.keySet());
        assertFalse(structs.isEmpty(), "no structs parsed from " + path);
    }

    /** The Java type jextract maps a C type to. */
    private static Class<?> javaType(String cType) {
        String t = cType.replace("const", "").replaceAll("\\s+", " ").strip();
        if (t.contains("*")) return MemorySegment.class;
        return switch (t) {
            case "int32_t", "uint32_t", "int", "unsigned int" -> int.class;
            case "int64_t", "uint64_t", "long", "long long", "unsigned long" -> long.class;
            case "char", "uint8_t", "int8_t" -> byte.class;
            case "void" -> void.class;
            default -> throw new AssertionError("no jextract mapping for C type '" + cType + "'");
        };
    }

    private static Method headerMethod(String name, int parameterCount) {
        for (Method m : vg_core_h.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == parameterCount
                    && Modifier.isStatic(m.getModifiers())) {
                return m;
            }
        }
        return null;
    }

    @Test
    void everyFunctionHasAMethodWithTheSameJavaTypes() throws Exception {
        for (CFunction f : functions.values()) {
            Method m = headerMethod(f.name(), f.parameterTypes().size());
            if (m == null) {
                fail("vg_core_h lacks " + f.name() + " with " + f.parameterTypes().size() + " parameters");
            }
            assertEquals(javaType(f.returnType()), m.getReturnType(), f.name() + " return type");
            for (int i = 0; i < f.parameterTypes().size(); i++) {
                assertEquals(javaType(f.parameterTypes().get(i)), m.getParameterTypes()[i],
                        f.name() + " parameter " + i + " (" + f.parameterTypes().get(i) + ")");
            }
            for (String accessor : List.of("$descriptor", "$handle", "$address")) {
                assertTrue(headerMethod(f.name() + accessor, 0) != null, "vg_core_h lacks " + f.name() + accessor + "()");
            }
        }
    }

    @Test
    void noMethodWithoutAFunctionInTheHeader() {
        Set<String> extra = new TreeSet<>();
        for (Method m : vg_core_h.class.getDeclaredMethods()) {
            String name = m.getName();
            if (Modifier.isPublic(m.getModifiers()) && name.startsWith("vg_") && !name.contains("$")
                    && !functions.containsKey(name)) {
                extra.add(name);
            }
        }
        assertTrue(extra.isEmpty(), "vg_core_h has functions vg_core.h does not declare: " + extra);
    }

    @Test
    void everyConstantMatches() throws Exception {
        for (Map.Entry<String, Long> c : constants.entrySet()) {
            Method m = headerMethod(c.getKey(), 0);
            if (m == null) {
                fail("vg_core_h lacks constant " + c.getKey() + "()");
            }
            assertEquals(c.getValue().intValue(), ((Number) m.invoke(null)).intValue(), c.getKey());
        }
    }

    @Test
    void stepNamesFollowTheHeader() {
        for (Map.Entry<String, Long> c : constants.entrySet()) {
            if (c.getKey().startsWith("VG_STEP_")) {
                String expected = c.getKey().substring("VG_STEP_".length()).toLowerCase().replace('_', ' ');
                assertEquals(expected, NativeCoreException.stepName(c.getValue().intValue()), c.getKey());
            }
        }
    }

    @Test
    void structFieldsAreTheHeaderFieldsInOrder() throws Exception {
        for (Map.Entry<String, List<CField>> s : structs.entrySet()) {
            GroupLayout layout = structLayout(s.getKey());
            assertEquals(s.getKey(), layout.name().orElseThrow(), "layout name");
            List<String> javaFields = new ArrayList<>();
            for (MemoryLayout member : layout.memberLayouts()) {
                if (!(member instanceof PaddingLayout)) {
                    javaFields.add(member.name().orElseThrow(() -> new AssertionError(s.getKey() + " has an unnamed field")));
                }
            }
            assertEquals(s.getValue().stream().map(CField::name).toList(), javaFields, s.getKey() + " fields");
            for (CField field : s.getValue()) {
                MemoryLayout member = layout.select(MemoryLayout.PathElement.groupElement(field.name()));
                String where = s.getKey() + "." + field.name();
                if (field.arrayLength() != null) {
                    SequenceLayout seq = assertInstanceOf(SequenceLayout.class, member, where);
                    assertEquals(Long.parseLong(field.arrayLength()), seq.elementCount(), where + " length");
                    long[] dims = (long[]) structClass(s.getKey()).getMethod(field.name() + "$dimensions").invoke(null);
                    assertEquals(Long.parseLong(field.arrayLength()), dims[0], where + "$dimensions()");
                } else if (field.type().contains("*")) {
                    assertInstanceOf(AddressLayout.class, member, where + " is a pointer");
                } else {
                    ValueLayout value = assertInstanceOf(ValueLayout.class, member, where);
                    assertEquals(javaType(field.type()), value.carrier(), where + " carrier");
                }
                checkAccessors(s.getKey(), field);
            }
        }
    }

    private static void checkAccessors(String struct, CField field) throws Exception {
        Class<?> c = structClass(struct);
        String where = struct + "." + field.name();
        c.getMethod(field.name() + "$layout");
        c.getMethod(field.name() + "$offset");
        Class<?> type = field.arrayLength() != null || field.type().contains("*") ? MemorySegment.class : javaType(field.type());
        assertEquals(type, c.getMethod(field.name(), MemorySegment.class).getReturnType(), where + " getter");
        c.getMethod(field.name(), MemorySegment.class, type);
    }

    @Test
    void structLayoutsMatchTheCompiler(@TempDir Path temp) throws Exception {
        Path cc = findOnPath("cc");
        assumeTrue(cc != null, "no C compiler (cc) on PATH");
        Path source = temp.resolve("vg_layout_self.c");
        Files.writeString(source, layoutDumperSource());
        Path binary = temp.resolve("vg_layout_self");
        Path include = headerPath().getParent();
        run(List.of(cc.toString(), "-std=c11", "-Wall", "-I", include.toString(), "-o", binary.toString(), source.toString()));
        compareWithDump(run(List.of(binary.toString())), "self-compiled dumper");
    }

    @Test
    void structLayoutsMatchTheNativeBuildsDumper() throws Exception {
        String dir = System.getProperty("vg.native.build.dir");
        assumeTrue(dir != null, "vg.native.build.dir not set");
        Path dumper = Path.of(dir, "vg_layout");
        assumeTrue(Files.isExecutable(dumper), "the native build has no vg_layout yet: " + dumper);
        compareWithDump(run(List.of(dumper.toString())), dumper.toString());
    }

    @Test
    void everyExportedFunctionIsBound() throws Exception {
        Path library = VgCoreLoader.libraryPath().orElse(null);
        assumeTrue(library != null && Files.isRegularFile(library), "no libvgcore.so loaded");
        Path nm = findOnPath("nm");
        assumeTrue(nm != null, "no nm on PATH");
        Set<String> unbound = new TreeSet<>();
        for (String line : run(List.of(nm.toString(), "-D", "--defined-only", library.toString())).split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 3 && (parts[1].equals("T") || parts[1].equals("W"))) {
                String symbol = parts[2];
                if (!functions.containsKey(symbol) || headerMethod(symbol, functions.get(symbol).parameterTypes().size()) == null) {
                    unbound.add(symbol);
                }
            }
        }
        assertTrue(unbound.isEmpty(), library + " exports functions vg_core.h / vg_core_h do not declare: " + unbound);
    }

    @Test
    void descriptorsMatchTheMethods() throws Exception {
        // A holder class resolves its symbol when first touched (as jextract's do), so only the
        // functions the current library exports can be checked here.
        int checked = 0;
        for (CFunction f : functions.values()) {
            if (!VgCoreLoader.hasSymbol(f.name())) {
                continue;
            }
            checked++;
            var descriptor = (java.lang.foreign.FunctionDescriptor) vg_core_h.class.getMethod(f.name() + "$descriptor").invoke(null);
            assertEquals(f.parameterTypes().size(), descriptor.argumentLayouts().size(), f.name() + " descriptor arity");
            Method m = headerMethod(f.name(), f.parameterTypes().size());
            assertEquals(java.lang.invoke.MethodType.methodType(m.getReturnType(), m.getParameterTypes()),
                    descriptor.toMethodType(), f.name() + " descriptor type");
        }
        assumeTrue(checked > 0, "libvgcore.so is not loaded");
        MethodHandle handle = vg_core_h.vg_abi_version$handle();
        assertTrue(handle == vg_core_h.vg_abi_version$handle());
    }

    /** A C program printing the vg_layout format for every struct and constant of the parsed header. */
    private static String layoutDumperSource() {
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include \"vg_core.h\"\n\nint main(void) {\n");
        for (Map.Entry<String, List<CField>> s : structs.entrySet()) {
            String name = s.getKey();
            c.append("    printf(\"").append(name).append(" size %zu\\n\", sizeof(").append(name).append("));\n");
            for (CField f : s.getValue()) {
                c.append("    printf(\"").append(name).append('.').append(f.name()).append(" offset %zu size %zu\\n\", offsetof(")
                        .append(name).append(", ").append(f.name()).append("), sizeof(((").append(name).append(" *)0)->")
                        .append(f.name()).append("));\n");
            }
        }
        for (String constant : constants.keySet()) {
            c.append("    printf(\"CONST ").append(constant).append(" %lld\\n\", (long long)(").append(constant).append("));\n");
        }
        return c.append("    return 0;\n}\n").toString();
    }

    private static void compareWithDump(String dump, String source) throws Exception {
        Pattern size = Pattern.compile("(\\w+) size (\\d+)");
        Pattern field = Pattern.compile("(\\w+)\\.(\\w+) offset (\\d+) size (\\d+)");
        Pattern constant = Pattern.compile("CONST (\\w+) (-?\\d+)");
        int checked = 0;
        for (String line : dump.split("\n")) {
            line = line.strip();
            Matcher m;
            if ((m = field.matcher(line)).matches()) {
                GroupLayout layout = structLayout(m.group(1));
                String where = m.group(1) + "." + m.group(2) + " (" + source + ")";
                MemoryLayout.PathElement path = MemoryLayout.PathElement.groupElement(m.group(2));
                assertEquals(Long.parseLong(m.group(3)), layout.byteOffset(path), where + " offset");
                assertEquals(Long.parseLong(m.group(4)), layout.select(path).byteSize(), where + " size");
                Class<?> c = structClass(m.group(1));
                assertEquals(Long.parseLong(m.group(3)), (long) c.getMethod(m.group(2) + "$offset").invoke(null), where + " $offset()");
                checked++;
            } else if ((m = size.matcher(line)).matches()) {
                GroupLayout layout = structLayout(m.group(1));
                assertEquals(Long.parseLong(m.group(2)), layout.byteSize(), m.group(1) + " size (" + source + ")");
                assertEquals(Long.parseLong(m.group(2)), (long) structClass(m.group(1)).getMethod("sizeof").invoke(null),
                        m.group(1) + " sizeof()");
                checked++;
            } else if ((m = constant.matcher(line)).matches()) {
                Method method = headerMethod(m.group(1), 0);
                if (method == null) {
                    fail("vg_core_h lacks constant " + m.group(1) + "() (" + source + ")");
                }
                assertEquals(Long.parseLong(m.group(2)), ((Number) method.invoke(null)).longValue(), m.group(1));
            } else if (!line.isEmpty()) {
                fail("unexpected line from " + source + ": " + line);
            }
        }
        assertTrue(checked > 0, source + " printed no struct");
    }

    private static Class<?> structClass(String name) throws ClassNotFoundException {
        return Class.forName(PACKAGE + name);
    }

    private static GroupLayout structLayout(String name) throws Exception {
        return (GroupLayout) structClass(name).getMethod("layout").invoke(null);
    }

    private static Path headerPath() {
        String root = System.getProperty("vg.repo.root");
        return (root != null ? Path.of(root) : Path.of("..")).resolve("native/include/vg_core.h").toAbsolutePath();
    }

    static Path findOnPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }
}
