package dev.vectraguard.sandbox;

import dev.vectraguard.nativecore.LandlockPathRule;
import dev.vectraguard.nativecore.MountOp;
import dev.vectraguard.nativecore.vg_core_h;
import dev.vectraguard.sandbox.toolconfig.ToolConfigCopies;
import dev.vectraguard.sandbox.toolconfig.ToolConfigFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@link SandboxSpec} into the list of mount operations the C core runs in a fresh
 * tmpfs root, and the Landlock rules that mirror it. Host paths keep their path inside.
 */
public final class MountPlanner {
    /** System directories made visible (read-only or as a throwaway overlay); symlinks are recreated. */
    public static final List<String> SYSTEM_DIRS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");

    /** Files under /etc that only root can read on the host, hidden because a root-run sandbox could read them. */
    static final List<String> HOST_SECRETS = List.of("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-",
            "/etc/sudoers", "/etc/sudoers.d", "/etc/ssh", "/etc/security/opasswd", "/etc/ssl/private");

    /**
     * Credential paths relative to HOME, hidden wherever a bind would expose them; vg's own state,
     * config and extracted native code too, so a sandboxed command cannot weaken later sandboxes.
     */
    static final List<String> HOME_CREDENTIALS = List.of(".ssh", ".aws", ".gnupg", ".kube", ".docker/config.json",
            ".netrc", ".config/gcloud", ".azure", ".npmrc", ".pypirc", ".git-credentials", ".cargo/credentials",
            ".cargo/credentials.toml", ".config/gh", ".vectra-guard", ".cache/vectra-guard", ".config/vectra-guard",
            ".m2/settings-security.xml", ".password-store", ".gem/credentials");

    /** The project's vg config in the workspace: read-only inside, so a command cannot loosen the next run's policy. */
    static final String PROJECT_CONFIG = "vectra-guard.yaml";

    /**
     * Project paths that programs on the host act on without asking: git's config, hooks and
     * submodule directories (`git status` runs `core.fsmonitor`, a commit runs hooks, and an IDE runs
     * git on every change), the file that points git at another config and hooks (`commondir`), and
     * the project settings of editors and agents (tasks, hooks, MCP servers). Read-only inside the
     * sandbox when they exist at the start, in the workspace root and the current directory; one
     * that did not exist is not protected here (see {@code Guard}, which moves a created `commondir` aside).
     */
    public static final List<String> HOST_ACTED_PATHS = List.of(".git/config", ".git/config.worktree", ".git/commondir",
            ".git/hooks", ".git/modules", ".gitmodules", ".vscode", ".idea", ".claude", ".mcp.json", ".gemini", ".cursor");

    /** Harmless dotfiles bound read-only into the empty home so tools behave as on the host. */
    static final List<String> HOME_DOTFILES = List.of(".gitconfig", ".config/git/config", ".config/git/ignore");

    /** Variables naming a toolchain's directory, which may lie under HOME (SDKMAN's JDKs, a Go or Gradle unpacked there). */
    static final List<String> TOOLCHAIN_VARIABLES = List.of("JAVA_HOME", "JDK_HOME", "GOROOT", "GRADLE_HOME", "MAVEN_HOME", "M2_HOME");

    /** Toolchain homes that a PATH entry's directory needs beside it (rustup's proxies in ~/.cargo/bin use ~/.rustup). */
    static final Map<String, String> TOOLCHAIN_COMPANIONS = Map.of(".cargo", ".rustup");

    private MountPlanner() {}

    /** The mount list, the Landlock rules and the working directory of one run. */
    public record FilesystemPlan(List<MountOp> mounts, List<LandlockPathRule> landlockRules, String cwd) {}

    /** A host directory or file made visible at {@code target} inside the sandbox. */
    private record Bound(Path source, Path target) {}

