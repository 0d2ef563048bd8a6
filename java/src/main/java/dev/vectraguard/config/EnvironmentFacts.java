package dev.vectraguard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@link GuardLevelResolver} looks at besides environment variables: cheap file reads only,
 * no process is started.
 *
 * @param hostname      this machine's host name, or "" if unknown
 * @param gitBranch     the branch checked out in the working directory's repository, or "" (detached or none)
 * @param containerHint the file or variable showing we run in a container ({@code /.dockerenv},
 *                      {@code /run/.containerenv}, {@code container=...}), or "" if none
 */
public record EnvironmentFacts(String hostname, String gitBranch, String containerHint) {
    public static final EnvironmentFacts NONE = new EnvironmentFacts("", "", "");

    /** Probes this machine for {@code workingDir}. */
    public static EnvironmentFacts probe(Path workingDir, Map<String, String> env) {
        return new EnvironmentFacts(hostname(env), gitBranch(workingDir), containerHint(env, Path.of("/")));
    }

    static String hostname(Map<String, String> env) {
        String fromEnv = env.get("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        return firstLine(Path.of("/etc/hostname"));
    }

    static String containerHint(Map<String, String> env, Path root) {
        if (Files.exists(root.resolve(".dockerenv"))) {
            return "/.dockerenv";
        }
        if (Files.exists(root.resolve("run/.containerenv"))) {
            return "/run/.containerenv";
        }
        String container = env.get("container");
        return container != null && !container.isBlank() ? "container=" + container : "";
    }

    /** Reads {@code .git/HEAD} of the nearest enclosing repository (a {@code .git} file points to a worktree's git dir). */
    static String gitBranch(Path workingDir) {
        for (Path dir = workingDir.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path dotGit = dir.resolve(".git");
            Path gitDir = null;
            if (Files.isDirectory(dotGit)) {
                gitDir = dotGit;
            } else if (Files.isRegularFile(dotGit)) {
                String line = firstLine(dotGit);
                if (line.startsWith("gitdir:")) {
                    gitDir = dir.resolve(line.substring("gitdir:".length()).strip());
                }
            }
            if (gitDir != null) {
                String head = firstLine(gitDir.resolve("HEAD"));
                return head.startsWith("ref: refs/heads/") ? head.substring("ref: refs/heads/".length()) : "";
            }
        }
        return "";
    }

    private static String firstLine(Path file) {
        try {
            String text = Files.readString(file);
            int nl = text.indexOf('\n');
            return (nl < 0 ? text : text.substring(0, nl)).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
