package dev.vectraguard.state;

import dev.vectraguard.caller.Caller;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Where vg keeps its state files ({@code ~/.vectra-guard/} unless told otherwise), created mode 0700. */
public final class StateDir {
    /** Environment variable naming the state directory; {@code --state-dir} wins over it. */
    public static final String ENV_VAR = "VECTRAGUARD_STATE_DIR";

    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private StateDir() {}

    /**
     * The state directory: {@code flag} (from {@code --state-dir}) if given, else $VECTRAGUARD_STATE_DIR,
     * else {@code configured} (the config key {@code state_dir}) if not null, else {@code HOME/.vectra-guard}.
     */
    public static Path resolve(Path flag, Map<String, String> env, Path configured, Path home) {
        if (flag != null) {
            return Caller.current().resolve(flag);
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Caller.current().resolve(Path.of(fromEnv));
        }
        if (configured != null) {
            return Caller.current().resolve(configured);
        }
        return home.resolve(".vectra-guard");
    }

    /** Where {@link #resolve} takes the state directory from, for messages: "--state-dir", "$VECTRAGUARD_STATE_DIR", "state_dir" or "default". */
    public static String origin(Path flag, Map<String, String> env, Path configured) {
        if (flag != null) {
            return "--state-dir";
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return "$" + ENV_VAR;
        }
        return configured != null ? "state_dir" : "default";
    }

    /** Creates {@code dir} (and parents) if missing; a directory vg creates gets mode 0700. */
    public static Path ensure(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            return create(dir);
        } catch (IOException e) {
            throw new IOException("cannot create the state directory " + dir + ": " + reason(e, dir), e);
        }
    }

    private static Path create(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            // The umask may have removed bits we asked for; it cannot have added any.
            Files.setPosixFilePermissions(dir, DIR_MODE);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
        return dir;
    }

    /**
     * Why an operation failed, in the words of strerror (Java leaves them out of some exceptions),
     * after the file it failed on unless that is {@code subject}.
     */
    public static String reason(IOException e, Path subject) {
        String why = switch (e) {
            case AccessDeniedException _ -> "permission denied";
            case NoSuchFileException _ -> "no such file or directory";
            case FileSystemException failed when failed.getReason() != null -> failed.getReason().toLowerCase(Locale.ROOT);
            default -> null;
        };
        if (why == null) {
            return String.valueOf(e.getMessage());
        }
        String file = ((FileSystemException) e).getFile();
        return file == null || Path.of(file).equals(subject) ? why : file + ": " + why;
    }
}
