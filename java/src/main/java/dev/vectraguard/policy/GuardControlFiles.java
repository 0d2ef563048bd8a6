package dev.vectraguard.policy;

import java.util.Set;

/**
 * Files that decide what guards later commands: vg's own config and state (user config, trust store,
 * config approvals) and the settings of AI agents, where vg's hooks are installed and where a project may
 * turn hooks off. A command that writes, moves or deletes one of them changes what later commands may do.
 */
final class GuardControlFiles {
    /** Below the home: vg's user config directory and its state directory. */
    private static final Set<String> VG_DIRECTORIES = Set.of(".config/vectra-guard", ".vectra-guard");
    /** Agent settings holding hooks, below the home or in a project (relative). */
    private static final Set<String> AGENT_SETTINGS = Set.of(".claude/settings.json", ".claude/settings.local.json",
            ".gemini/settings.json", ".codex/config.toml", ".cursor/hooks.json");

    enum Kind { VG_CONFIG_OR_STATE, AGENT_SETTINGS }

    private GuardControlFiles() {
    }

    /** What {@code path} controls, or null for any other file. */
    static Kind classify(String path) {
        String inHome = SensitivePaths.insideHome(path);
        String relative;
        if (inHome != null) {
            relative = inHome;
        } else if (!path.startsWith("/") && !path.startsWith("~") && !path.startsWith("$")) {
            relative = path.startsWith("./") ? path.substring(2) : path;
        } else {
            return null;
        }
        if (inHome != null) {
            for (String directory : VG_DIRECTORIES) {
                if (relative.equals(directory) || relative.startsWith(directory + "/")) {
                    return Kind.VG_CONFIG_OR_STATE;
                }
            }
        }
        for (String settings : AGENT_SETTINGS) {
            String directory = settings.substring(0, settings.indexOf('/'));
            if (relative.equals(settings) || relative.endsWith("/" + settings) || inHome != null && relative.equals(directory)) {
                return Kind.AGENT_SETTINGS;
            }
        }
        return null;
    }

    /** Adds the finding for {@code verb} (writes, moves away, deletes) on {@code path} when it is such a file. */
    static void check(String path, String verb, String display, FindingCollector findings) {
        Kind kind = classify(path);
        if (kind == Kind.VG_CONFIG_OR_STATE) {
            findings.add(FindingCode.GUARD_APPROVAL, RiskLevel.CRITICAL,
                    verb + " vg's own config or state " + path + ", which decides what later commands may do (" + display + ")");
        } else if (kind == Kind.AGENT_SETTINGS) {
            findings.add(FindingCode.SECURITY_CONTROL_DISABLED, RiskLevel.HIGH,
                    verb + " agent settings " + path + ", where vg's hook is installed (" + display + ")");
        }
    }
}
