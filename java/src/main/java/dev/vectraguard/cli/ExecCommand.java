package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.config.SandboxRuntime;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.guard.Guard;
import dev.vectraguard.guard.GuardRequest;
import dev.vectraguard.guard.SandboxSpecs;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SecurityLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vg exec}: judges a command, then runs it on the host, in the sandbox, after approval, or not at all. */
@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Judge CMD's risk, then run it on the host, in the sandbox, after approval, or not at all "
                + "(exit 77), with the terminal's stdin, stdout and stderr.",
                "At most one notice line on stderr says what was decided and why.",
                "With sandbox.log_output: true, a sandboxed command's stdout and stderr are pipes of vg's (not the terminal), "
                        + "passed on to yours and logged in STATE_DIR/output (a second notice line names the file)."},
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

    @Option(names = "--runtime", paramLabel = "NAME", converter = RuntimeConverter.class,
            description = "auto, native (also namespace, process), bubblewrap, docker or podman. Default: VECTRAGUARD_RUNTIME, "
                    + "else sandbox.runtime, else auto: native first, docker and podman first in CI, staging and production "
                    + "(sandbox.auto_detect_env, sandbox.prefer_fast); a skipped runtime is named on the notice line. A named "
                    + "runtime that cannot run here, or cannot give the whole level, stops with exit 125 saying why "
                    + "(unless sandbox.allow_weaker_fallback, and then the notice says what is weaker).")
    SandboxRuntime runtime;

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

    @Parameters(arity = "1..*", paramLabel = "CMD",
            description = "The command and its arguments; everything after its name belongs to it (-- before it is optional).")
    List<String> command;

    @Override
    public Integer call() {
        quiet |= Caller.current().environment().get("VG_QUIET") != null;
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
        GuardRequest request = new GuardRequest(command, options.configFile, options.stateDir, workspace, securityLevel,
                network, timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds), runtime, quiet, true);
        Notices notices = new Notices(loaded.config().logFormat());
        if (explainEnv || verbose && !quiet) {
            notices.explainingEnvironment(SandboxSpecs.environmentPlan(loaded), explainEnv, verbose && !quiet);
        }
        return Guard.judgeAndRun(request, loaded, notices, new Approval()).exitCode();
    }
}
