package dev.vectraguard.guard;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.nativecore.ByteStrings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * vg's arguments and environment, byte-exact. The JVM decodes them as UTF-8 and turns every byte
 * that is not valid UTF-8 into U+FFFD, so {@code touch $'f\xffz'} would create another file; when
 * that happened, the bytes are read again from /proc/self and carried as {@link ByteStrings} does.
 */
public final class RawInput {
    private static final char LOST = '\uFFFD';
    private static Map<String, String> environment;

    private RawInput() {}

    /** {@code args} with their exact bytes; null when they cannot be read back. */
    public static String[] arguments(String[] args) {
        if (Arrays.stream(args).noneMatch(arg -> arg.indexOf(LOST) >= 0)) {
            return args;
        }
        List<byte[]> cmdline;
        try {
            cmdline = nulSeparated(Files.readAllBytes(Path.of("/proc/self/cmdline")));
        } catch (IOException e) {
            return null;
        }
        if (cmdline.size() < args.length) {
            return null;
        }
        List<byte[]> ours = cmdline.subList(cmdline.size() - args.length, cmdline.size()); // the JVM's own come first
        String[] exact = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            if (!new String(ours.get(i), StandardCharsets.UTF_8).equals(args[i])) {
                return null;
            }
            exact[i] = ByteStrings.decode(ours.get(i));
        }
        return exact;
    }

    /** The caller's environment with exact values (this process's is read once). */
    static synchronized Map<String, String> environment() {
        if (Caller.isRemote()) {
            return Caller.current().environment();
        }
        if (environment == null) {
            Map<String, String> decoded = System.getenv();
            if (decoded.entrySet().stream().anyMatch(e -> e.getKey().indexOf(LOST) >= 0 || e.getValue().indexOf(LOST) >= 0)) {
                try {
                    Map<String, String> exact = new LinkedHashMap<>();
                    for (byte[] entry : nulSeparated(Files.readAllBytes(Path.of("/proc/self/environ")))) {
                        String variable = ByteStrings.decode(entry);
                        int equals = variable.indexOf('=');
                        if (equals > 0) {
                            exact.putIfAbsent(variable.substring(0, equals), variable.substring(equals + 1));
                        }
                    }
                    decoded = Collections.unmodifiableMap(exact);
                } catch (IOException e) {
                    // no /proc: no sandbox either, and host runs inherit the JVM's exact environment
                }
            }
            environment = decoded;
        }
        return environment;
    }

    /**
     * Whether Java names the current directory exactly: its path may hold bytes that are not UTF-8,
     * which the JVM's user.dir has replaced (and a Java path cannot hold).
     */
    static boolean workingDirectoryIsExact() {
        if (Caller.isRemote()) {
            return Caller.current().workingDirectoryExact();
        }
        String dir = System.getProperty("user.dir");
        if (dir.indexOf(LOST) < 0) {
            return true;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/cwd")).equals(Path.of(dir));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<byte[]> nulSeparated(byte[] bytes) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                parts.add(Arrays.copyOfRange(bytes, start, i));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            parts.add(Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return parts;
    }
}
