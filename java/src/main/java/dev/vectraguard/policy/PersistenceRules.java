package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Ways of making code run later that are not plain file writes: services enabled at boot or login, git
 * settings that run programs (global hooks, fsmonitor, ssh command), git credentials kept in plain text.
 * Cron tables are in {@link SystemFileRules}; their lines are analysed as commands by {@link Analysis}.
 */
final class PersistenceRules implements CommandRule {
    private static final Set<String> GIT_GLOBAL_OPTIONS_WITH_VALUE = Set.of("-C", "-c", "--git-dir", "--work-tree", "--namespace",
            "--exec-path", "--config-env");
    /** git settings whose value is a program or a place programs are taken from. */
    private static final Set<String> ADMIN_GROUPS = Set.of("sudo", "wheel", "admin", "root", "docker", "lxd", "disk", "shadow");
    private static final Set<String> GIT_CODE_SETTINGS = Set.of("core.hookspath", "core.fsmonitor", "core.sshcommand",
            "core.gitproxy", "core.askpass", "include.path", "init.templatedir", "sequence.editor", "diff.external");

    @Override
    public Set<String> commands() {
        return Set.of("systemctl", "git", "launchctl", "update-rc.d", "chkconfig", "rc-update", "useradd", "adduser", "usermod",
                "gpasswd", "passwd");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        if (invocation.name().equals("git")) {
            checkGitConfig(invocation, findings);
            return;
        }
        String display = " (" + invocation.display() + ")";
        List<String> operands = invocation.operandValues(Integer.MAX_VALUE);
        String first = operands.isEmpty() ? "" : operands.getFirst();
        switch (invocation.name()) {
            case "systemctl" -> {
                if (first.equals("enable") || first.equals("link") || first.equals("reenable") || first.equals("preset")) {
                    boolean fromPath = operands.stream().skip(1).anyMatch(unit -> unit.contains("/"));
                    findings.add(FindingCode.PERSISTENCE_WRITE, fromPath ? RiskLevel.HIGH : RiskLevel.MEDIUM,
                            (invocation.has("--user") ? "enables a user service at login" : "enables a service at boot") + display);
                }
            }
            case "launchctl" -> {
                if (first.equals("load") || first.equals("bootstrap") || first.equals("submit")) {
                    findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.MEDIUM, "loads a launch agent or daemon" + display);
                }
            }
            case "update-rc.d", "chkconfig", "rc-update" -> {
                if (operands.contains("defaults") || operands.contains("on") || operands.contains("add") || operands.contains("enable")) {
                    findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.MEDIUM, "enables a service at boot" + display);
                }
            }
            case "useradd", "adduser", "usermod", "gpasswd" -> {
                boolean rootId = invocation.args().stream().map(Word::value).anyMatch(value -> value.equals("0"))
                        && (invocation.has("-u", "--uid", "-o", "--non-unique"));
                boolean adminGroup = invocation.args().stream().map(Word::value)
                        .anyMatch(value -> ADMIN_GROUPS.stream().anyMatch(group -> value.equals(group) || value.endsWith("," + group)
                                || value.startsWith(group + ",")));
                if (rootId) {
                    findings.add(FindingCode.ACCOUNT_PRIVILEGE_CHANGE, RiskLevel.CRITICAL, "creates an account with uid 0 (root)" + display);
                } else if (adminGroup && (invocation.has("-G", "-aG", "-a", "--groups", "--append") || invocation.name().equals("gpasswd")
                        || invocation.name().equals("adduser") && operands.size() >= 2)) {
                    findings.add(FindingCode.ACCOUNT_PRIVILEGE_CHANGE, RiskLevel.HIGH, "adds an account to an admin group" + display);
                }
            }
            case "passwd" -> {
                if (invocation.has("-d", "--delete")) {
                    findings.add(FindingCode.ACCOUNT_PRIVILEGE_CHANGE, RiskLevel.HIGH, "removes an account's password" + display);
                }
            }
            default -> { }
        }
    }

    private static void checkGitConfig(Invocation git, FindingCollector findings) {
        List<Word> args = git.args();
        int sub = 0;
        while (sub < args.size() && args.get(sub).value().startsWith("-")) {
            sub += GIT_GLOBAL_OPTIONS_WITH_VALUE.contains(args.get(sub).value()) ? 2 : 1;
        }
        if (sub >= args.size() || !args.get(sub).value().equals("config")) {
            return;
        }
        List<String> rest = new ArrayList<>();
        boolean global = false;
        for (Word arg : args.subList(sub + 1, args.size())) {
            String value = arg.value();
            global |= value.equals("--global") || value.equals("--system") || value.startsWith("--file");
            if (!value.startsWith("-")) {
                rest.add(value);
            }
        }
        if (rest.size() < 2) {
            return;
        }
        String display = " (" + git.display() + ")";
        String key = rest.getFirst().toLowerCase(Locale.ROOT);
        String value = rest.get(1);
        if (key.equals("credential.helper") && value.startsWith("store")) {
            findings.add(FindingCode.CREDENTIAL_STORE, RiskLevel.MEDIUM, "keeps git credentials in a plain-text file" + display);
        } else if (key.equals("credential.helper") && value.startsWith("!")) {
            findings.add(FindingCode.CREDENTIAL_STORE, RiskLevel.HIGH, "hands every git credential to the shell command "
                    + VisibleText.shortened(value.substring(1), 60) + display);
        } else if (GIT_CODE_SETTINGS.contains(key) && global) {
            findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "makes every repository run " + value + " (" + key + ")" + display);
        } else if (key.startsWith("url.") && key.endsWith(".insteadof") && global) {
            findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.MEDIUM, "rewrites the remote of every clone and fetch" + display);
        } else if (key.startsWith("alias.") && value.startsWith("!") && global) {
            findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.MEDIUM, "adds a git alias that runs a shell command" + display);
        }
    }

    /** The commands of crontab lines ({@code m h dom mon dow command}, {@code @reboot command}); comments and settings skipped. */
    static List<String> cronCommands(String table) {
        List<String> commands = new ArrayList<>();
        for (String line : table.split("\n")) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#") || entry.matches("[A-Za-z_][A-Za-z0-9_]*\\s*=.*")) {
                continue;
            }
            String[] fields = entry.split("\\s+", entry.startsWith("@") ? 2 : 6);
            if (fields.length == (entry.startsWith("@") ? 2 : 6)) {
                commands.add(fields[fields.length - 1]);
            }
        }
        return commands;
    }
}
