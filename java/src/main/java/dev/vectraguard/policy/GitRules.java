package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;

/** Git commands that lose work or rewrite shared history; force pushes to production branches rate one step higher. */
final class GitRules implements CommandRule {
    private static final Set<String> GLOBAL_OPTIONS_WITH_VALUE = Set.of("-C", "-c", "--git-dir", "--work-tree", "--namespace",
            "--exec-path", "--config-env");
    private static final Set<String> PRODUCTION_BRANCHES = Set.of("main", "master", "production", "prod");

    @Override
    public Set<String> commands() {
        return Set.of("git");
    }

    @Override
    public void check(Invocation git, FindingCollector findings) {
        List<Word> args = git.args();
        int sub = 0;
        while (sub < args.size() && args.get(sub).value().startsWith("-")) {
            sub += GLOBAL_OPTIONS_WITH_VALUE.contains(args.get(sub).value()) ? 2 : 1;
        }
        if (sub >= args.size()) {
            return;
        }
        Invocation command = new Invocation("git " + args.get(sub).value(), args.get(sub), args.subList(sub + 1, args.size()),
                git.redirections(), git.elevatedBy(), git.argumentsFromInput(), git.pipedInput());
        String display = " (" + git.display() + ")";
        switch (args.get(sub).value()) {
            case "push" -> checkPush(command, display, findings);
            case "reset" -> {
                if (command.has("--hard")) {
                    findings.add(FindingCode.GIT_DISCARD_CHANGES, RiskLevel.MEDIUM, "discards uncommitted changes" + display);
                }
            }
            case "clean" -> {
                if ((command.hasShortFlag('f') || command.has("--force")) && !command.hasShortFlag('n') && !command.has("--dry-run")) {
                    findings.add(FindingCode.GIT_DISCARD_CHANGES, RiskLevel.MEDIUM, "deletes untracked files" + display);
                }
            }
            case "checkout" -> {
                if (command.has(".", "-f", "--force") || command.has(":/")) {
                    findings.add(FindingCode.GIT_DISCARD_CHANGES, RiskLevel.MEDIUM, "discards uncommitted changes" + display);
                }
            }
            case "restore" -> {
                if (command.has(".", ":/") && (!command.has("--staged", "-S") || command.has("--worktree", "-W"))) {
                    findings.add(FindingCode.GIT_DISCARD_CHANGES, RiskLevel.MEDIUM, "discards uncommitted changes" + display);
                }
            }
            case "stash" -> {
                if (command.subcommand().equals("clear")) {
                    findings.add(FindingCode.GIT_DISCARD_CHANGES, RiskLevel.MEDIUM, "drops every stash" + display);
                }
            }
            case "branch" -> checkBranch(command, display, findings);
            case "filter-branch", "filter-repo" ->
                    findings.add(FindingCode.GIT_HISTORY_REWRITE, RiskLevel.HIGH, "rewrites repository history" + display);
            case "reflog" -> {
                if (command.subcommand().equals("expire") && (startsWithAny(command, "--expire=now", "--expire=all", "--expire=0")
                        || startsWithAny(command, "--expire-unreachable=now", "--expire-unreachable=all"))) {
                    findings.add(FindingCode.GIT_HISTORY_REWRITE, RiskLevel.HIGH, "expires the reflog, losing recovery points" + display);
                }
            }
            case "gc" -> {
                if (startsWithAny(command, "--prune=now", "--prune=all")) {
                    findings.add(FindingCode.GIT_HISTORY_REWRITE, RiskLevel.MEDIUM, "prunes unreachable commits now" + display);
                }
            }
            default -> { }
        }
    }

    private static void checkPush(Invocation push, String display, FindingCollector findings) {
        boolean force = push.has("--force", "-f") || push.hasShortFlag('f');
        boolean lease = startsWithAny(push, "--force-with-lease", "--force-if-includes");
        boolean delete = push.has("--delete", "-d");
        boolean production = false;
        List<Word> operands = push.operands();
        for (Word refspec : operands.subList(Math.min(1, operands.size()), operands.size())) {
            String value = refspec.value();
            force |= value.startsWith("+");
            delete |= value.startsWith(":");
            production |= isProductionBranch(value.substring(value.indexOf(':') + 1).replace("+", "").replace("refs/heads/", ""));
        }
        String where = production ? " to a production branch" : "";
        if (force || push.has("--mirror")) {
            findings.add(FindingCode.GIT_FORCE_PUSH, raiseIf(production, RiskLevel.HIGH), "force push" + where + display);
        } else if (lease) {
            findings.add(FindingCode.GIT_FORCE_PUSH, raiseIf(production, RiskLevel.MEDIUM), "force push with lease" + where + display);
        }
        if (delete) {
            findings.add(FindingCode.GIT_BRANCH_DELETE, raiseIf(production, RiskLevel.HIGH), "deletes a remote branch" + display);
        }
    }

    private static void checkBranch(Invocation branch, String display, FindingCollector findings) {
        boolean forceDelete = branch.has("-D") || (branch.has("-d", "--delete") && branch.has("-f", "--force"));
        if (!forceDelete) {
            return;
        }
        boolean production = branch.operands().stream().anyMatch(name -> isProductionBranch(name.value()));
        findings.add(FindingCode.GIT_BRANCH_DELETE, raiseIf(production, RiskLevel.MEDIUM),
                "force-deletes a branch" + (production ? " named like a production branch" : "") + display);
    }

    private static boolean isProductionBranch(String branch) {
        return PRODUCTION_BRANCHES.contains(branch) || branch.startsWith("release/");
    }

    private static RiskLevel raiseIf(boolean production, RiskLevel level) {
        return production ? level.raise() : level;
    }

    private static boolean startsWithAny(Invocation invocation, String... prefixes) {
        for (Word arg : invocation.args()) {
            for (String prefix : prefixes) {
                if (arg.value().startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }
}
