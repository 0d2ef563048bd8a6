package dev.vectraguard.policy;

import java.util.Set;

/** Rates invocations of a family of commands, by their argv and redirections. */
interface CommandRule {
    /** The command names (basenames) this rule looks at. */
    Set<String> commands();

    void check(Invocation invocation, FindingCollector findings);
}