    /**
     * Each cache dir is an overlay whose upper layer {@code cacheLayers} keeps (merged back as
     * additions only), or read-only where it has no layer; either is skipped when the cache dir
     * is gone by the time the sandbox mounts it. The package managers' config files show only as
     * {@code toolConfigs}: hidden inside every bound directory, the copies bound read-only at HOME.
     *
     * @param home        the home the sandbox shows ({@code $HOME})
     * @param accountHome the caller's home in the password database (the same unless $HOME points elsewhere)
     */
    public static FilesystemPlan plan(SandboxSpec spec, Path home, Path accountHome, Path cwd, CacheLayers cacheLayers,
                               ToolConfigCopies toolConfigs) throws SandboxException {
        WritableLocations writable = WritableLocations.of(accountHome, home);
        Path workspace = realWorkspace(spec.workspace(), writable);
        boolean overlay = spec.throwawaySystem();
        List<MountOp> mounts = new ArrayList<>();
        List<LandlockPathRule> rules = new ArrayList<>();
        List<Bound> bound = new ArrayList<>();

        rules.add(new LandlockPathRule("/", LandlockAccess.READ_DIR));
        long systemAccess = overlay ? LandlockAccess.READ_WRITE : LandlockAccess.READ_ONLY;
        for (SystemDir dir : SystemDir.ON_THIS_HOST) {
            if (dir.linkTarget() != null) {
                mounts.add(new MountOp(vg_core_h.VG_MOUNT_SYMLINK(), 0, null, dir.path(), dir.linkTarget()));
            } else {
                mounts.add(overlay
                        ? new MountOp(vg_core_h.VG_MOUNT_OVERLAY(), 0, dir.path(), dir.path(), null)
                        : new MountOp(vg_core_h.VG_MOUNT_BIND(), vg_core_h.VG_MF_READONLY(), dir.path(), dir.path(), null));
                rules.add(new LandlockPathRule(dir.path(), systemAccess));
            }
        }
        for (String secret : HOST_SECRETS) {
            mounts.add(new MountOp(vg_core_h.VG_MOUNT_MASK(), vg_core_h.VG_MF_OPTIONAL(), null, secret, null));
        }

        mounts.add(new MountOp(vg_core_h.VG_MOUNT_PROC(), 0, null, "/proc", null));
        rules.add(new LandlockPathRule("/proc", LandlockAccess.READ_FILE | LandlockAccess.READ_DIR));
        mounts.add(new MountOp(vg_core_h.VG_MOUNT_DEV(), 0, null, "/dev", null));
        rules.add(new LandlockPathRule("/dev", LandlockAccess.DEVICES));
        rules.add(new LandlockPathRule("/dev/shm", LandlockAccess.READ_WRITE));
        for (String scratch : List.of("/tmp", "/var/tmp", "/run")) {
            mounts.add(new MountOp(vg_core_h.VG_MOUNT_TMPFS(), 0, null, scratch, "mode=1777"));
            rules.add(new LandlockPathRule(scratch, LandlockAccess.READ_WRITE));
        }
        mounts.add(new MountOp(vg_core_h.VG_MOUNT_SYMLINK(), vg_core_h.VG_MF_OPTIONAL(), null, "/var/run", "/run"));

        mounts.add(new MountOp(vg_core_h.VG_MOUNT_TMPFS(), 0, null, home.toString(), "mode=0700"));
        rules.add(new LandlockPathRule(home.toString(), LandlockAccess.READ_WRITE));
        for (String dotfile : HOME_DOTFILES) {
            Path path = home.resolve(dotfile);
            if (Files.isRegularFile(path)) {
                mounts.add(new MountOp(vg_core_h.VG_MOUNT_BIND(), vg_core_h.VG_MF_READONLY() | vg_core_h.VG_MF_OPTIONAL(),
                        path.toString(), path.toString(), null));
            }
        }
        for (Path toolchain : homeToolchains(toolchainDirs(spec.environment()), home)) {
            mounts.add(new MountOp(vg_core_h.VG_MOUNT_BIND(), vg_core_h.VG_MF_READONLY(), toolchain.toString(), toolchain.toString(), null));
            rules.add(new LandlockPathRule(toolchain.toString(), LandlockAccess.READ_ONLY));
            bound.add(new Bound(toolchain, toolchain));
        }

        addReadWrite(mounts, rules, bound, workspace, workspace);
        Path workdir = cwd.toAbsolutePath().normalize();
        for (Path projectConfig : new LinkedHashSet<>(List.of(workspace.resolve(PROJECT_CONFIG), workdir.resolve(PROJECT_CONFIG)))) {
            if (projectConfig.startsWith(workspace) && Files.exists(projectConfig)
                    && Files.isRegularFile(projectConfig, LinkOption.NOFOLLOW_LINKS)) {
                mounts.add(new MountOp(vg_core_h.VG_MOUNT_BIND(), vg_core_h.VG_MF_READONLY() | vg_core_h.VG_MF_NO_SYMLINKS(),
                        projectConfig.toString(), projectConfig.toString(), null));
            }
        }
        for (Path protectedPath : hostActedPaths(workspace, workdir)) {
            mounts.add(new MountOp(vg_core_h.VG_MOUNT_BIND(), vg_core_h.VG_MF_READONLY() | vg_core_h.VG_MF_NO_SYMLINKS(),
                    protectedPath.toString(), protectedPath.toString(), null));
        }
        for (Path cache : spec.cacheDirs()) {
            Path real = realCacheDir(cache, writable);
            createDirectories(real);
            String source = real.toString();
            String target = cache.toString();
            Optional<Path> layer = cacheLayers.layerOf(cache);
            mounts.add(layer.isPresent()
                    ? new MountOp(vg_core_h.VG_MOUNT_OVERLAY_KEEP(), vg_core_h.VG_MF_OPTIONAL(), source, target, layer.get().toString())
                    : new MountOp(vg_core_h.VG_MOUNT_BIND(),
                            vg_core_h.VG_MF_READONLY() | vg_core_h.VG_MF_OPTIONAL() | vg_core_h.VG_MF_NO_SYMLINKS(),
                            source, target, null));
            rules.add(new LandlockPathRule(target, layer.isPresent() ? LandlockAccess.READ_WRITE : LandlockAccess.READ_ONLY));
            bound.add(new Bound(real, cache));
        }
        for (BindMount bind : spec.bindMounts()) {
            Path real = realBindSource(bind, writable);
            mounts.add(new MountOp(vg_core_h.VG_MOUNT_BIND(),
                    (bind.readOnly() ? vg_core_h.VG_MF_READONLY() : 0) | vg_core_h.VG_MF_NO_SYMLINKS(),
                    real.toString(), bind.sandboxPath().toString(), null));
            rules.add(new LandlockPathRule(bind.sandboxPath().toString(),
                    bind.readOnly() ? LandlockAccess.READ_ONLY : LandlockAccess.READ_WRITE));
            bound.add(new Bound(real, bind.sandboxPath()));
        }

        Set<Path> masked = new LinkedHashSet<>();
        Set<Path> hidden = protectedPaths(writable);
        if (spec.vgCacheDir().isPresent()) {
            hidden.add(spec.vgCacheDir().get());
            hidden.add(resolveExisting(spec.vgCacheDir().get()));
        }
        for (PrivateDir own : spec.privateDirs()) {
            Path real = resolveExisting(own.path());
            hidden.add(own.path());
            hidden.add(real);
            for (SystemDir dir : SystemDir.ON_THIS_HOST) {
                if (dir.linkTarget() == null && real.startsWith(Path.of(dir.path()))) {
                    masked.add(real); // shown read-only with the system directory
                }
            }
        }
        for (Path root : writable.homes()) {
            for (String toolConfig : ToolConfigFiles.PATHS) {
                hidden.add(root.resolve(toolConfig));
            }
        }
        for (Path secret : hidden) {
            for (Bound b : bound) {
                if (secret.startsWith(b.source()) && !secret.equals(b.source())) {
                    masked.add(b.target().resolve(b.source().relativize(secret)));
                }
            }
        }
        for (Path path : masked) {
            mounts.add(new MountOp(vg_core_h.VG_MOUNT_MASK(), vg_core_h.VG_MF_OPTIONAL(), null, path.toString(), null));
        }
        for (ToolConfigFiles.Copy copy : toolConfigs.copies()) {
            mounts.add(new MountOp(vg_core_h.VG_MOUNT_BIND(), vg_core_h.VG_MF_READONLY() | vg_core_h.VG_MF_NO_SYMLINKS(),
                    copy.copy().toString(), copy.target().toString(), null));
        }

        String sandboxCwd = workdir.startsWith(workspace) ? workdir.toString() : workspace.toString();
        return new FilesystemPlan(List.copyOf(mounts), List.copyOf(rules), sandboxCwd);
    }

