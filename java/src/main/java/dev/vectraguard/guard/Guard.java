package dev.vectraguard.guard;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.ConfigSource;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.config.Setting;
import dev.vectraguard.config.VgConfig;
import dev.vectraguard.egress.Blocked;
import dev.vectraguard.metrics.MetricsStore;
import dev.vectraguard.metrics.RunDecision;
import dev.vectraguard.metrics.RunRecord;
import dev.vectraguard.policy.Decision;
import dev.vectraguard.policy.DecisionEngine;
import dev.vectraguard.policy.RiskLevel;
import dev.vectraguard.policy.RiskReport;
import dev.vectraguard.sandbox.CallerAccount;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SecurityLevel;
import dev.vectraguard.sandbox.VgOwnDirs;
import dev.vectraguard.state.StateDir;
import dev.vectraguard.trust.TrustStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one judge-and-run flow of vg, used by the CLI ({@code vg exec}) and by anything that embeds
 * vg: load the config, rate the command, decide (host, sandbox, approval, block), consult the trust
 * store, ask for approval through an {@link Approver}, run, record the metrics, and report each step
 * through a {@link Reporter}.
 *
 * <p>Judge and run:
 * <pre>{@code
 * Guard.Reporter reporter = new Guard.Reporter() {
 *     public void print(String kind, String message, Map<String, Object> fields) {
 *         System.err.println("vg " + kind + ": " + message);
 *     }
 *     public void sandbox(SandboxSpec spec, SandboxProcess process, boolean cached, String why) {
 *         System.err.println("vg: sandboxed at " + spec.securityLevel().label() + ": " + why);
 *     }
 *     public void warn(String message) { System.err.println("vg warning: " + message); }
 * };
 * GuardResult result = Guard.judgeAndRun(
 *         GuardRequest.of(List.of("npm", "install")).withWorkspace(Path.of("/home/me/app")),
 *         reporter, Guard.Approver.REFUSE);
 * if (result.exitCode() == ExitCodes.BLOCKED) {
 *     System.out.println("not run: " + result.why());
 * }
 * }</pre>
 * The command runs with this process's stdin, stdout and stderr. Not thread-safe per call; calls
 * from many threads or processes at once are (the state files are locked).
 */
public final class Guard {
    /** Who is asked when the policy wants an approval. */
    public interface Approver {
        enum Answer { ONCE, REMEMBER, CANCEL }

        /** Nobody can be asked: a command that needs approval is blocked (exit 77). */
        Approver REFUSE = new Approver() {
            @Override
            public boolean interactive() {
                return false;
            }

            @Override
            public Answer ask(String why, String command) {
                return Answer.CANCEL;
            }
        };

        /** Whether someone can be asked; when not, a command that needs approval is blocked. */
        boolean interactive();

        /** Asks about {@code command}; REMEMBER also trusts it from now on. */
        Answer ask(String why, String command);
    }

    /**
     * Where the lines about a run go: {@code kind} is config, sandbox, host, blocked, cancelled,
     * network, timeout, memory, cache, output or error; {@code fields} are structured details for JSON output.
     */
    public interface Reporter {
        /** " — " where stderr can show it, " - " on an ASCII-only locale (LANG unset, POSIX). */
        static String dash() {
            return Caller.current().err().charset().newEncoder().canEncode('\u2014') ? " \u2014 " : " - ";
        }

        void print(String kind, String message, Map<String, Object> fields);

        default void print(String kind, String message) {
            print(kind, message, Map.of());
        }

        /** A sandbox is about to start (nothing is printed by default). */
        default void beforeSandbox() {}

        /** The sandbox has started. */
        void sandbox(SandboxSpec spec, SandboxProcess process, boolean cached, String why);

        /** A problem that does not stop the run (an unreadable state file, a config warning). */
        void warn(String message);
    }

    private final List<String> command;
    private final SecurityLevel securityLevel;
    private final NetworkMode network;
    private final Path workspace;
    private final Duration timeout;
    private final boolean quiet;
    private final GuardRequest request;
    private final Reporter notices;
    private final Approver approver;
    private final CapturedRun capture;
    private LoadedConfig loaded;
    private RuntimeChoice runtimes;

