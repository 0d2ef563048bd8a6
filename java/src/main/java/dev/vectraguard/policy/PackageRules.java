package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Package removal (medium) and package installs that fetch from the network (medium, flagged so mode
 * AUTO sandboxes them). Maven and Gradle builds download dependencies too: they are rated
 * {@link FindingCode#NETWORKED_BUILD} and flagged the same way, unless run offline.
 */
final class PackageRules implements CommandRule {
    /** Subcommands that install from the network, by package manager; "" stands for the bare command. */
    private static final Map<String, Set<String>> INSTALLS = Map.ofEntries(
            Map.entry("npm", Set.of("install", "i", "ci", "add", "update", "up", "upgrade", "exec", "x", "install-test", "it")),
            Map.entry("yarn", Set.of("", "install", "add", "upgrade", "up", "dlx")),
            Map.entry("pnpm", Set.of("install", "i", "add", "update", "up", "dlx")),
            Map.entry("bun", Set.of("install", "i", "add", "update", "x")),
            Map.entry("pip", Set.of("install", "download")), Map.entry("pip3", Set.of("install", "download")),
            Map.entry("poetry", Set.of("add", "install", "update")), Map.entry("pipenv", Set.of("install", "update", "sync")),
            Map.entry("conda", Set.of("install", "create", "update")), Map.entry("mamba", Set.of("install", "create", "update")),
            Map.entry("cargo", Set.of("install", "add", "binstall")), Map.entry("go", Set.of("install", "get")),
            Map.entry("gem", Set.of("install")), Map.entry("bundle", Set.of("", "install", "update")),
            Map.entry("composer", Set.of("install", "require", "update")),
            Map.entry("apt", Set.of("install", "upgrade", "full-upgrade", "dist-upgrade", "update", "build-dep")),
            Map.entry("apt-get", Set.of("install", "upgrade", "dist-upgrade", "update", "build-dep")),
            Map.entry("aptitude", Set.of("install", "upgrade", "update")),
            Map.entry("yum", Set.of("install", "update", "upgrade")), Map.entry("dnf", Set.of("install", "update", "upgrade")),
            Map.entry("zypper", Set.of("install", "in", "update", "up")), Map.entry("apk", Set.of("add", "upgrade")),
            Map.entry("brew", Set.of("install", "upgrade", "reinstall", "tap")), Map.entry("snap", Set.of("install")));
    private static final Map<String, Set<String>> REMOVALS = Map.ofEntries(
            Map.entry("apt", Set.of("remove", "purge", "autoremove")), Map.entry("apt-get", Set.of("remove", "purge", "autoremove")),
            Map.entry("aptitude", Set.of("remove", "purge")), Map.entry("yum", Set.of("remove", "erase", "autoremove")),
            Map.entry("dnf", Set.of("remove", "erase", "autoremove")), Map.entry("zypper", Set.of("remove", "rm")),
            Map.entry("apk", Set.of("del")), Map.entry("brew", Set.of("uninstall", "remove", "rm")),
            Map.entry("snap", Set.of("remove")), Map.entry("pip", Set.of("uninstall")), Map.entry("pip3", Set.of("uninstall")),
            Map.entry("gem", Set.of("uninstall")), Map.entry("cargo", Set.of("uninstall")),
            Map.entry("conda", Set.of("remove", "uninstall")));
    private static final Set<String> NPM_REMOVALS = Set.of("uninstall", "remove", "rm", "un", "r");
    private static final Set<String> BUILD_TOOLS = Set.of("mvn", "mvnw", "gradle", "gradlew");
    private static final Set<String> ALWAYS_REMOTE = Set.of("npx", "bunx", "uvx", "pipx");

    @Override
    public Set<String> commands() {
        Set<String> names = new HashSet<>(INSTALLS.keySet());
        names.addAll(REMOVALS.keySet());
        names.addAll(BUILD_TOOLS);
        names.addAll(ALWAYS_REMOTE);
        names.addAll(Set.of("uv", "pacman"));
        return Set.copyOf(names);
    }

    @Override
    public void check(Invocation manager, FindingCollector findings) {
        String name = manager.name();
        List<Word> operands = manager.operands();
        String sub = operands.isEmpty() ? "" : operands.getFirst().value();
        String display = " (" + manager.display() + ")";
        if (BUILD_TOOLS.contains(name)) {
            if (!sub.isEmpty() && !manager.has("-o", "--offline")) {
                findings.addNetworked(FindingCode.NETWORKED_BUILD, "build that downloads dependencies" + display);
            }
        } else if (ALWAYS_REMOTE.contains(name)) {
            if (!manager.has("--offline", "--no-install")) {
                findings.addNetworked(FindingCode.NETWORKED_INSTALL, "runs a package fetched from the network" + display);
            }
        } else if (name.equals("uv")) {
            String second = operands.size() > 1 ? operands.get(1).value() : "";
            if (Set.of("add", "sync", "run").contains(sub) || (Set.of("pip", "tool").contains(sub) && second.equals("install"))) {
                findings.addNetworked(FindingCode.NETWORKED_INSTALL, "networked install" + display);
            } else if (sub.equals("pip") && second.equals("uninstall")) {
                findings.add(FindingCode.PACKAGE_REMOVAL, RiskLevel.MEDIUM, "removes packages" + display);
            }
        } else if (name.equals("pacman")) {
            String action = manager.args().isEmpty() ? "" : manager.value(0);
            if (action.startsWith("-S") && !action.contains("s") && !action.contains("i") || action.startsWith("-U")) {
                findings.addNetworked(FindingCode.NETWORKED_INSTALL, "networked install" + display);
            } else if (action.startsWith("-R")) {
                findings.add(FindingCode.PACKAGE_REMOVAL, RiskLevel.MEDIUM, "removes packages" + display);
            }
        } else if (INSTALLS.getOrDefault(name, Set.of()).contains(sub)) {
            findings.addNetworked(FindingCode.NETWORKED_INSTALL, "networked install" + display);
        } else if (REMOVALS.getOrDefault(name, Set.of()).contains(sub)
                || (name.equals("npm") && NPM_REMOVALS.contains(sub) && manager.has("-g", "--global"))) {
            findings.add(FindingCode.PACKAGE_REMOVAL, RiskLevel.MEDIUM, "removes packages" + display);
        }
    }
}