    /**
     * The {@link #HOST_ACTED_PATHS} that exist in the workspace root and in {@code workdir} (when it
     * lies in the workspace), each resolved; one that resolves outside the workspace is not writable
     * through it and is left out.
     */
    private static Set<Path> hostActedPaths(Path workspace, Path workdir) {
        Set<Path> found = new LinkedHashSet<>();
        for (Path dir : new LinkedHashSet<>(List.of(workspace, workdir))) {
            for (String name : HOST_ACTED_PATHS) {
                Path path = dir.resolve(name);
                if (!Files.exists(path)) {
                    continue; // missing, or a dangling link: nothing to write through it (and no exception thrown)
                }
                try {
                    Path real = path.toRealPath();
                    if (real.startsWith(workspace)) {
                        found.add(real);
                    }
                } catch (IOException e) {
                    // a dangling link: nothing to write through it
                }
            }
        }
        return found;
    }

    /**
     * The workspace, resolved; refuses directories whose write access would expose the system, a
     * home or credentials (the point of the sandbox): see {@link WritableLocations}.
     */
    static Path realWorkspace(Path workspace, WritableLocations writable) throws SandboxException {
        Path real;
        try {
            real = workspace.toRealPath();
        } catch (IOException e) {
            throw new SandboxException("workspace " + workspace + " does not exist");
        }
        if (!Files.isDirectory(real)) {
            throw new SandboxException("workspace " + real + " is not a directory");
        }
        writable.check("workspace", real, "run vg from a project directory or pass --workspace DIR");
        return real;
    }

