package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turning security controls off: SELinux, AppArmor, auditd, host firewalls and security agents, kernel
 * hardening, cloud audit logging and threat detection; and erasing shell history or system logs.
 */
final class SecurityControlRules implements CommandRule {
    /** Services whose stop, disable or mask turns off a security control or its record. */
    private static final Set<String> SECURITY_SERVICES = Set.of("auditd", "firewalld", "ufw", "apparmor", "iptables",
            "ip6tables", "nftables", "netfilter-persistent", "fail2ban", "selinux", "falcon-sensor", "osqueryd", "wazuh-agent",
            "ossec", "falco", "auditbeat", "clamav-daemon", "clamav-freshclam", "sshguard", "crowdstrike", "sentinelone",
            "rsyslog", "syslog", "syslog-ng", "systemd-journald", "aide", "tripwire", "mdatp", "elastic-agent");
    private static final Set<String> STOPPING = Set.of("stop", "disable", "mask", "kill", "teardown");
    /** Name prefixes of security agents whose processes go by several names. */
    private static final Set<String> AGENT_PREFIXES = Set.of("falcon", "crowdstrike", "sentinel", "wazuh", "osquery", "auditd", "mdatp",
            "cbagent", "cylance");
    private static final Set<String> HISTORY_FILES = Set.of(".bash_history", ".zsh_history", ".history", ".sh_history",
            ".local/share/fish/fish_history", ".python_history", ".mysql_history", ".psql_history", ".node_repl_history");
    private static final Set<String> HISTORY_VARIABLES = Set.of("HISTFILE", "HISTSIZE", "HISTFILESIZE", "SAVEHIST");
    /** sysctl keys whose weakening turns off kernel hardening. */
    private static final Set<String> HARDENING_SYSCTLS = Set.of("kernel.randomize_va_space", "kernel.yama.ptrace_scope",
            "kernel.kptr_restrict", "kernel.dmesg_restrict", "kernel.unprivileged_bpf_disabled", "fs.protected_symlinks",
            "fs.protected_hardlinks", "fs.suid_dumpable", "kernel.modules_disabled");
    private static final Set<String> AWS_AUDIT_OFF = Set.of("cloudtrail stop-logging", "cloudtrail delete-trail",
            "guardduty delete-detector", "guardduty disassociate-from-master-account", "configservice stop-configuration-recorder",
            "configservice delete-configuration-recorder", "configservice delete-delivery-channel",
            "securityhub disable-security-hub", "macie2 disable-macie", "inspector2 disable", "access-analyzer delete-analyzer",
            "logs delete-log-group", "ec2 delete-flow-logs", "detective delete-graph");

    @Override
    public Set<String> commands() {
        return Set.of("setenforce", "systemctl", "service", "auditctl", "aa-teardown", "aa-disable", "aa-complain", "sysctl",
                "history", "unset", "export", "set", "rm", "shred", "unlink", "truncate", "journalctl", "aws", "gcloud", "az",
                "spctl", "csrutil", "chkconfig", "update-rc.d", "rc-service", "rc-update", "kill", "pkill", "killall");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        String name = invocation.name();
        List<String> operands = invocation.operandValues(Integer.MAX_VALUE);
        String first = operands.isEmpty() ? "" : operands.getFirst();
        String second = operands.size() > 1 ? operands.get(1) : "";
        switch (name) {
            case "setenforce" -> {
                if (first.equals("0") || first.equalsIgnoreCase("permissive")) {
                    disabled("puts SELinux in permissive mode", shown(invocation), findings);
                }
            }
            case "systemctl" -> {
                if (STOPPING.contains(first)) {
                    operands.subList(1, operands.size()).stream().filter(SecurityControlRules::isSecurityService).findFirst()
                            .ifPresent(unit -> disabled(first + "s security service " + unit, shown(invocation), findings));
                }
            }
            case "service", "rc-service" -> {
                if (isSecurityService(first) && STOPPING.contains(second)) {
                    disabled("stops security service " + first, shown(invocation), findings);
                }
            }
            case "chkconfig", "rc-update", "update-rc.d" -> {
                if (operands.stream().anyMatch(SecurityControlRules::isSecurityService)
                        && operands.stream().anyMatch(word -> word.equals("off") || word.equals("del") || word.equals("disable") || word.equals("remove"))) {
                    disabled("removes a security service from boot", shown(invocation), findings);
                }
            }
            case "kill", "pkill", "killall" -> {
                if (operands.stream().anyMatch(SecurityControlRules::isSecurityService) || killsSecurityAgent(invocation)) {
                    disabled("kills a security service", shown(invocation), findings);
                }
            }
            case "auditctl" -> {
                if (invocation.has("-D") || (invocation.has("-e") && invocation.args().stream().map(Word::value).toList()
                        .contains("0"))) {
                    disabled("turns off or clears the audit rules", shown(invocation), findings);
                }
            }
            case "aa-teardown", "aa-disable", "aa-complain" -> disabled("unloads or relaxes AppArmor profiles", shown(invocation), findings);
            case "sysctl" -> checkSysctl(invocation, shown(invocation), findings);
            case "spctl" -> {
                if (invocation.has("--master-disable", "--global-disable")) {
                    disabled("turns off Gatekeeper", shown(invocation), findings);
                }
            }
            case "csrutil" -> {
                if (first.equals("disable")) {
                    disabled("turns off System Integrity Protection", shown(invocation), findings);
                }
            }
            case "history" -> {
                if (invocation.hasShortFlag('c') || invocation.hasShortFlag('d') || invocation.hasShortFlag('w') && !operands.isEmpty()) {
                    findings.add(FindingCode.HISTORY_TAMPERING, RiskLevel.MEDIUM, "clears the shell history" + shown(invocation));
                }
            }
            case "unset" -> operands.stream().filter(HISTORY_VARIABLES::contains).findFirst().ifPresent(variable ->
                    findings.add(FindingCode.HISTORY_TAMPERING, RiskLevel.MEDIUM, "stops recording shell history (unset " + variable + ")"));
            case "export" -> operands.forEach(assignment -> {
                int equals = assignment.indexOf('=');
                if (equals > 0) {
                    checkAssignment(assignment.substring(0, equals), assignment.substring(equals + 1), findings);
                }
            });
            case "set" -> {
                if (invocation.args().size() >= 2 && invocation.value(0).equals("+o") && invocation.value(1).equals("history")) {
                    findings.add(FindingCode.HISTORY_TAMPERING, RiskLevel.MEDIUM, "stops recording shell history" + shown(invocation));
                }
            }
            case "rm", "shred", "unlink", "truncate" -> {
                operands.stream().filter(SecurityControlRules::isHistoryOrLog).findFirst()
                        .ifPresent(file -> findings.add(FindingCode.HISTORY_TAMPERING, RiskLevel.HIGH, "erases " + file + shown(invocation)));
                operands.forEach(file -> GuardControlFiles.check(file, "deletes", invocation.display(), findings));
            }
            case "journalctl" -> {
                if (invocation.args().stream().anyMatch(arg -> arg.value().startsWith("--vacuum"))) {
                    findings.add(FindingCode.HISTORY_TAMPERING, RiskLevel.MEDIUM, "deletes system journal entries" + shown(invocation));
                }
            }
            case "aws" -> {
                if (AWS_AUDIT_OFF.contains(first + " " + second)
                        || (first.equals("guardduty") && second.equals("update-detector") && invocation.has("--no-enable"))) {
                    disabled("turns off cloud audit logging or threat detection", shown(invocation), findings);
                }
            }
            case "gcloud" -> {
                String words = String.join(" ", operands);
                if (words.startsWith("services disable") && operands.stream().anyMatch(api -> api.startsWith("logging.")
                        || api.startsWith("cloudaudit.") || api.startsWith("securitycenter.") || api.startsWith("monitoring."))
                        || (words.contains("logging sinks delete") || words.contains("logging buckets delete")
                        || words.contains("logging logs delete") || (words.contains("scc") && words.contains("delete")))) {
                    disabled("deletes cloud audit log sinks or logs", shown(invocation), findings);
                }
            }
            case "az" -> {
                String words = String.join(" ", operands);
                if (words.startsWith("monitor diagnostic-settings delete") || words.startsWith("monitor log-profiles delete")
                        || words.startsWith("security auto-provisioning-setting update") && invocation.has("off", "Off")
                        || words.startsWith("security pricing create") && invocation.has("free", "Free")) {
                    disabled("turns off cloud audit logging or threat detection", shown(invocation), findings);
                }
            }
            default -> { }
        }
    }

