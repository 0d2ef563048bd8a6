package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Assignment;
import dev.vectraguard.policy.shell.Script;
import dev.vectraguard.policy.shell.ShellParser;
import dev.vectraguard.policy.shell.SimpleCommand;
import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;

/**
 * Writes to system files and to files that make code run later (shell rc files, authorized_keys,
 * crontabs), whether by redirection ({@link #checkWrite}) or by tee, cp, mv, install, ln, sed -i, truncate, dd.
 */
final class SystemFileRules implements CommandRule {
    private static final Set<String> SHELL_STARTUP_FILES = Set.of(".bashrc", ".bash_profile", ".bash_login", ".bash_logout",
            ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".config/fish/config.fish", ".kshrc", ".cshrc", ".tcshrc",
            ".bash_aliases", ".xprofile", ".xinitrc", ".xsession", ".ssh/rc");
    private static final Set<String> AUTHORIZED_KEYS = Set.of(".ssh/authorized_keys", ".ssh/authorized_keys2");
    private static final Set<String> LOGIN_SYSTEM_FILES = Set.of("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
            "/etc/sudoers", "/etc/ld.so.preload", "/proc/sysrq-trigger");
    private static final Set<String> LOGIN_SYSTEM_DIRECTORIES = Set.of("/etc/sudoers.d", "/etc/pam.d");
    private static final Set<String> STARTUP_SYSTEM_FILES = Set.of("/etc/crontab", "/etc/profile", "/etc/bash.bashrc",
            "/etc/environment", "/etc/rc.local", "/etc/zshrc", "/etc/zsh/zshrc");
    private static final Set<String> STARTUP_SYSTEM_DIRECTORIES = Set.of("/etc/cron.d", "/etc/cron.daily", "/etc/cron.hourly",
            "/etc/cron.weekly", "/etc/cron.monthly", "/var/spool/cron", "/etc/systemd/system", "/etc/systemd/user",
            "/usr/lib/systemd/system", "/lib/systemd/system", "/etc/profile.d", "/etc/init.d", "/etc/rc.d", "/etc/xdg/autostart",
            "/etc/update-motd.d", "/etc/ld.so.conf.d", "/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d", "/etc/pam.conf",
            "/Library/LaunchDaemons", "/Library/LaunchAgents", "/etc/apt/apt.conf.d", "/etc/udev/rules.d");
    private static final Set<String> HOME_STARTUP_DIRECTORIES = Set.of(".config/autostart/", "Library/LaunchAgents/",
            ".config/systemd/user/", ".local/share/systemd/user/", ".config/fish/conf.d/", ".git-templates/hooks/");
    /** Commands a shell startup file runs for configuration: a line made only of them is medium, anything else high. */
    private static final Set<String> CONFIGURATION_COMMANDS = Set.of("export", "alias", "source", ".", "set", "setopt", "unsetopt",
            "shopt", "umask", "ulimit", "complete", "bind", "autoload", "compinit", "fpath", "path", "eval", "test", "[", "[[", "true",
            "typeset", "declare", "unset", "unalias", "bindkey", "zstyle", "fish_add_path", "set_color", "conda", "nvm", "pyenv",
            "rbenv", "direnv", "starship", "zoxide", "fnm", "mise", "asdf", "echo", "printf");
    /** Commands an alias in a startup file must not take over: it would run whatever the alias says with the user's trust. */
    private static final Set<String> HIJACKABLE = Set.of("sudo", "su", "doas", "ssh", "scp", "git", "passwd", "gpg", "cd", "ls",
            "cat", "rm", "cp", "mv", "curl", "wget", "apt", "apt-get", "pip", "npm", "docker", "kubectl", "aws", "vg");
    private static final Set<String> NETWORK_SYSTEM_FILES = Set.of("/etc/hosts", "/etc/resolv.conf");
    private static final Set<String> BINARY_DIRECTORIES = Set.of("/boot", "/usr", "/bin", "/sbin", "/lib", "/lib64",
            "/lib32", "/sys", "/proc/sys");
    private static final Set<String> DESTINATION_LAST = Set.of("cp", "mv", "install", "ln", "rsync");

