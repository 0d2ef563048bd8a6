package dev.vectraguard.sandbox;

import dev.vectraguard.nativecore.MountOp;
import dev.vectraguard.sandbox.toolconfig.ToolConfigCopies;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host paths a runtime with its own root filesystem (a container image) shows: the workspace,
 * the caches and the spec's bind mounts at their paths, checked and resolved as the native runtime
 * does (a workspace in a system directory or a home is refused), with the project config read-only
 * and the credential paths inside them hidden.
 */
public final class HostMounts {
    /**
     * One mount: a bind of {@code source} at {@code target}, or, when {@code source} is null, a
     * path hidden (an empty read-only directory or file, as {@code directory} says).
     */
    public record HostMount(String source, String target, boolean readOnly, boolean directory) {
        public boolean hides() {
            return source == null;
        }
    }

    /** The mounts and the directory the command starts in. */
    public record Plan(List<HostMount> mounts, String cwd) {}

    private HostMounts() {}

    /** The plan of {@code spec}; caches are read-only (no append-only layer outside the native runtime). */
    public static Plan of(SandboxSpec spec) throws SandboxException {
        Path home = CallerAccount.homeDirectory(spec.environment());
        int uid = CallerAccount.ids()[0];
        MountPlanner.FilesystemPlan plan = MountPlanner.plan(spec, home, CallerAccount.accountHome(uid),
                Path.of("").toAbsolutePath(), CacheLayers.create(List.of(), home), ToolConfigCopies.NONE);
        Path workspace = MountPlanner.realWorkspace(spec.workspace(), WritableLocations.of(CallerAccount.accountHome(uid), home));
        List<Path> shown = new ArrayList<>(List.of(workspace));
        shown.addAll(spec.cacheDirs());
        spec.bindMounts().forEach(bind -> shown.add(bind.sandboxPath()));
        List<Path> bound = new ArrayList<>();
        List<HostMount> mounts = new ArrayList<>();
        for (MountOp op : plan.mounts()) {
            Path target = Path.of(op.target());
            boolean readOnly = (op.flags() & MountOp.READONLY) != 0;
            if (op.kind() == MountOp.BIND && shown.stream().anyMatch(target::startsWith)) {
                if ((op.flags() & MountOp.OPTIONAL) != 0 && !Files.exists(Path.of(op.source()), LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                mounts.add(new HostMount(op.source(), op.target(), readOnly, Files.isDirectory(Path.of(op.source()))));
                bound.add(target);
            } else if (op.kind() == MountOp.MASK && bound.stream().anyMatch(b -> target.startsWith(b) && !target.equals(b))) {
                Path host = hostPathOf(target, mounts);
                if (Files.exists(host, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(host)) {
                    mounts.add(new HostMount(null, op.target(), true, Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)));
                }
            }
        }
        return new Plan(List.copyOf(mounts), plan.cwd());
    }

    private static Path hostPathOf(Path target, List<HostMount> mounts) {
        HostMount best = null;
        for (HostMount mount : mounts) {
            if (!mount.hides() && target.startsWith(mount.target())
                    && (best == null || Path.of(mount.target()).getNameCount() > Path.of(best.target()).getNameCount())) {
                best = mount;
            }
        }
        return best == null ? target : Path.of(best.source()).resolve(Path.of(best.target()).relativize(target));
    }
}