    /**
     * Paths hidden inside every bound directory that holds them, under whatever name it is bound:
     * the credentials of the homes and the host's root-only files. A bind that names such a path
     * itself (or a path inside it) shows it: that is binding it on purpose.
     */
    private static Set<Path> protectedPaths(WritableLocations writable) {
        Set<Path> paths = new LinkedHashSet<>(writable.credentials());
        for (String secret : HOST_SECRETS) {
            paths.add(Path.of(secret));
        }
        return paths;
    }

    /** PATH's entries and the directories of {@link #TOOLCHAIN_VARIABLES}, as one search path. */
    static String toolchainDirs(Map<String, String> environment) {
        StringBuilder dirs = new StringBuilder(environment.getOrDefault("PATH", ""));
        for (String variable : TOOLCHAIN_VARIABLES) {
            String dir = environment.get(variable);
            if (dir != null && dir.indexOf(':') < 0) {
                dirs.append(':').append(dir);
            }
        }
        return dirs.toString();
    }

    /**
     * Directories under HOME that hold programs on PATH (e.g. ~/.cargo, ~/.pyenv): bound read-only
     * so the same tools work inside. ~/.local and ~/bin style entries bind only the PATH entry.
     */
    static List<Path> homeToolchains(String pathVariable, Path home) {
        Set<Path> result = new LinkedHashSet<>();
        if (pathVariable == null) {
            return List.of();
        }
        for (String entry : pathVariable.split(":")) {
            if (entry.isEmpty() || !entry.startsWith("/")) {
                continue;
            }
            Path path = Path.of(entry).normalize();
            if (!path.startsWith(home) || path.equals(home) || !Files.isDirectory(path)) {
                continue;
            }
            Path first = home.resolve(home.relativize(path).getName(0));
            String name = first.getFileName().toString();
            boolean credential = HOME_CREDENTIALS.stream().anyMatch(c -> c.equals(name) || c.startsWith(name + "/"))
                    && !name.equals(".cargo");
            if (credential) {
                continue;
            }
            result.add(name.equals(".local") || name.equals(".config") || !name.startsWith(".") ? path : first);
            String companion = TOOLCHAIN_COMPANIONS.get(name);
            if (companion != null && Files.isDirectory(home.resolve(companion))) {
                result.add(home.resolve(companion));
            }
        }
        return List.copyOf(result);
    }