    @Override
    public Set<String> commands() {
        return Set.of("tee", "cp", "mv", "install", "ln", "rsync", "sed", "truncate", "dd", "crontab");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        String name = invocation.name();
        String display = invocation.display();
        List<Word> operands = invocation.operands();
        switch (name) {
            case "tee" -> operands.forEach(file -> checkWrite(file.value(), display, findings, invocation.input()));
            case "truncate" -> operands.forEach(file -> checkWrite(file.value(), display, findings, null));
            case "sed" -> {
                if (invocation.hasShortFlag('i') || invocation.hasLong("--in-place")) {
                    boolean scriptInOption = invocation.hasShortFlag('e') || invocation.hasShortFlag('f')
                            || invocation.hasLong("--expression") || invocation.hasLong("--file");
                    operands.subList(scriptInOption || operands.isEmpty() ? 0 : 1, operands.size())
                            .forEach(file -> checkWrite(file.value(), display, findings, null));
                }
            }
            case "dd" -> invocation.args().stream().map(Word::value).filter(arg -> arg.startsWith("of="))
                    .forEach(target -> checkWrite(target.substring(3), display, findings, null));
            case "crontab" -> checkCrontab(invocation, display, findings);
            default -> {
                if (DESTINATION_LAST.contains(name) && operands.size() >= 2) {
                    checkWrite(operands.getLast().value(), display, findings, null);
                    if (name.equals("mv")) {
                        operands.subList(0, operands.size() - 1).forEach(source -> checkMoveAway(source, display, findings));
                    }
                }
            }
        }
    }

    private static void checkMoveAway(Word source, String display, FindingCollector findings) {
        String reason = "moves " + source.value() + " away (" + display + ")";
        GuardControlFiles.check(source.value(), "moves away", display, findings);
        switch (SensitivePaths.classify(source)) {
            case ROOT, SYSTEM, HOME -> findings.add(FindingCode.DESTRUCTIVE_DELETE_SYSTEM, RiskLevel.CRITICAL, reason);
            case SYSTEM_CONTENT -> findings.add(FindingCode.DESTRUCTIVE_DELETE_SYSTEM, RiskLevel.HIGH, reason);
            default -> { }
        }
    }

