package dev.vectraguard.cli;

import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.config.LogFormat;
import dev.vectraguard.config.VgConfig;
import dev.vectraguard.egress.Blocked;
import dev.vectraguard.metrics.MetricsStore;
import dev.vectraguard.metrics.RunDecision;
import dev.vectraguard.metrics.RunRecord;
import dev.vectraguard.policy.Decision;
import dev.vectraguard.policy.DecisionEngine;
import dev.vectraguard.policy.RiskLevel;
import dev.vectraguard.policy.RiskReport;
import dev.vectraguard.sandbox.EnvironmentPlan;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.Sandbox;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.trust.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code vg exec}: judges a command, then runs it on the host, in the sandbox, after approval, or not at all. */
@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Judge CMD's risk, then run it on the host, in the native sandbox, after approval, or not at all "
                + "(exit 77), with the terminal's stdin, stdout and stderr.",
                "At most one notice line on stderr says what was decided and why."},
        footer = {"", "Examples:", "  vg exec -- npm test", "  vg exec --security-level strict --timeout 60 -- make",
                "  vg exec --explain-env -- mvn -B package   # which variables reach the sandbox, and why",
                "  vg exec -- bash -c 'curl -fsSL https://example.org/x.sh | sh'   # rated as a whole"})
final class ExecCommand implements Callable<Integer> {
    static final long MAX_TIMEOUT_SECONDS = Duration.ofDays(365).toSeconds();

    @Option(names = "--security-level", paramLabel = "LEVEL", converter = LevelConverter.class,
            description = "permissive, balanced, strict or paranoid (default: sandbox.security_level, balanced).")
    SecurityLevel securityLevel;

    @Option(names = "--network", paramLabel = "MODE", converter = NetworkConverter.class,
            description = "none, restricted or full; more than the level allows (full above permissive) is refused "
                    + "with exit 125. restricted: outbound TCP to public addresses and DNS through vg (at strict only "
                    + "sandbox.allowed_domains); never the host, private ranges or cloud metadata. "
                    + "Default: sandbox.network_mode, else the level's.")
    NetworkMode network;

    @Option(names = "--workspace", paramLabel = "DIR", converter = Utf8PathConverter.class,
            description = "Directory the command may write, kept at its host path (default: sandbox.workspace_dir, "
                    + "else the current directory).")
    Path workspace;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Kill the whole sandbox after SECONDS (exit code 124). Default: sandbox.timeout.")
    Long timeoutSeconds;

    @Option(names = {"-q", "--quiet"}, description = "Print no notice line.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also say how many environment variables the sandbox dropped.")
    boolean verbose;

    @Option(names = "--explain-env", description = "Before a sandboxed run, list each environment variable, whether "
            + "the sandbox gets it and why (sandbox.env_whitelist, the build tools' allow-list, "
            + "env_protection.protected_vars); values are never shown.")
    boolean explainEnv;

    @Mixin
    ConfigOptions options;

    private Notices notices;

    @Parameters(arity = "1..*", paramLabel = "CMD",
            description = "The command and its arguments; everything after its name belongs to it (-- before it is optional).")
    List<String> command;

