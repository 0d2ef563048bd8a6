package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Script;
import dev.vectraguard.policy.shell.ShellParser;

/**
 * Rates the risk of a shell command line. Parses it with {@link ShellParser}, sees through wrappers
 * (sudo, env, timeout, xargs, ...), follows {@code sh -c}, {@code eval}, substitutions and the inline
 * code of interpreters, and applies rules to each command's argv and redirections, never to raw text.
 * Stateless and thread-safe; never throws on any input.
 */
public final class RiskAnalyzer {
    private RiskAnalyzer() {
    }

    public static RiskReport analyze(String command) {
        return analyze(command, ProtectedDirectories.NONE);
    }

    /** Rates {@code command}, with changes inside {@code protectedDirectories} rated high. */
    public static RiskReport analyze(String command, ProtectedDirectories protectedDirectories) {
        return AnalysisBudget.within(command, () -> {
            Script script = ShellParser.parse(command);
            Analysis analysis = new Analysis(protectedDirectories);
            analysis.script(script, 0);
            return analysis.report(script.normalized());
        });
    }
}
