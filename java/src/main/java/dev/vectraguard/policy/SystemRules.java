package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;

/** Power-off and reboot, killing every process, flushing the firewall. */
final class SystemRules implements CommandRule {
    private static final Set<String> POWER_COMMANDS = Set.of("shutdown", "reboot", "halt", "poweroff");
    private static final Set<String> SYSTEMCTL_POWER = Set.of("poweroff", "reboot", "halt", "kexec", "rescue", "emergency");

    @Override
    public Set<String> commands() {
        return Set.of("shutdown", "reboot", "halt", "poweroff", "init", "systemctl", "kill", "killall5", "iptables",
                "ip6tables", "nft", "ufw");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        String name = invocation.name();
        String display = " (" + invocation.display() + ")";
        String first = invocation.subcommand();
        if ((POWER_COMMANDS.contains(name) && !invocation.has("-c", "--help"))
                || (name.equals("init") && (first.equals("0") || first.equals("6")))
                || (name.equals("systemctl") && SYSTEMCTL_POWER.contains(first))) {
            findings.add(FindingCode.SYSTEM_POWER, RiskLevel.HIGH, "shuts down or reboots the machine" + display);
        } else if (name.equals("killall5") || (name.equals("kill") && invocation.args().size() >= 2
                && invocation.value(invocation.args().size() - 1).equals("-1"))) {
            findings.add(FindingCode.KILL_ALL_PROCESSES, RiskLevel.HIGH, "kills every process it can signal" + display);
        } else if ((name.startsWith("ip") && (invocation.has("-F", "--flush") || acceptsByDefault(invocation)))
                || (name.equals("nft") && invocation.has("flush") && invocation.has("ruleset"))
                || (name.equals("ufw") && (first.equals("disable") || first.equals("reset")
                        || first.equals("default") && invocation.has("allow") && !invocation.has("outgoing")))) {
            findings.add(FindingCode.FIREWALL_FLUSH, RiskLevel.HIGH, "removes firewall rules" + display);
        }
    }

    /** {@code iptables -P INPUT ACCEPT}: the default policy of an incoming chain set to accept everything. */
    private static boolean acceptsByDefault(Invocation iptables) {
        List<Word> args = iptables.args();
        for (int i = 0; i + 2 < args.size(); i++) {
            String option = args.get(i).value();
            if ((option.equals("-P") || option.equals("--policy")) && !args.get(i + 1).value().equalsIgnoreCase("OUTPUT")
                    && args.get(i + 2).value().equalsIgnoreCase("ACCEPT")) {
                return true;
            }
        }
        return false;
    }
}
