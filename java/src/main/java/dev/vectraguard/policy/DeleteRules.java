package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;

/** {@code rm} of /, home, system dirs or unknown paths, and {@code find ... -delete} over them. */
final class DeleteRules implements CommandRule {
    private static final Set<String> FIND_DELETE_ACTIONS = Set.of("-exec", "-execdir", "-ok", "-okdir");
    private static final Set<String> DELETING_COMMANDS = Set.of("rm", "shred", "unlink", "rmdir");
    private static final Set<String> MODIFYING_COMMANDS = Set.of("sed", "chmod", "chown", "chgrp", "truncate", "mv");
    /** Directories of the home that only hold caches or scratch files. */
    private static final Set<String> HOME_CACHES = Set.of(".cache", ".npm", ".m2", ".gradle", ".pnpm-store", ".yarn", ".ivy2",
            ".sbt", ".nuget", ".pub-cache", ".node-gyp", ".electron-gyp", ".thumbnails", "tmp", ".tmp");

    @Override
    public Set<String> commands() {
        return Set.of("rm", "unlink", "shred", "find");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        if (invocation.name().equals("find")) {
            checkFind(invocation, findings);
        } else {
            checkRm(invocation, findings);
        }
    }

    private static void checkRm(Invocation rm, FindingCollector findings) {
        boolean recursive = rm.name().equals("rm") && (rm.hasShortFlag('r') || rm.hasShortFlag('R') || rm.has("--recursive"));
        boolean force = rm.hasShortFlag('f') || rm.has("--force");
        String action = recursive ? (force ? "recursive forced delete" : "recursive delete") : "delete";
        for (Word target : rm.operands()) {
            String reason = action + " of " + target.value() + " (" + rm.display() + ")";
            switch (SensitivePaths.classify(target)) {
                case ROOT -> findings.add(FindingCode.DESTRUCTIVE_DELETE_ROOT, recursive ? RiskLevel.CRITICAL : RiskLevel.HIGH, reason);
                case HOME -> {
                    if (recursive) {
                        findings.add(FindingCode.DESTRUCTIVE_DELETE_HOME, RiskLevel.CRITICAL, reason);
                    }
                }
                case SYSTEM -> findings.add(FindingCode.DESTRUCTIVE_DELETE_SYSTEM, recursive ? RiskLevel.CRITICAL : RiskLevel.HIGH, reason);
                case SYSTEM_CONTENT -> findings.add(FindingCode.DESTRUCTIVE_DELETE_SYSTEM, RiskLevel.HIGH, reason);
                case WORKDIR -> {
                    if (recursive) {
                        findings.add(FindingCode.RECURSIVE_DELETE_WORKDIR, RiskLevel.MEDIUM, reason);
                    }
                }
                case DYNAMIC -> {
                    if (recursive) {
                        findings.add(FindingCode.RECURSIVE_DELETE_DYNAMIC, RiskLevel.MEDIUM, reason);
                    }
                }
                case OTHER -> {
                    String inHome = SensitivePaths.insideHome(target.value());
                    if (inHome != null && SecretFiles.sensitivity(target.value()).filter(RiskLevel.HIGH::equals).isPresent()) {
                        findings.add(FindingCode.DESTRUCTIVE_DELETE_HOME, RiskLevel.HIGH, "deletes credentials: " + reason);
                    } else if (recursive && inHome != null) {
                        checkHomeSubdirectory(SensitivePaths.resolve("/" + inHome), reason, findings);
                    }
                }
            }
        }
        if (recursive && rm.argumentsFromInput()) {
            findings.add(FindingCode.RECURSIVE_DELETE_DYNAMIC, RiskLevel.MEDIUM,
                    action + " of paths read from input (xargs " + rm.display() + ")");
        }
    }

    /**
     * A recursive delete of a whole directory of the home ({@code ~/projects}, {@code ~/.config}) is high;
     * caches are not findings, and neither is anything deeper (a project's own directories).
     */
    private static void checkHomeSubdirectory(String pathInHome, String reason, FindingCollector findings) {
        String[] parts = pathInHome.substring(1).split("/");
        if (parts.length == 1 && !pathInHome.equals("/") && !HOME_CACHES.contains(parts[0])) {
            findings.add(FindingCode.DESTRUCTIVE_DELETE_HOME, RiskLevel.HIGH, "a whole directory of the home: " + reason);
        }
    }

    private static void checkFind(Invocation find, FindingCollector findings) {
        List<Word> args = find.args();
        boolean deletes = find.has("-delete");
        boolean modifies = false;
        for (int i = 0; i + 1 < args.size() && !deletes; i++) {
            String action = Invocation.basename(args.get(i + 1).value());
            deletes = FIND_DELETE_ACTIONS.contains(args.get(i).value()) && DELETING_COMMANDS.contains(action);
            modifies |= FIND_DELETE_ACTIONS.contains(args.get(i).value()) && MODIFYING_COMMANDS.contains(action)
                    && (!action.equals("sed") || args.subList(i + 1, args.size()).stream().anyMatch(arg -> arg.value().startsWith("-i")));
        }
        if (modifies && !deletes) {
            for (Word start : args) {
                if (start.value().startsWith("-") || start.value().equals("(") || start.value().equals("!")) {
                    break;
                }
                SensitivePaths.Kind kind = SensitivePaths.classify(start);
                if (kind == SensitivePaths.Kind.ROOT || kind == SensitivePaths.Kind.SYSTEM) {
                    findings.add(FindingCode.SYSTEM_FILE_WRITE, RiskLevel.HIGH, "find changing every file it matches under "
                            + start.value() + " (" + find.display() + ")");
                }
            }
        }
        if (!deletes) {
            return;
        }
        for (Word start : args) {
            String value = start.value();
            if (value.startsWith("-") || value.equals("(") || value.equals("!")) {
                break;
            }
            String reason = "find deleting everything it matches under " + value + " (" + find.display() + ")";
            switch (SensitivePaths.classify(start)) {
                case ROOT, HOME, SYSTEM -> findings.add(FindingCode.FIND_DELETE_SYSTEM, RiskLevel.CRITICAL, reason);
                case SYSTEM_CONTENT -> findings.add(FindingCode.FIND_DELETE_SYSTEM, RiskLevel.HIGH, reason);
                case DYNAMIC -> findings.add(FindingCode.RECURSIVE_DELETE_DYNAMIC, RiskLevel.MEDIUM, reason);
                default -> { }
            }
        }
    }
}
