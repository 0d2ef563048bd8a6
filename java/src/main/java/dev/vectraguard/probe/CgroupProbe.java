package dev.vectraguard.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What cgroup hierarchy this machine has and whether vg can use it for limits. */
public final class CgroupProbe {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");

    /**
     * The child of a delegated cgroup v2 that vg moves the cgroup's processes into (vg itself and
     * whatever started it): a cgroup that hands controllers to its children may hold no processes.
     */
    public static final String CALLERS = "vg-callers";

    private CgroupProbe() {}

    /**
     * @param version         1, 2, or 0 when no hierarchy is mounted
     * @param controllers     controllers present (v1 hierarchies; v2: those of the cgroup vg would use,
     *                        the root for root, else the delegated one)
     * @param usableForLimits whether vg can create cgroups with memory, pids and cpu limits as this user
     * @param base            v2: the cgroup under which vg makes its own (the root, or the cgroup
     *                        systemd delegated to this user); null for v1 or when not usable
     * @param reason          why the hierarchy is not usable (empty when it is)
     */
    public record CgroupInfo(int version, List<String> controllers, boolean usableForLimits, Path base, String reason) {
        /** The delegated cgroup's path below the hierarchy's root ("/user.slice/..."), or "" for the root. */
        public String delegatedPath() {
            return base == null || base.equals(ROOT) ? "" : "/" + ROOT.relativize(base);
        }
    }

    public static CgroupInfo probe() {
        Path v2Controllers = ROOT.resolve("cgroup.controllers");
        if (Files.isRegularFile(v2Controllers)) {
            return probeV2(v2(v2Controllers));
        }
        List<String> present = new ArrayList<>();
        for (String controller : CONTROLLERS) {
            if (Files.isDirectory(ROOT.resolve(controller))) {
                present.add(controller);
            }
        }
        if (present.isEmpty()) {
            return new CgroupInfo(0, List.of(), false, null, "no cgroup hierarchy mounted at " + ROOT);
        }
        boolean usable = present.containsAll(CONTROLLERS)
                && CONTROLLERS.stream().allMatch(c -> Files.isWritable(ROOT.resolve(c)));
        return new CgroupInfo(1, List.copyOf(present), usable, null,
                usable ? "" : "cgroup v1 hierarchies are writable by root only");
    }

    /**
     * The root hierarchy when this user may write it (root), else the cgroup this process is in, when
     * it is delegated to this user with the memory, pids and cpu controllers (systemd's
     * {@code Delegate=yes}); a process already moved to its {@link #CALLERS} child stands for its parent.
     */
    private static CgroupInfo probeV2(List<String> rootControllers) {
        if (rootControllers.containsAll(CONTROLLERS) && Files.isWritable(ROOT.resolve("cgroup.subtree_control"))) {
            return new CgroupInfo(2, rootControllers, true, ROOT, "");
        }
        String own = ownCgroupV2();
        if (own == null) {
            return new CgroupInfo(2, rootControllers, false, null, "this process's cgroup v2 is unknown (/proc/self/cgroup)");
        }
        Path cgroup = ROOT.resolve(own.substring(1));
        if (cgroup.getFileName() != null && cgroup.getFileName().toString().equals(CALLERS) && !cgroup.getParent().equals(ROOT)) {
            cgroup = cgroup.getParent();
            own = own.substring(0, own.length() - CALLERS.length() - 1);
        }
        List<String> delegated = v2(cgroup.resolve("cgroup.controllers"));
        boolean writable = !cgroup.equals(ROOT) && Files.isWritable(cgroup) && Files.isWritable(cgroup.resolve("cgroup.procs"))
                && Files.isWritable(cgroup.resolve("cgroup.subtree_control"));
        if (!writable) {
            return new CgroupInfo(2, delegated, false, null, "cgroup v2 " + own + " is not delegated to this user"
                    + " (run vg in a delegated scope: systemd-run --user --scope -p Delegate=yes vg ...)");
        }
        List<String> missing = CONTROLLERS.stream().filter(c -> !delegated.contains(c)).toList();
        if (!missing.isEmpty()) {
            return new CgroupInfo(2, delegated, false, null, "cgroup v2 " + own + " lacks the "
                    + String.join(", ", missing) + " controller" + (missing.size() > 1 ? "s" : "")
                    + " (not delegated by the user's systemd: Delegate= of user@.service)");
        }
        return new CgroupInfo(2, delegated, true, cgroup, "");
    }

    /** This process's cgroup v2 path ("/user.slice/..."), from the "0::" line of /proc/self/cgroup. */
    private static String ownCgroupV2() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::/")) {
                    String path = line.substring(3);
                    return path.contains("/..") || path.endsWith(" (deleted)") ? null : path;
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // unknown
        }
        return null;
    }

    private static List<String> v2(Path file) {
        try {
            String content = Files.readString(file).trim();
            return content.isEmpty() ? List.of() : List.of(content.split("\\s+"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
