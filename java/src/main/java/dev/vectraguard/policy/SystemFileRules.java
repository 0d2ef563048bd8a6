package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;

/**
 * Writes to system files and to files that make code run later (shell rc files, authorized_keys,
 * crontabs), whether by redirection ({@link #checkWrite}) or by tee, cp, mv, install, ln, sed -i, truncate, dd.
 */
final class SystemFileRules implements CommandRule {
    private static final Set<String> SHELL_STARTUP_FILES = Set.of(".bashrc", ".bash_profile", ".bash_login", ".bash_logout",
            ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".config/fish/config.fish", ".kshrc", ".cshrc", ".tcshrc");
    private static final Set<String> AUTHORIZED_KEYS = Set.of(".ssh/authorized_keys", ".ssh/authorized_keys2");
    private static final Set<String> LOGIN_SYSTEM_FILES = Set.of("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
            "/etc/sudoers", "/etc/ld.so.preload", "/proc/sysrq-trigger");
    private static final Set<String> LOGIN_SYSTEM_DIRECTORIES = Set.of("/etc/sudoers.d", "/etc/pam.d");
    private static final Set<String> STARTUP_SYSTEM_FILES = Set.of("/etc/crontab", "/etc/profile", "/etc/bash.bashrc",
            "/etc/environment", "/etc/rc.local", "/etc/zshrc", "/etc/zsh/zshrc");
    private static final Set<String> STARTUP_SYSTEM_DIRECTORIES = Set.of("/etc/cron.d", "/etc/cron.daily", "/etc/cron.hourly",
            "/etc/cron.weekly", "/etc/cron.monthly", "/var/spool/cron", "/etc/systemd/system", "/etc/profile.d",
            "/etc/init.d", "/Library/LaunchDaemons", "/Library/LaunchAgents");
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
            case "tee", "truncate" -> operands.forEach(file -> checkWrite(file.value(), display, findings));
            case "sed" -> {
                if (invocation.hasShortFlag('i') || invocation.hasLong("--in-place")) {
                    boolean scriptInOption = invocation.hasShortFlag('e') || invocation.hasShortFlag('f')
                            || invocation.hasLong("--expression") || invocation.hasLong("--file");
                    operands.subList(scriptInOption || operands.isEmpty() ? 0 : 1, operands.size())
                            .forEach(file -> checkWrite(file.value(), display, findings));
                }
            }
            case "dd" -> invocation.args().stream().map(Word::value).filter(arg -> arg.startsWith("of="))
                    .forEach(target -> checkWrite(target.substring(3), display, findings));
            case "crontab" -> checkCrontab(invocation, display, findings);
            default -> {
                if (DESTINATION_LAST.contains(name) && operands.size() >= 2) {
                    checkWrite(operands.getLast().value(), display, findings);
                }
            }
        }
    }

    private static void checkCrontab(Invocation crontab, String display, FindingCollector findings) {
        if (crontab.hasShortFlag('r')) {
            findings.add(FindingCode.SCHEDULED_TASKS_REMOVED, RiskLevel.HIGH, "removes all cron jobs (" + display + ")");
        } else if (!crontab.operands().isEmpty()) {
            findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.MEDIUM, "replaces the crontab (" + display + ")");
        }
    }

    /** Rates writing {@code path}; {@code display} is the command that writes it. */
    static void checkWrite(String path, String display, FindingCollector findings) {
        String suffix = " (" + display + ")";
        String inHome = SensitivePaths.insideHome(path);
        if (inHome != null) {
            if (SHELL_STARTUP_FILES.contains(inHome)) {
                findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "writes shell startup file " + path + suffix);
            } else if (AUTHORIZED_KEYS.contains(inHome)) {
                findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "writes SSH authorized keys " + path + suffix);
            } else if (inHome.startsWith(".config/autostart/") || inHome.startsWith("Library/LaunchAgents/")) {
                findings.add(FindingCode.PERSISTENCE_WRITE, RiskLevel.HIGH, "installs a login item " + path + suffix);
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

    private static boolean within(String file, Set<String> directories) {
        for (String directory : directories) {
            if (file.equals(directory) || file.startsWith(directory + "/")) {
                return true;
            }
        }
        return false;
    }
}