    private static void addReadWrite(List<MountOp> mounts, List<LandlockPathRule> rules, List<Bound> bound, Path source,
                                     Path target) {
        mounts.add(new MountOp(vg_core_h.VG_MOUNT_BIND(), vg_core_h.VG_MF_NO_SYMLINKS(), source.toString(), target.toString(),
                null));
        rules.add(new LandlockPathRule(target.toString(), LandlockAccess.READ_WRITE));
        bound.add(new Bound(source, target));
    }

    /** The checks of {@link #plan} on the cache dirs and bind mounts, which vg config validate runs without a sandbox. */
    static void checkBinds(SandboxSpec spec, WritableLocations writable) throws SandboxException {
        for (Path cache : spec.cacheDirs()) {
            realCacheDir(cache, writable);
        }
        for (BindMount bind : spec.bindMounts()) {
            realBindSource(bind, writable);
        }
    }

    private static Path realCacheDir(Path cache, WritableLocations writable) throws SandboxException {
        Path real = resolveExisting(cache);
        writable.check("cache dir", real, "remove it from sandbox.cache_dirs");
        return real;
    }

    private static Path realBindSource(BindMount bind, WritableLocations writable) throws SandboxException {
        Path real;
        try {
            real = bind.hostPath().toRealPath();
        } catch (IOException e) {
            throw new SandboxException("bind mount source does not exist: " + bind.hostPath());
        }
        if (!bind.readOnly()) {
            writable.check("writable bind mount", real, "bind it read-only (:ro) or bind another directory");
        }
        return real;
    }

    private static Path resolveExisting(Path path) throws SandboxException {
        try {
            return WritableLocations.resolve(path);
        } catch (IOException e) {
            throw new SandboxException("cannot resolve " + path + ": " + e.getMessage());
        }
    }

    private static void createDirectories(Path dir) throws SandboxException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SandboxException("cannot create cache directory " + dir + ": " + e.getMessage());
        }
    }

    /**
     * One of {@link #SYSTEM_DIRS} as this host has it: a directory, or a symlink (merged /usr) that is
     * recreated inside. Looked at once per JVM: the host's top-level layout does not change under it.
     */
    record SystemDir(String path, String linkTarget) {
        static final List<SystemDir> ON_THIS_HOST = inspect();

        private static List<SystemDir> inspect() {
            List<SystemDir> dirs = new ArrayList<>();
            for (String dir : SYSTEM_DIRS) {
                Path path = Path.of(dir);
                try {
                    if (Files.isSymbolicLink(path)) {
                        dirs.add(new SystemDir(dir, Files.readSymbolicLink(path).toString()));
                    } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        dirs.add(new SystemDir(dir, null));
                    }
                } catch (IOException unreadable) {
                    // a link that cannot be read is left out, like a missing directory
                }
            }
            return List.copyOf(dirs);
        }
    }
}
