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

    private CgroupProbe() {}

    /**
     * @param version         1, 2, or 0 when no hierarchy is mounted
     * @param controllers     controllers present (v1 hierarchies, or v2 cgroup.controllers)
     * @param usableForLimits whether vg can create cgroups with memory, pids and cpu limits as this user
     */
    public record CgroupInfo(int version, List<String> controllers, boolean usableForLimits) {}

    public static CgroupInfo probe() {
        Path v2Controllers = ROOT.resolve("cgroup.controllers");
        if (Files.isRegularFile(v2Controllers)) {
            List<String> present = v2(v2Controllers);
            boolean usable = present.containsAll(CONTROLLERS) && Files.isWritable(ROOT.resolve("cgroup.subtree_control"));
            return new CgroupInfo(2, present, usable);
        }
        List<String> present = new ArrayList<>();
        for (String controller : CONTROLLERS) {
            if (Files.isDirectory(ROOT.resolve(controller))) {
                present.add(controller);
            }
        }
        if (present.isEmpty()) {
            return new CgroupInfo(0, List.of(), false);
        }
        boolean usable = present.containsAll(CONTROLLERS)
                && CONTROLLERS.stream().allMatch(c -> Files.isWritable(ROOT.resolve(c)));
        return new CgroupInfo(1, List.copyOf(present), usable);
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