    /** Rates {@code NAME=value} when it stops the shell from recording history ({@code HISTFILE=/dev/null}, {@code HISTSIZE=0}). */
    static void checkAssignment(String name, String value, FindingCollector findings) {
        if (name.equals("HISTFILE") && (value.isEmpty() || value.equals("/dev/null"))
                || HISTORY_VARIABLES.contains(name) && !name.equals("HISTFILE") && value.equals("0")) {
            findings.add(FindingCode.HISTORY_TAMPERING, RiskLevel.MEDIUM, "stops recording shell history (" + name + "=" + value + ")");
        }
    }

    /** True for a shell history file or a system log file or directory. */
    static boolean isHistoryOrLog(String path) {
        String inHome = SensitivePaths.insideHome(path);
        if (inHome != null) {
            return HISTORY_FILES.contains(inHome);
        }
        if (!path.startsWith("/")) {
            return false;
        }
        String file = SensitivePaths.resolve(path);
        return file.startsWith("/var/log/") || file.equals("/var/log") || file.startsWith("/var/run/utmp")
                || file.startsWith("/run/log/journal");
    }

    private static void checkSysctl(Invocation sysctl, String display, FindingCollector findings) {
        for (Word arg : sysctl.operands()) {
            String value = arg.value();
            int equals = value.indexOf('=');
            if (equals > 0 && HARDENING_SYSCTLS.contains(value.substring(0, equals).trim())) {
                String setting = value.substring(equals + 1).trim();
                boolean weakens = value.startsWith("fs.suid_dumpable") ? !setting.equals("0") : setting.equals("0");
                if (weakens) {
                    disabled("turns off kernel hardening " + value, display, findings);
                }
            }
        }
    }

    private static String shown(Invocation invocation) {
        return " (" + invocation.display() + ")";
    }

    private static boolean isSecurityService(String unit) {
        String name = unit.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot > 0 && (name.endsWith(".service") || name.endsWith(".socket"))) {
            name = name.substring(0, dot);
        }
        String service = name;
        return SECURITY_SERVICES.contains(service) || AGENT_PREFIXES.stream().anyMatch(service::startsWith);
    }

    /** {@code kill $(pgrep falcon)}: the processes to kill are looked up by the name of a security agent. */
    private static boolean killsSecurityAgent(Invocation kill) {
        for (Word arg : kill.args()) {
            for (var substitution : arg.substitutions()) {
                for (var simple : CommandTree.simpleCommands(substitution.commands())) {
                    List<Word> words = simple.words();
                    if (!words.isEmpty() && Set.of("pgrep", "pidof").contains(words.getFirst().value())
                            && words.stream().skip(1).anyMatch(word -> isSecurityService(word.value()))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void disabled(String what, String display, FindingCollector findings) {
        findings.add(FindingCode.SECURITY_CONTROL_DISABLED, RiskLevel.HIGH, what + display);
    }
}
