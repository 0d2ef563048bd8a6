package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/** Classifies the path a command acts on: the root, a home directory, a system directory, ... */
final class SensitivePaths {
    enum Kind {
        /** {@code /}, {@code /*}, or any glob at the top level. */
        ROOT,
        /** A whole home directory: {@code ~}, {@code $HOME}, {@code /home/alice}, {@code /root}. */
        HOME,
        /** A system directory such as /etc, /usr, /var/lib, or anything under /etc. */
        SYSTEM,
        /** Something inside a system directory: /var/lib/mysql, /usr/bin/find, /boot/vmlinuz. */
        SYSTEM_CONTENT,
        /** The current or parent directory as a whole: {@code .}, {@code *}, {@code ..}. */
        WORKDIR,
        /** Only known at run time ({@code "$DIR"}, {@code /$X}). */
        DYNAMIC,
        OTHER
    }

    private static final Set<String> SYSTEM_TOP_LEVEL = Set.of("bin", "boot", "dev", "etc", "lib", "lib32", "lib64",
            "libx32", "opt", "proc", "sbin", "srv", "sys", "usr", "var", "snap", "System", "Library", "Applications",
            "private");
    private static final Set<String> SYSTEM_SECOND_LEVEL = Set.of("usr/bin", "usr/sbin", "usr/lib", "usr/lib64",
            "usr/local", "usr/share", "usr/include", "var/lib", "var/log", "var/spool", "var/mail", "var/www",
            "var/backups", "var/cache", "boot/efi", "private/etc", "private/var");
    /** Directories whose whole content belongs to the system, by first path elements ({@code /usr/local} is the user's). */
    private static final Set<String> SYSTEM_CONTENT_ROOTS = Set.of("usr", "boot", "bin", "sbin", "lib", "lib32", "lib64",
            "libx32", "var/lib", "var/log", "var/spool", "System", "private/etc", "private/var");
    private static final Set<String> USER_CONTENT_IN_SYSTEM = Set.of("usr/local", "var/lib/apt/lists");
    /** Devices that hold no data: writing or formatting them destroys nothing. */
    private static final Set<String> PSEUDO_DEVICES = Set.of("null", "zero", "full", "random", "urandom", "stdin", "stdout",
            "stderr", "tty", "console", "ptmx", "kmsg");
    private static final Set<String> PSEUDO_DEVICE_DIRECTORIES = Set.of("fd/", "pts/", "shm/", "tty", "mqueue/");
    private static final Set<String> HOME_PARENTS = Set.of("home", "Users");

    private SensitivePaths() {
    }

    static Kind classify(Word word) {
        String value = word.value();
        String insideHome = insideHome(value);
        if (insideHome != null) {
            if (insideHome.contains("$")) {
                return Kind.DYNAMIC;
            }
            String rest = resolve("/" + insideHome);
            return rest.equals("/") || rest.equals("/*") || rest.equals("/.*") ? Kind.HOME : Kind.OTHER;
        }
        if (word.isDynamic()) {
            int expansion = value.indexOf('$');
            String prefix = expansion < 0 ? value : value.substring(0, expansion);
            return prefix.isEmpty() || prefix.equals("/") || prefix.equals("./") ? Kind.DYNAMIC : Kind.OTHER;
        }
        if (!value.startsWith("/")) {
            String relative = resolve("/" + value);
            return relative.equals("/") || relative.equals("/*") || relative.equals("/.*") || value.startsWith("..")
                    ? Kind.WORKDIR : Kind.OTHER;
        }
        return classifyAbsolute(resolve(value));
    }

    private static Kind classifyAbsolute(String path) {
        if (path.equals("/")) {
            return Kind.ROOT;
        }
        String[] parts = path.substring(1).split("/");
        String top = parts[0];
        if (isGlob(top)) {
            return Kind.ROOT;
        }
        if (top.equals("root") && parts.length == 1 || HOME_PARENTS.contains(top) && parts.length <= 2) {
            return Kind.HOME;
        }
        if (!SYSTEM_TOP_LEVEL.contains(top)) {
            return Kind.OTHER;
        }
        if (parts.length == 1 || top.equals("etc")
                || (parts.length == 2 && (isGlob(parts[1]) || SYSTEM_SECOND_LEVEL.contains(top + "/" + parts[1])))) {
            return Kind.SYSTEM;
        }
        return isSystemContent(path) ? Kind.SYSTEM_CONTENT : Kind.OTHER;
    }

    /** True for a resolved absolute path strictly inside a directory that belongs to the system (/usr/bin/find, /var/lib/mysql). */
    static boolean isSystemContent(String path) {
        String relative = path.substring(1);
        for (String root : USER_CONTENT_IN_SYSTEM) {
            if (relative.equals(root) || relative.startsWith(root + "/")) {
                return false;
            }
        }
        for (String root : SYSTEM_CONTENT_ROOTS) {
            if (relative.startsWith(root + "/")) {
                return true;
            }
        }
        return relative.startsWith("etc/");
    }

    /**
     * The part of {@code path} below a home directory ({@code ""} for the home directory itself), or
     * null when the path does not start at a home directory.
     */
    static String insideHome(String path) {
        String prefix = homePrefix(path);
        if (prefix != null) {
            if (path.length() == prefix.length()) {
                return "";
            }
            if (path.charAt(prefix.length()) == '/') {
                return path.substring(prefix.length() + 1);
            }
        }
        if (path.startsWith("/")) {
            String resolved = resolve(path);
            String[] parts = resolved.substring(1).split("/", 3);
            if (parts[0].equals("root")) {
                return resolved.length() > 5 ? resolved.substring(6) : "";
            }
            if (HOME_PARENTS.contains(parts[0]) && parts.length >= 2 && !isGlob(parts[1])) {
                return parts.length == 3 ? parts[2] : "";
            }
        }
        return null;
    }

    /** The spelling of the home directory {@code path} starts with: ~, $HOME, ${HOME}, ${HOME:?...}; or null. */
    private static String homePrefix(String path) {
        int close = path.indexOf('}');
        if (path.startsWith("${HOME:") && close > 0) {
            return path.substring(0, close + 1);
        }
        for (String prefix : new String[] {"${HOME}", "$HOME", "~"}) {
            if (path.startsWith(prefix)) {
                return prefix;
            }
        }
        return null;
    }

    /**
     * True for any path under /dev except the devices that hold no data (null, zero, random, tty*, fd/*, ...):
     * {@code /dev/xvdf}, {@code /dev/loop0}, {@code /dev/foo0} whether or not it exists here.
     */
    static boolean isDataDevice(String path) {
        String resolved = resolve(path);
        if (!resolved.startsWith("/dev/") || resolved.length() == 5) {
            return false;
        }
        String device = resolved.substring(5);
        if (PSEUDO_DEVICES.contains(device)) {
            return false;
        }
        for (String prefix : PSEUDO_DEVICE_DIRECTORIES) {
            if (device.startsWith(prefix)) {
                return false;
            }
        }
        return !device.startsWith("tcp/") && !device.startsWith("udp/");
    }

    /** Resolves {@code .}, {@code ..} and repeated slashes of an absolute path, lexically. */
    static String resolve(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static boolean isGlob(String part) {
        return part.indexOf('*') >= 0 || part.indexOf('?') >= 0 || part.indexOf('[') >= 0;
    }
}