    private Guard(GuardRequest request, Reporter reporter, Approver approver, CapturedRun capture) {
        this.request = request;
        this.command = request.command();
        this.securityLevel = request.securityLevel();
        this.network = request.network();
        this.workspace = request.workspace();
        this.timeout = request.timeout();
        this.quiet = request.quiet();
        this.notices = reporter;
        this.approver = approver;
        this.capture = capture;
    }

    /**
     * Loads the config (its warnings go to {@code reporter}), judges {@code request}'s command and runs
     * it (or not); never throws for a bad config or a failed run.
     */
    public static GuardResult judgeAndRun(GuardRequest request, Reporter reporter, Approver approver) {
        return judgeAndRun(request, reporter, approver, null);
    }

    /**
     * {@link #judgeAndRun(GuardRequest, Reporter, Approver)} with the command's output captured into
     * {@code capture} instead of this process's stdio (null: shared), started in its directory, and
     * cancellable through it.
     */
    public static GuardResult judgeAndRun(GuardRequest request, Reporter reporter, Approver approver, CapturedRun capture) {
        long startNanos = System.nanoTime();
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.load(ConfigLoader.Request.ofProcess(request.configFile())
                    .with(request.workspace(), request.stateDir()));
        } catch (ConfigException e) {
            reporter.warn(e.getMessage());
            return GuardResult.failed(e.getMessage(), Duration.ofNanos(System.nanoTime() - startNanos));
        }
        loaded.warnings().forEach(reporter::warn);
        Guard guard = new Guard(request, reporter, approver, capture);
        guard.loaded = loaded;
        return guard.call();
    }

    /**
     * {@link #judgeAndRun(GuardRequest, Reporter, Approver)} with a config the caller loaded (from
     * {@code request}'s config file, workspace and state dir) and whose warnings it has shown.
     */
    public static GuardResult judgeAndRun(GuardRequest request, LoadedConfig loaded, Reporter reporter, Approver approver) {
        Guard guard = new Guard(request, reporter, approver, null);
        guard.loaded = loaded;
        return guard.call();
    }

    private GuardResult call() {
        Instant started = Instant.now();
        long startNanos = System.nanoTime();
        VgConfig config = loaded.config();
        for (String notice : loaded.trustNotices(Caller.current().workingDirectory())) {
            notices.print("config", notice);
        }
        runtimes = RuntimeChoice.of(loaded, request.runtime(), Caller.current().environment());

        String text = ShellWords.join(command);
        RiskReport report = PolicyEngines.rate(loaded, text);
        DecisionEngine engine = PolicyEngines.of(loaded, PolicyEngines.guardLevel(loaded));
        boolean interactive = approver.interactive();
        Decision decision = engine.decide(report, false, interactive);
        SandboxSpec spec = SandboxSpecs.build(command, loaded, new SandboxSpecs.Overrides(securityLevel, network, workspace,
                timeout, request.stateDir()), CallerAccount.homeDirectory(Caller.current().environment()), capture);
        try {
            VgOwnDirs.checkPrivateDirs(spec); // before vg reads its trust store there or writes its metrics
        } catch (SandboxException e) {
            notices.print("error", e.getMessage());
            return GuardResult.failed(e.getMessage(), Duration.ofNanos(System.nanoTime() - startNanos));
        }
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
        Recorder recorder = new Recorder(config.metricsEnabled() ? this : null, started, startNanos, text, report, null);
        switch (decision.action()) {
            case BLOCK -> {
                boolean approvalNeeded = engine.decide(report, false, true).action() == Decision.Action.ASK;
                String trustCommand = "vg trust add " + ShellWords.quote(report.normalizedCommand());
                notices.print("blocked", "blocked" + Reporter.dash() + decision.why() + (approvalNeeded
                        ? " (to allow it: " + trustCommand + ")"
                        : ""), approvalNeeded ? Map.of("why", decision.why(), "risk", report.risk().label(), "allow", trustCommand)
                        : Map.of("why", decision.why(), "risk", report.risk().label()));
                return recorder.blocked(decision.why());
            }
            case ASK -> {
                Approver.Answer answer = approver.ask(decision.why(), text);
                if (answer == Approver.Answer.CANCEL) {
                    notices.print("cancelled", "cancelled");
                    return recorder.blocked("approval refused: " + decision.why());
                }
                if (answer == Approver.Answer.REMEMBER) {
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
                notices.print("host", "host" + Reporter.dash() + decision.why(), Map.of("why", decision.why(), "risk", report.risk().label()));
            }
            int status = capture == null ? HostRunner.run(command, stopSignals(), notices::warn)
                    : HostRunner.run(command, notices::warn, capture);
            return recorder.finish(RunDecision.HOST, "host", false, status, decision.why());
        }
        return runSandboxed(spec, decision, recorder);
    }

    /** The signal handlers the request asks for, installed now (before the command starts). */
    private StopSignals stopSignals() {
        if (!request.handleSignals()) {
            return StopSignals.none();
        }
        Caller.Client client = Caller.current().client();
        return client != null ? StopSignals.fromClient(client) : StopSignals.install();
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

    private GuardResult runSandboxed(SandboxSpec spec, Decision decision, Recorder recorder) {
        if (!RawInput.workingDirectoryIsExact()) {
            String problem = "the current directory " + Caller.current().workingDirectory() + " is not valid UTF-8: vg cannot name "
                    + "it exactly; run vg from a directory whose path is UTF-8";
            notices.print("error", problem);
            return recorder.finish(RunDecision.SANDBOX, runtimes.chosen(), false, ExitCodes.VG_FAILURE, problem);
        }
        boolean cached = !spec.cacheDirs().isEmpty();
        PlantedFiles planted = new PlantedFiles(List.of(spec.workspace().toAbsolutePath(), Caller.current().workingDirectory()),
                ConfigLoader.PROJECT_FILE);
        OutputLog log = null;
        if ((Boolean) loaded.settings().get("sandbox.log_output").value()) {
            try {
                log = OutputLog.create(stateDirectory(), recorder.command(), recorder.started());
            } catch (ConfigException | IOException e) {
                String problem = "sandbox.log_output is on but the output log cannot be created: " + e.getMessage();
                notices.print("error", problem);
                return recorder.finish(RunDecision.SANDBOX, runtimes.chosen(), false, ExitCodes.VG_FAILURE, problem);
            }
        }
        notices.beforeSandbox();
        StopSignals stop = stopSignals();
        try (SandboxProcess process = runtimes.start(spec)) {
            stop.attach(process::signal, process::kill);
            TeedOutput tee = null;
            if (capture != null) {
                capture.started(() -> killQuietly(process), process.stdout(), process.stderr(), log);
            } else if (log != null) {
                tee = TeedOutput.start(process, log);
            }
            if (!quiet) {
                notices.sandbox(spec, process, cached, decision.why());
                if (log != null) {
                    notices.print("output", "output logged to " + log.file(), Map.of("file", log.file().toString()));
                }
            }
            int status = stop.exitCode(process.waitFor());
            if (capture != null) {
                capture.ended(() -> killQuietly(process));
            }
            String logProblem = tee != null ? tee.finish(process.timedOut(), status) : log != null ? log.finish(status) : null;
            if (logProblem != null) {
                notices.warn(logProblem);
            }
            List<Blocked> blocked = process.blockedDestinations();
            // a hint, not a failure report: not asked for with -q, and beside the point when a signal ended the command
            if (!quiet && status != 0 && status <= 128 && !process.timedOut() && spec.network() == NetworkMode.NONE) {
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
                        + (process.peakMemoryBytes() > 0 // 0: the runtime cannot tell (bubblewrap, containers)
                                ? "; its largest process used " + process.peakMemoryBytes() / (1024 * 1024) + " MiB" : "")
                        + "); raise it with "
                        + "sandbox.memory_limit in your user config or --config (e.g. memory_limit: 8g; a project file may only lower it)");
            }
            planted.moveAsideCreated(notices::print);
            process.close();
            reportCacheAdditions(process);
            return recorder.finish(RunDecision.SANDBOX, runtimes.chosen(), cached, status, decision.why(),
                    blocked.stream().map(Blocked::toString).toList(), log == null ? null : log.file().toString());
        } catch (SandboxException e) {
            notices.print("error", withKeySource(e.getMessage()));
            int status = stop.exitCode(e.exitCode());
            if (log != null) {
                log.finish(status);
            }
            return recorder.finish(RunDecision.SANDBOX, runtimes.chosen(), cached, status, e.getMessage(), List.of(),
                    log == null ? null : log.file().toString());
        }
    }

    private static void killQuietly(SandboxProcess process) {
        try {
            process.kill();
        } catch (SandboxException ignored) {
            // it has ended already
        }
    }

    /**
     * A refusal that starts with the config key it is about ({@code sandbox.cache_dir /x is ...}) gets
     * where that key was set in front ({@code FILE:LINE: }), as a config error does.
     */
    private String withKeySource(String message) {
        int end = message.indexOf(' ');
        Setting setting = end > 0 ? loaded.settings().get(message.substring(0, end)) : null;
        return setting != null && setting.source() instanceof ConfigSource.File file ? file + ": " + message : message;
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

    /** The trust store if its file exists (no JSON is loaded otherwise). */
    private TrustStore trustStore() {
        try {
            Path file = TrustStore.location(stateDirectory(), loaded.trustStorePath());
            return Files.exists(file) ? TrustStore.at(file, Clock.systemUTC(), notices::warn) : null;
        } catch (ConfigException | IOException e) {
            notices.warn("cannot read the trust store: " + e.getMessage());
            return null;
        }
    }

    private TrustStore openTrustStore() {
        try {
            return TrustStore.at(TrustStore.location(stateDirectory(), loaded.trustStorePath()), Clock.systemUTC(), notices::warn);
        } catch (ConfigException | IOException e) {
            notices.warn("cannot open the trust store: " + e.getMessage());
            return null;
        }
    }

    /** The state directory, created (0700) if needed. */
    private Path stateDirectory() throws ConfigException, IOException {
        Path home = CallerAccount.homeDirectory(Caller.current().environment());
        return StateDir.ensure(StateDir.resolve(request.stateDir(), Caller.current().environment(), loaded.config().stateDir(), home));
    }

    /** Records the run in the metrics once it is over (when metrics are enabled) and gives its result. */
    private record Recorder(Guard metrics, Instant started, long startNanos, String command, RiskReport report,
                            Thread trustCounter) {
        Recorder after(Thread counter) {
            return new Recorder(metrics, started, startNanos, command, report, counter);
        }

        GuardResult blocked(String reason) {
            return finish(RunDecision.BLOCKED, null, false, ExitCodes.BLOCKED, reason);
        }

        GuardResult finish(RunDecision decision, String runtime, boolean cached, int exitCode, String reason) {
            return finish(decision, runtime, cached, exitCode, reason, List.of(), null);
        }

        GuardResult finish(RunDecision decision, String runtime, boolean cached, int exitCode, String reason,
                           List<String> networkBlocked, String outputLog) {
            if (trustCounter != null) {
                joinUninterruptibly(trustCounter);
            }
            long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
            Caller.Client client = Caller.current().client();
            if (client != null && metrics != null) {
                client.statusKnown(exitCode); // the metrics file's fsync need not hold up the client
            }
            if (metrics != null) {
                try {
                    new MetricsStore(metrics.stateDirectory(), metrics.notices::warn).record(new RunRecord(started, command,
                            decision, report.risk(), runtime, cached, millis, exitCode, reason, networkBlocked, outputLog));
                } catch (ConfigException | IOException | RuntimeException e) {
                    metrics.notices.warn("cannot record metrics: " + e.getMessage());
                }
            }
            return new GuardResult(exitCode, decision, reason, report.risk(), runtime, cached, networkBlocked,
                    Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }
}