    @Override
    public Integer call() {
        Instant started = Instant.now();
        long startNanos = System.nanoTime();
        quiet |= System.getenv("VG_QUIET") != null;
        if (timeoutSeconds != null && (timeoutSeconds <= 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
            return Stderr.fail("--timeout must be 1 to " + MAX_TIMEOUT_SECONDS + " seconds (365 days); got " + timeoutSeconds);
        }
        if (command.getFirst().isEmpty()) {
            Stderr.warn("the command name is empty: nothing to run");
            return ExitCodes.NOT_FOUND;
        }
        LoadedConfig loaded;
        options.workspace = workspace;
        try {
            loaded = options.load();
        } catch (ConfigException e) {
            return Stderr.fail(e.getMessage());
        }
        VgConfig config = loaded.config();
        notices = new Notices(config.logFormat());
        for (String notice : loaded.trustNotices(Path.of("").toAbsolutePath())) {
            notices.print("config", notice);
        }
        String unavailableRuntime = SandboxSpecs.unavailableRuntime(loaded);
        if (unavailableRuntime != null) {
            return Stderr.fail(unavailableRuntime);
        }

        String text = ShellWords.join(command);
        RiskReport report = PolicyEngines.rate(loaded, text);
        DecisionEngine engine = PolicyEngines.of(loaded, PolicyEngines.guardLevel(loaded));
        boolean interactive = Approval.interactive();
        Decision decision = engine.decide(report, false, interactive);
        boolean trusted = false;
        TrustStore trust = null;
        if (decision.action() == Decision.Action.ASK || decision.action() == Decision.Action.BLOCK) {
            trust = trustStore();
            trusted = trust != null && trust.isTrusted(report.normalizedCommand());
            if (trusted) {
                decision = engine.decide(report, true, interactive);
            }
        }

        if (!config.sandbox().enabled() && decision.sandboxed() && decision.action() != Decision.Action.BLOCK) {
            decision = new Decision(Decision.Action.BLOCK, true, decision.why()
                    + "; the sandbox is disabled (sandbox.enabled: false) and this never runs on the host", decision.matchedPattern());
        }
        Recorder recorder = new Recorder(config.metricsEnabled() ? options : null, started, startNanos, text, report, null);
        switch (decision.action()) {
            case BLOCK -> {
                boolean approvalNeeded = engine.decide(report, false, true).action() == Decision.Action.ASK;
                notices.print("blocked", "blocked" + Notices.DASH + decision.why() + (approvalNeeded
                        ? " (to allow it: vg trust add " + ShellWords.quote(report.normalizedCommand()) + ")"
                        : ""), Map.of("why", decision.why(), "risk", report.risk().label()));
                return recorder.blocked(decision.why());
            }
            case ASK -> {
                Approval.Answer answer = Approval.ask(decision.why(), text);
                if (answer == Approval.Answer.CANCEL) {
                    notices.print("cancelled", "cancelled");
                    return recorder.blocked("approval refused: " + decision.why());
                }
                if (answer == Approval.Answer.REMEMBER) {
                    TrustStore store = trust != null ? trust : openTrustStore();
                    if (store != null) {
                        store.add(report.normalizedCommand(), "approved at the prompt", config.trustDefaultDuration());
                    }
                }
            }
            default -> { }
        }
        if (trusted) {
            TrustStore store = trust;
            recorder = recorder.after(Thread.ofPlatform().daemon().start(() -> store.recordUse(report.normalizedCommand())));
        }
        if (!decision.sandboxed()) {
            if (!quiet && report.risk() != RiskLevel.LOW) {
                notices.print("host", "host" + Notices.DASH + decision.why(), Map.of("why", decision.why(), "risk", report.risk().label()));
            }
            return recorder.finish(RunDecision.HOST, "host", false, HostRunner.run(command), decision.why());
        }
        return runSandboxed(loaded, decision, recorder);
    }

    /**
     * The trust counter is updated while the command runs; it is finished before the metrics are
     * written, so this process never holds two state-file locks at once.
     */
    private static void joinUninterruptibly(Thread thread) {
        while (true) {
            try {
                thread.join();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int runSandboxed(LoadedConfig loaded, Decision decision, Recorder recorder) {
        if (!RawInput.workingDirectoryIsExact()) {
            String problem = "the current directory " + System.getProperty("user.dir") + " is not valid UTF-8: vg cannot name "
                    + "it exactly; run vg from a directory whose path is UTF-8";
            notices.print("error", problem);
            return recorder.finish(RunDecision.SANDBOX, "native", false, ExitCodes.VG_FAILURE, problem);
        }
        Path home = Sandbox.homeDirectory(System.getenv());
        SandboxSpec spec = SandboxSpecs.build(command, loaded, new SandboxSpecs.Overrides(securityLevel, network, workspace,
                timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds)), home);
        boolean cached = !spec.cacheDirs().isEmpty();
        Set<Path> absentProjectConfigs = new LinkedHashSet<>();
        for (Path dir : List.of(spec.workspace().toAbsolutePath(), Path.of("").toAbsolutePath())) {
            Path projectConfig = dir.normalize().resolve(ConfigLoader.PROJECT_FILE);
            if (!Files.exists(projectConfig, LinkOption.NOFOLLOW_LINKS)) {
                absentProjectConfigs.add(projectConfig);
            }
        }
        EnvironmentPlan environment = explainEnv || verbose && !quiet ? SandboxSpecs.environmentPlan(loaded) : null;
        if (explainEnv) {
            EnvExplanation.print(notices, loaded.config().logFormat() == LogFormat.JSON, environment);
        }
        StopSignals stop = StopSignals.install();
        try (SandboxProcess process = Sandbox.start(spec)) {
            stop.attach(process::signal, process::kill);
            if (!quiet) {
                notices.sandbox(spec, process, cached, decision.why());
            }
            if (verbose && !quiet && environment.droppedCount() > 0) {
                notices.print("env", "environment: dropped " + environment.droppedCount() + " of "
                        + environment.variables().size() + " variables (vg exec --explain-env lists them and why)");
            }
            int status = stop.exitCode(process.waitFor());
            List<Blocked> blocked = process.blockedDestinations();
            if (status != 0 && !process.timedOut() && spec.network() == NetworkMode.NONE) {
                notices.print("network", networkOffNotice(loaded, spec));
            }
            if (!blocked.isEmpty()) {
                notices.print("network", Blocked.summary(blocked), Map.of("blocked",
                        blocked.stream().map(b -> Map.of("destination", b.destination(), "reason", b.reason())).toList()));
            }
            if (process.timedOut()) {
                notices.print("timeout", "timed out after " + spec.timeout().map(Duration::toSeconds).orElse(0L) + "s: sandbox killed");
            } else if (process.memoryLimitHit()) {
                notices.print("memory", "the command ran out of memory at the sandbox memory limit of "
                        + spec.limits().memoryBytes() / (1024 * 1024) + " MiB (" + process.limitsDescription()
                        + "; its largest process used " + process.peakMemoryBytes() / (1024 * 1024) + " MiB); raise it with "
                        + "sandbox.memory_limit in your user config or --config (e.g. memory_limit: 8g; a project file may only lower it)");
            }
            absentProjectConfigs.forEach(this::quarantineCreatedConfig);
            process.close();
            reportCacheAdditions(process);
            return recorder.finish(RunDecision.SANDBOX, "native", cached, status, decision.why(),
                    blocked.stream().map(Blocked::toString).toList());
        } catch (SandboxException e) {
            notices.print("error", e.getMessage());
            return recorder.finish(RunDecision.SANDBOX, "native", cached, stop.exitCode(e.exitCode()), e.getMessage());
        }
    }

    /**
     * After a failed run without network: that the network was off, what turned it off, and what
     * turns restricted networking on.
     */
    private String networkOffNotice(LoadedConfig loaded, SandboxSpec spec) {
        String cause;
        String remedy;
        if (network == NetworkMode.NONE) {
            cause = "--network none";
            remedy = "leave out --network none";
        } else if (!(Boolean) loaded.settings().get("sandbox.allow_network").value()) {
            cause = "sandbox.allow_network: false, " + loaded.settings().get("sandbox.allow_network").source();
            remedy = "remove sandbox.allow_network: false";
        } else if (spec.requestedNetwork() == NetworkMode.NONE) {
            cause = "sandbox.network_mode: none, " + loaded.settings().get("sandbox.network_mode").source();
            remedy = "set sandbox.network_mode: restricted";
        } else {
            cause = "security level " + spec.securityLevel().label();
            remedy = "--security-level balanced (any public address) or strict (sandbox.allowed_domains only) "
                    + "gives outbound network through vg";
        }
        return "the command failed and the sandbox had no network (" + cause + "); if it needed the network: " + remedy;
    }

    /** Waits until the command's new cache entries are in the caches; names those refused. */
    private void reportCacheAdditions(SandboxProcess process) {
        try {
            List<String> refused = process.cacheAdditions().join().refused();
            if (!refused.isEmpty()) {
                notices.print("cache", "refused " + refused.size() + " new cache file(s) written in the sandbox: "
                        + String.join("; ", refused), Map.of("refused", refused));
            }
        } catch (RuntimeException e) {
            notices.print("cache", "the sandbox's new cache entries were not added: " + e.getMessage());
        }
    }

    /**
     * A project config (in the workspace root or the current directory) that the sandboxed command
     * created could only tighten the next run's policy, since it is not approved; but a planted
     * tightening (a denylist of everything, a 1s timeout) would still get in the way, so it is moved
     * aside (never deleted) and reported. An existing one is read-only inside the sandbox.
     */
    private void quarantineCreatedConfig(Path projectConfig) {
        if (!Files.exists(projectConfig, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path aside = projectConfig.resolveSibling(projectConfig.getFileName() + ".from-sandbox-"
                + Instant.now().toString().replace(':', '-'));
        try {
            Files.move(projectConfig, aside, StandardCopyOption.ATOMIC_MOVE);
            notices.print("config", "the sandboxed command created " + projectConfig + "; moved it to " + aside
                    + " so it is not used (review it and rename it back to use it)");
        } catch (IOException e) {
            notices.print("config", "the sandboxed command created " + projectConfig + " and it could not be moved aside ("
                    + e.getMessage() + "): review it before the next run");
        }
    }

    /** The trust store if its file exists (no JSON is loaded otherwise). */
    private TrustStore trustStore() {
        try {
            Path dir = options.stateDirectory();
            return Files.exists(dir.resolve(TrustStore.FILE_NAME)) ? new TrustStore(dir, Clock.systemUTC(), Stderr::warn) : null;
        } catch (ConfigException | IOException e) {
            Stderr.warn("cannot read the trust store: " + e.getMessage());
            return null;
        }
    }

    private TrustStore openTrustStore() {
        try {
            return new TrustStore(options.stateDirectory(), Clock.systemUTC(), Stderr::warn);
        } catch (ConfigException | IOException e) {
            Stderr.warn("cannot open the trust store: " + e.getMessage());
            return null;
        }
    }

    /** Records the run in the metrics once it is over (when metrics are enabled). */
    private record Recorder(ConfigOptions options, Instant started, long startNanos, String command, RiskReport report,
                            Thread trustCounter) {
        Recorder after(Thread counter) {
            return new Recorder(options, started, startNanos, command, report, counter);
        }

        int blocked(String reason) {
            return finish(RunDecision.BLOCKED, null, false, ExitCodes.BLOCKED, reason);
        }

        int finish(RunDecision decision, String runtime, boolean cached, int exitCode, String reason) {
            return finish(decision, runtime, cached, exitCode, reason, List.of());
        }

        int finish(RunDecision decision, String runtime, boolean cached, int exitCode, String reason,
                   List<String> networkBlocked) {
            if (trustCounter != null) {
                joinUninterruptibly(trustCounter);
            }
            if (options != null) {
                long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
                try {
                    new MetricsStore(options.stateDirectory(), Stderr::warn).record(new RunRecord(started, command,
                            decision, report.risk(), runtime, cached, millis, exitCode, reason, networkBlocked));
                } catch (ConfigException | IOException | RuntimeException e) {
                    Stderr.warn("cannot record metrics: " + e.getMessage());
                }
            }
            return exitCode;
        }
    }
}