    private static void checkCrontab(Invocation crontab, String display, FindingCollector findings) {
        List<Word> operands = crontab.operands();
        if (crontab.hasShortFlag('r')) {
            findings.add(FindingCode.SCHEDULED_TASKS_REMOVED, RiskLevel.HIGH, "removes all cron jobs (" + display + ")");
        } else if (crontab.hasShortFlag('l') || crontab.hasShortFlag('e')) {
            return;
        } else if (operands.isEmpty() || operands.getLast().value().equals("-")) {
            findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "installs cron jobs from standard input (" + display + ")");
        } else {
            findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.MEDIUM, "replaces the crontab (" + display + ")");
        }
    }

    /**
     * Rates writing {@code path}; {@code display} is the command that writes it, {@code content} what it
     * writes when known (echo, printf, a here-document), else null.
     */
    static void checkWrite(String path, String display, FindingCollector findings, String content) {
        String suffix = " (" + display + ")";
        GuardControlFiles.check(path, "writes", display, findings);
        String inHome = SensitivePaths.insideHome(path);
        if (inHome != null) {
            if (SHELL_STARTUP_FILES.contains(inHome)) {
                if (content != null && isConfiguration(content)) {
                    findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.MEDIUM, "adds configuration to shell startup file " + path + suffix);
                } else {
                    findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "writes shell startup file " + path + suffix);
                }
            } else if (inHome.equals(".ssh/config")) {
                boolean runsCommands = content == null || content.contains("ProxyCommand") || content.contains("LocalCommand")
                        || content.contains("KnownHostsCommand") || content.contains("Match exec");
                findings.add(FindingCode.PERSISTENCE_WRITE, runsCommands ? RiskLevel.HIGH : RiskLevel.MEDIUM,
                        (runsCommands ? "makes ssh run a command: " : "changes the SSH client configuration: ") + path + suffix);
            } else if (AUTHORIZED_KEYS.contains(inHome)) {
                findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "writes SSH authorized keys " + path + suffix);
            } else if (HOME_STARTUP_DIRECTORIES.stream().anyMatch(inHome::startsWith)) {
                findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "installs a login item or user service " + path + suffix);
            } else if (SecurityControlRules.isHistoryOrLog(path)) {
                findings.add(FindingCode.HISTORY_TAMPERING, RiskLevel.HIGH, "overwrites shell history " + path + suffix);
            }
            return;
        }
        if (!path.startsWith("/")) {
            return;
        }
        String file = SensitivePaths.resolve(path);
        if (LOGIN_SYSTEM_FILES.contains(file) || within(file, LOGIN_SYSTEM_DIRECTORIES)) {
            findings.add(FindingCode.SYSTEM_FILE_WRITE, RiskLevel.CRITICAL, "writes " + file + suffix);
        } else if (STARTUP_SYSTEM_FILES.contains(file) || within(file, STARTUP_SYSTEM_DIRECTORIES)) {
            findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "writes startup or scheduled-job file " + file + suffix);
        } else if (NETWORK_SYSTEM_FILES.contains(file) || within(file, BINARY_DIRECTORIES) && !within(file, Set.of("/usr/local"))) {
            findings.add(FindingCode.SYSTEM_FILE_WRITE, RiskLevel.HIGH, "writes " + file + suffix);
        } else if (within(file, Set.of("/etc", "/usr/local"))) {
            findings.add(FindingCode.SYSTEM_FILE_WRITE, RiskLevel.MEDIUM, "writes " + file + suffix);
        }
    }

    /**
     * True when startup-file text only configures the shell: exports, PATH lines, aliases of commands that
     * are not security-sensitive, sourcing, tool hooks; not downloads, LD_PRELOAD or anything rated.
     */
    static boolean isConfiguration(String content) {
        if (RiskAnalyzer.analyze(content).findings().stream().anyMatch(finding -> finding.code() != FindingCode.DYNAMIC_COMMAND)) {
            return false;
        }
        Script script = ShellParser.parse(content);
        for (SimpleCommand simple : CommandTree.simpleCommands(script.commands())) {
            for (Assignment assignment : simple.assignments()) {
                if (assignment.name().startsWith("LD_") || assignment.name().equals("PROMPT_COMMAND")) {
                    return false;
                }
            }
            if (simple.words().isEmpty()) {
                continue;
            }
            String name = Invocation.basename(simple.words().getFirst().value());
            if (!CONFIGURATION_COMMANDS.contains(name)) {
                return false;
            }
            for (Word word : simple.words().subList(1, simple.words().size())) {
                String value = word.value();
                int equals = value.indexOf('=');
                String key = equals > 0 ? value.substring(0, equals) : value;
                if (key.startsWith("LD_") || key.equals("PROMPT_COMMAND") || name.equals("alias") && HIJACKABLE.contains(key)
                        || !word.substitutions().isEmpty() && !name.equals("eval")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True for a file the shell runs at login or start-up (~/.bashrc, ~/.profile, /etc/profile, /etc/profile.d/...). */
    static boolean isShellStartupFile(String path) {
        String inHome = SensitivePaths.insideHome(path);
        if (inHome != null) {
            return SHELL_STARTUP_FILES.contains(inHome);
        }
        String file = SensitivePaths.resolve(path);
        return path.startsWith("/") && (file.equals("/etc/profile") || file.equals("/etc/bash.bashrc") || file.startsWith("/etc/profile.d/")
                || file.equals("/etc/zshrc") || file.equals("/etc/zsh/zshrc") || file.equals("/etc/environment"));
    }

    private static boolean within(String file, Set<String> directories) {
        for (String directory : directories) {
            if (file.equals(directory) || file.startsWith(directory + "/")) {
                return true;
            }
        }
        return false;
    }
}
