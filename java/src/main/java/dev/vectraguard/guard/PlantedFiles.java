package dev.vectraguard.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Files a sandboxed command creates where programs on the host would act on them: vg's project
 * config, a git repository whose config or hooks run commands, a {@code .git/commondir}, agents' and
 * editors' project settings. What exists when the run starts is read-only inside the sandbox
 * ({@code MountPlanner.HOST_ACTED_PATHS}); what did not is recorded here before the run and, if the
 * command created it, moved aside afterwards (never deleted) and reported. A new repository that only
 * {@code git init} and ordinary use made (no hook, no config key that runs a program) stays.
 */
final class PlantedFiles {
    /** Settings files that, created in a project, would run commands in an agent or an editor on the host. */
    private static final List<String> SETTINGS = List.of(".claude/settings.json", ".claude/settings.local.json", ".mcp.json",
            ".gemini/settings.json", ".vscode/settings.json", ".vscode/tasks.json", ".cursor/hooks.json", ".cursor/mcp.json");
    /** Keys of a repository's config (section.key, or section.*.key with a subsection) that run no program. */
    private static final Set<String> INERT_GIT_KEYS = Set.of("core.repositoryformatversion", "core.filemode", "core.bare",
            "core.logallrefupdates", "core.ignorecase", "core.precomposeunicode", "core.symlinks", "core.autocrlf", "core.eol",
            "core.safecrlf", "core.quotepath", "extensions.objectformat", "user.name", "user.email", "init.defaultbranch",
            "branch.*.remote", "branch.*.merge", "branch.*.rebase", "remote.*.url", "remote.*.pushurl", "remote.*.fetch");

    private record Watched(Path path, String why) {}

    private final List<Watched> absent = new ArrayList<>();
    private final List<Path> absentRepositories = new ArrayList<>();

    /** Records, in each of {@code dirs} (the workspace root, the current directory), what does not exist yet. */
    PlantedFiles(List<Path> dirs, String projectConfigName) {
        for (Path dir : dirs.stream().map(Path::normalize).distinct().toList()) {
            watch(dir.resolve(projectConfigName), "so it is not used (review it and rename it back to use it)");
            Path git = dir.resolve(".git");
            if (Files.isDirectory(git, LinkOption.NOFOLLOW_LINKS)) {
                watch(git.resolve("commondir"), "so git keeps its own config and hooks (a commondir file points git at "
                        + "another directory's config and hooks, which git on the host would run)");
                watch(git.resolve("config.worktree"), "so git keeps its own config (git on the host would read it)");
            } else if (!Files.exists(git, LinkOption.NOFOLLOW_LINKS)) {
                absentRepositories.add(git);
            }
            for (String settings : SETTINGS) {
                watch(dir.resolve(settings), "so the agent or editor that reads it does not run what it says "
                        + "(review it and move it back to use it)");
            }
        }
    }

    private void watch(Path path, String why) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            absent.add(new Watched(path, why));
        }
    }

    /** After the run: moves aside what the command created; {@code notice} gets each line to report. */
    void moveAsideCreated(BiConsumer<String, String> notice) {
        for (Watched watched : absent) {
            if (Files.exists(watched.path(), LinkOption.NOFOLLOW_LINKS)) {
                moveAside(watched.path(), watched.why(), notice);
            }
        }
        for (Path git : absentRepositories) {
            if (Files.exists(git, LinkOption.NOFOLLOW_LINKS)) {
                String problem = repositoryProblem(git);
                if (problem != null) {
                    moveAside(git, "so git on the host does not run what it holds (" + problem + ")", notice);
                }
            }
        }
    }

    /**
     * Why git on the host would run a program from the new repository {@code git}, or null when it
     * holds only what {@code git init} and ordinary use make. Anything this cannot read is a problem.
     */
    static String repositoryProblem(Path git) {
        if (!Files.isDirectory(git, LinkOption.NOFOLLOW_LINKS)) {
            return "a .git file names another directory as the repository";
        }
        for (String redirect : List.of("commondir", "config.worktree", "modules")) {
            if (Files.exists(git.resolve(redirect), LinkOption.NOFOLLOW_LINKS)) {
                return "it has " + redirect;
            }
        }
        Path hooks = git.resolve("hooks");
        if (Files.exists(hooks, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(hooks, LinkOption.NOFOLLOW_LINKS)) {
                return "hooks is not a directory";
            }
            try (Stream<Path> files = Files.list(hooks)) {
                String hook = files.map(file -> file.getFileName().toString()).filter(name -> !name.endsWith(".sample"))
                        .findFirst().orElse(null);
                if (hook != null) {
                    return "hook " + hook;
                }
            } catch (IOException e) {
                return "its hooks cannot be read: " + e.getMessage();
            }
        }
        Path config = git.resolve("config");
        if (!Files.exists(config, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS)) {
            return "its config is not a regular file";
        }
        try {
            return configProblem(Files.readString(config));
        } catch (IOException | RuntimeException e) {
            return "its config cannot be read: " + e.getMessage();
        }
    }

    /** The first key of a git config text outside {@link #INERT_GIT_KEYS}, as a reason; null when all are inert. */
    static String configProblem(String text) {
        String section = null;
        String subsection = null;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                int close = line.indexOf(']');
                String rest = close < 0 ? "x" : line.substring(close + 1).strip();
                if (!rest.isEmpty() && !rest.startsWith("#") && !rest.startsWith(";")) {
                    return "a config line it cannot check: " + line;
                }
                String header = line.substring(1, close).strip();
                int space = header.indexOf(' ');
                int dot = header.indexOf('.');
                int split = space >= 0 ? space : dot;
                section = (split < 0 ? header : header.substring(0, split)).toLowerCase(Locale.ROOT);
                subsection = split < 0 ? null : header.substring(split + 1).strip().replaceAll("^\"|\"$", "");
                continue;
            }
            if (section == null) {
                return "a config line it cannot check: " + line;
            }
            int equals = line.indexOf('=');
            String key = (equals < 0 ? line : line.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : line.substring(equals + 1).strip();
            String name = section + "." + (subsection == null ? "" : "*.") + key;
            if (!INERT_GIT_KEYS.contains(name) || value.endsWith("\\") || name.endsWith("url") && value.contains("::")) {
                return "config key " + section + "." + (subsection == null ? "" : subsection + ".") + key;
            }
        }
        return null;
    }

    private static void moveAside(Path created, String why, BiConsumer<String, String> notice) {
        Path aside = created.resolveSibling(created.getFileName() + ".from-sandbox-" + Instant.now().toString().replace(':', '-'));
        try {
            Files.move(created, aside, StandardCopyOption.ATOMIC_MOVE);
            notice.accept("config", "the sandboxed command created " + created + "; moved it to " + aside + " " + why);
        } catch (IOException e) {
            notice.accept("config", "the sandboxed command created " + created + " and it could not be moved aside ("
                    + e.getMessage() + "): review it before the next run");
        }
    }
}
