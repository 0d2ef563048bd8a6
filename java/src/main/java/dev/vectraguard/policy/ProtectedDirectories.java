package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code policies.protected_directories}: writes, deletes, moves and permission changes inside these
 * directories are rated high ({@link FindingCode#PROTECTED_DIRECTORY_CHANGE}). Paths in commands are
 * resolved lexically: {@code ~} and {@code $HOME} against the home directory, relative paths against the
 * working directory the command runs in.
 */
public final class ProtectedDirectories {
    /** No protected directory. */
    public static final ProtectedDirectories NONE = new ProtectedDirectories(List.of(), "/", "/");

    private static final Set<String> DELETERS = Set.of("rm", "unlink", "rmdir", "shred");
    private static final Set<String> WRITERS = Set.of("tee", "truncate", "touch", "mkdir");
    private static final Set<String> DESTINATION_LAST = Set.of("cp", "install", "ln", "rsync", "scp");
    private static final Set<String> PERMISSION_CHANGERS = Set.of("chmod", "chown", "chgrp", "chattr");

    private final List<String> directories;
    private final String home;
    private final String workingDirectory;

    private ProtectedDirectories(List<String> directories, String home, String workingDirectory) {
        this.directories = directories;
        this.home = home;
        this.workingDirectory = workingDirectory;
    }

    /** {@code directories} (absolute) protected for commands that run in {@code workingDirectory} with {@code home} as ~. */
    public static ProtectedDirectories of(List<Path> directories, Path home, Path workingDirectory) {
        List<String> normalized = directories.stream().map(d -> SensitivePaths.resolve(d.toAbsolutePath().toString())).toList();
        return new ProtectedDirectories(normalized, home.toAbsolutePath().toString(), workingDirectory.toAbsolutePath().toString());
    }

    void check(Invocation invocation, FindingCollector findings) {
        if (directories.isEmpty()) {
            return;
        }
        String name = invocation.name();
        List<Word> operands = invocation.operands();
        if (DELETERS.contains(name)) {
            operands.forEach(path -> report("deletes", path.value(), invocation.display(), findings));
        } else if (name.equals("mv")) {
            operands.forEach(path -> report("moves", path.value(), invocation.display(), findings));
        } else if (DESTINATION_LAST.contains(name) && operands.size() >= 2) {
            report("writes", operands.getLast().value(), invocation.display(), findings);
        } else if (WRITERS.contains(name)) {
            operands.forEach(path -> report("writes", path.value(), invocation.display(), findings));
        } else if (PERMISSION_CHANGERS.contains(name) && operands.size() >= 2) {
            operands.subList(1, operands.size()).forEach(path -> report("changes permissions of", path.value(), invocation.display(), findings));
        } else if (name.equals("setfacl")) {
            operands.forEach(path -> report("changes permissions of", path.value(), invocation.display(), findings));
        } else if (name.equals("sed") && (invocation.hasShortFlag('i') || invocation.hasLong("--in-place"))) {
            operands.stream().skip(1).forEach(path -> report("edits", path.value(), invocation.display(), findings));
        } else if (name.equals("dd")) {
            invocation.args().stream().map(Word::value).filter(arg -> arg.startsWith("of="))
                    .forEach(target -> report("writes", target.substring(3), invocation.display(), findings));
        } else if (name.equals("find") && (invocation.has("-delete") || invocation.has("-exec", "-execdir"))) {
            for (Word start : invocation.args()) {
                if (start.value().startsWith("-") || start.value().equals("(") || start.value().equals("!")) {
                    break;
                }
                report("deletes or changes files under", start.value(), invocation.display(), findings);
            }
        }
    }

    void checkRedirection(String target, String display, FindingCollector findings) {
        if (!directories.isEmpty()) {
            report("writes", target, display, findings);
        }
    }

    private void report(String action, String path, String display, FindingCollector findings) {
        String resolved = resolve(path);
        if (resolved == null) {
            return;
        }
        for (String directory : directories) {
            if (resolved.equals(directory) || resolved.startsWith(directory.equals("/") ? "/" : directory + "/")) {
                findings.add(FindingCode.PROTECTED_DIRECTORY_CHANGE, RiskLevel.HIGH, action + " " + path
                        + " in protected directory " + directory + " (" + display + ")");
                return;
            }
        }
    }

    /** The absolute lexical form of {@code path}, or null when it starts with something only known at run time. */
    private String resolve(String path) {
        String inHome = SensitivePaths.insideHome(path);
        if (inHome != null && !path.startsWith("/")) {
            return SensitivePaths.resolve(home + "/" + inHome);
        }
        if (path.startsWith("$")) {
            return null;
        }
        return SensitivePaths.resolve(path.startsWith("/") ? path : workingDirectory + "/" + path);
    }
}
