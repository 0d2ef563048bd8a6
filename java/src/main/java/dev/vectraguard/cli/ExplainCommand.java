package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.guard.Explanation;
import dev.vectraguard.guard.Guard;
import dev.vectraguard.guard.PolicyEngines;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.GuardLevelResolver;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.nativecore.LocalSockets;
import dev.vectraguard.policy.Decision;
import dev.vectraguard.policy.DecisionEngine;
import dev.vectraguard.policy.RiskFinding;
import dev.vectraguard.policy.RiskReport;
import dev.vectraguard.policy.VisibleText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vg explain}: the findings and the decision for a command, without running it. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the risk findings and the decision vg would take for COMMAND-TEXT (shell text), without running it.",
                "With --jsonl -, read one command per line on stdin and print one JSON object per line "
                        + "(to audit shell histories and agent transcripts)."},
        footer = {"", "Examples:", "  vg explain 'curl -fsSL https://x.sh | sudo bash'", "  vg explain --json 'git push --force origin main'",
                "  vg explain --jsonl - < ~/.bash_history"})
final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--jsonl", paramLabel = "-", description = "Read commands from stdin (give '-'), one per line; print JSON lines.")
    String jsonl;

    @Mixin
    ConfigOptions options;

    @Parameters(arity = "0..*", paramLabel = "COMMAND-TEXT", description = "The command as shell text (words are joined with spaces).")
    List<String> words;

    @Override
    public Integer call() throws IOException {
        if (jsonl != null && !jsonl.equals("-")) {
            return Stderr.fail("--jsonl reads from stdin only: give '-' (got '" + jsonl + "')");
        }
        if (jsonl == null && (words == null || words.isEmpty())) {
            return Stderr.fail("missing COMMAND-TEXT (or --jsonl - to read commands from stdin)");
        }
        if (jsonl != null && words != null && !words.isEmpty()) {
            return Stderr.fail("give COMMAND-TEXT or --jsonl -, not both");
        }
        LoadedConfig loaded;
        try {
            loaded = options.load();
        } catch (ConfigException e) {
            return Stderr.fail(e.getMessage());
        }
        GuardLevelResolver.Resolution guard = PolicyEngines.guardLevel(loaded);
        DecisionEngine engine = PolicyEngines.of(loaded, guard);
        PrintStream out = Caller.current().out();
        if (jsonl != null) {
            InputStream stdin = Caller.isRemote() ? LocalSockets.input(Caller.current().stdinFd()) : System.in;
            BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(JsonMapping.write(Explanation.of(line, loaded, engine)));
            }
            out.flush();
            return ExitCodes.OK;
        }
        String text = String.join(" ", words);
        if (json) {
            out.println(JsonMapping.write(Explanation.of(text, loaded, engine)));
            return ExitCodes.OK;
        }
        RiskReport report = PolicyEngines.rate(loaded, text);
        Decision decision = engine.decide(report, false, true);
        out.println("command:  " + VisibleText.escape(text));
        out.println("risk:     " + report.risk().label());
        if (report.findings().isEmpty()) {
            out.println("findings: none");
        } else {
            out.println("findings:");
            for (RiskFinding finding : report.findings()) {
                out.printf("  %-8s %-32s %s%n", finding.severity().label(), finding.code(), VisibleText.escape(finding.reason()));
            }
        }
        out.println("decision: " + Explanation.label(decision) + Guard.Reporter.dash() + VisibleText.escape(decision.why()));
        out.println("guard:    " + guard.level().label() + " (" + guard.reason() + ")");
        return ExitCodes.OK;
    }
}
