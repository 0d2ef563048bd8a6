package dev.vectraguard.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every command rule, indexed by command name once, at class load. */
final class RuleBook {
    private static final List<CommandRule> RULES = List.of(new DeleteRules(), new DiskRules(), new PermissionRules(),
            new ReverseShellRules(), new DownloadRules(), new SystemFileRules(), new SecretRules(), new GitRules(),
            new DatabaseRules(), new InfrastructureRules(), new PackageRules(), new SystemRules(),
            new GuardApprovalRules(), new SecurityControlRules(), new SecretSources(), new ContainerRules(), new CloudPostureRules(), new PersistenceRules());
    private static final Map<String, List<CommandRule>> BY_COMMAND = index();

    private RuleBook() {
    }

    /** The rules for {@code name}; {@code mkfs.ext4} and {@code python3.12} fall back to {@code mkfs} and {@code python3}. */
    static List<CommandRule> rulesFor(String name) {
        List<CommandRule> rules = BY_COMMAND.get(name);
        if (rules == null) {
            int dot = name.indexOf('.');
            rules = dot > 0 ? BY_COMMAND.get(name.substring(0, dot)) : null;
        }
        return rules == null ? List.of() : rules;
    }

    private static Map<String, List<CommandRule>> index() {
        Map<String, List<CommandRule>> index = new HashMap<>();
        for (CommandRule rule : RULES) {
            for (String command : rule.commands()) {
                index.computeIfAbsent(command, name -> new ArrayList<>(1)).add(rule);
            }
        }
        index.replaceAll((name, rules) -> List.copyOf(rules));
        return Map.copyOf(index);
    }
}
