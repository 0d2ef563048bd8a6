package dev.vectraguard.hook;

import dev.vectraguard.json.JsonException;
import dev.vectraguard.json.JsonMapping;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds vg's hook to an agent's settings file ({@code hooks.EVENT[]}: a matcher group for the shell
 * tool with one command handler), keeping every other key and hook as it was. The file is read and
 * written as JSON (Jackson), backed up before it changes, and replaced atomically (temp file, fsync,
 * rename); a file that already has vg's hook is left alone.
 */
public final class HookInstaller {
    private HookInstaller() {}

    /**
     * @param file   the settings file written (the target, when the path is a symlink)
     * @param backup the copy of the file as it was, or null when there was no file or nothing changed
     * @param added  false when vg's hook was already there
     */
    public record Result(Path file, Path backup, boolean added) {}

    /** Installs {@code hook} running {@code command} into {@code settings}; one-line {@link IOException} messages. */
    public static Result install(AgentHook hook, Path settings, String command) throws IOException {
        Path file = Files.exists(settings) ? settings.toRealPath() : settings.toAbsolutePath();
        Map<String, Object> root = Files.exists(file) ? read(file) : new LinkedHashMap<>();
        Map<String, Object> hooks = object(root, "hooks", file);
        List<Object> groups = array(hooks, hook.event(), file);
        if (installed(groups, hook)) {
            return new Result(file, null, false);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("matcher", hook.shellTool());
        group.put("hooks", List.of(hook.handler(command)));
        groups.add(group);
        Files.createDirectories(file.getParent());
        Path backup = null;
        if (Files.exists(file)) {
            backup = file.resolveSibling(file.getFileName() + ".vg-backup-" + Instant.now().toString().replace(':', '-'));
            Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        writeAtomically(file, JsonMapping.writePretty(root) + "\n");
        return new Result(file, backup, true);
    }

    /** Whether a handler of {@code groups} already runs {@code vg hook NAME}. */
    static boolean installed(List<Object> groups, AgentHook hook) {
        String suffix = " hook " + hook.name();
        for (Object group : groups) {
            if (group instanceof Map<?, ?> map && map.get("hooks") instanceof List<?> handlers) {
                for (Object handler : handlers) {
                    if (handler instanceof Map<?, ?> h && h.get("command") instanceof String command
                            && command.strip().endsWith(suffix) && command.contains("vg")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) throws IOException {
        Object value;
        try {
            value = JsonMapping.read(Files.readAllBytes(file), Object.class);
        } catch (JsonException e) {
            throw new IOException(file + ": " + e.getMessage() + "; nothing was changed");
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new IOException(file + ": not a JSON object; nothing was changed");
        }
        return new LinkedHashMap<>((Map<String, Object>) value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> parent, String key, Path file) throws IOException {
        Object value = parent.get(key);
        if (value == null) {
            Map<String, Object> created = new LinkedHashMap<>();
            parent.put(key, created);
            return created;
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new IOException(file + ": \"" + key + "\" is not an object; nothing was changed");
        }
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) value);
        parent.put(key, copy);
        return copy;
    }

    private static List<Object> array(Map<String, Object> parent, String key, Path file) throws IOException {
        Object value = parent.get(key);
        if (value == null) {
            List<Object> created = new ArrayList<>();
            parent.put(key, created);
            return created;
        }
        if (!(value instanceof List<?> list)) {
            throw new IOException(file + ": \"hooks." + key + "\" is not an array; nothing was changed");
        }
        List<Object> copy = new ArrayList<>(list);
        parent.put(key, copy);
        return copy;
    }

    /** Writes a temp file next to {@code file} with the old file's permissions, fsyncs it, renames it over. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Set<PosixFilePermission> mode = Files.exists(file) ? Files.getPosixFilePermissions(file) : null;
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, mode != null ? mode : Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically: " + e.getMessage());
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
