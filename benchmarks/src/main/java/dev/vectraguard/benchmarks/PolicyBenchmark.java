package dev.vectraguard.benchmarks;

import dev.vectraguard.policy.Decision;
import dev.vectraguard.policy.DecisionEngine;
import dev.vectraguard.policy.GlobPattern;
import dev.vectraguard.policy.GuardLevel;
import dev.vectraguard.policy.PolicySettings;
import dev.vectraguard.policy.RiskAnalyzer;
import dev.vectraguard.policy.RiskReport;
import dev.vectraguard.policy.SandboxMode;
import dev.vectraguard.policy.shell.ShellParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Policy throughput over a corpus of real-looking agent and developer commands (commands.txt):
 * each operation is one command, so the scores are nanoseconds per command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyBenchmark {
    /** Must equal the number of lines in commands.txt (checked at setup). */
    private static final int COMMANDS = 567;

    private List<String> commands;
    private DecisionEngine engine;

    @Setup
    public void load() throws IOException {
        var stream = Objects.requireNonNull(PolicyBenchmark.class.getResourceAsStream("commands.txt"));
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            commands = reader.lines().filter(line -> !line.isBlank()).toList();
        }
        if (commands.size() != COMMANDS) {
            throw new IllegalStateException("commands.txt has " + commands.size() + " commands, expected " + COMMANDS);
        }
        engine = new DecisionEngine(new PolicySettings(SandboxMode.AUTO, GuardLevel.MEDIUM,
                List.of(GlobPattern.compile("git status*"), GlobPattern.compile("npm test*")),
                List.of(GlobPattern.compile("curl * | sh"), GlobPattern.compile("* --no-preserve-root *"))));
    }

    @Benchmark
    @OperationsPerInvocation(COMMANDS)
    public void parse(Blackhole blackhole) {
        for (String command : commands) {
            blackhole.consume(ShellParser.parse(command));
        }
    }

    @Benchmark
    @OperationsPerInvocation(COMMANDS)
    public void analyze(Blackhole blackhole) {
        for (String command : commands) {
            blackhole.consume(RiskAnalyzer.analyze(command));
        }
    }

    @Benchmark
    @OperationsPerInvocation(COMMANDS)
    public void analyzeAndDecide(Blackhole blackhole) {
        for (String command : commands) {
            RiskReport report = RiskAnalyzer.analyze(command);
            Decision decision = engine.decide(report, false, true);
            blackhole.consume(decision);
        }
    }
}
