package dev.vectraguard.cli;

import dev.vectraguard.sandbox.Environment;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.Sandbox;
import dev.vectraguard.sandbox.SandboxException;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;
import dev.vectraguard.sandbox.SecurityLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vg exec}: runs one command in the sandbox. */
@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run CMD in the native sandbox with the terminal's stdin, stdout and stderr.",
        footer = {"", "Example:", "  vg exec --security-level strict --timeout 60 -- npm test"})
final class ExecCommand implements Callable<Integer> {
    @Option(names = "--security-level", paramLabel = "LEVEL", converter = LevelConverter.class,
            description = "permissive, balanced (default), strict or paranoid.")
    SecurityLevel securityLevel = SecurityLevel.BALANCED;

    @Option(names = "--network", paramLabel = "MODE", converter = NetworkConverter.class,
            description = "none or full (never more than the level allows; restricted is not built yet and means none). "
                    + "Default: the level's.")
    NetworkMode network;

    @Option(names = "--workspace", paramLabel = "DIR",
            description = "Directory the command may write, kept at its host path. Default: the current directory.")
    Path workspace = Path.of("");

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Kill the whole sandbox after SECONDS (exit code 124).")
    Long timeoutSeconds;

    @Option(names = {"-q", "--quiet"}, description = "Print no notice line.")
    boolean quiet;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() {
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            System.err.println("vg: --timeout must be a positive number of seconds (got " + timeoutSeconds + ")");
            return ExitCodes.VG_FAILURE;
        }
        SandboxSpec spec = SandboxSpec.builder(command)
                .workspace(workspace)
                .securityLevel(securityLevel)
                .network(network)
                .environment(Environment.whitelisted(System.getenv(), Environment.DEFAULT_WHITELIST))
                .timeout(timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds))
                .build();
        try (SandboxProcess process = Sandbox.start(spec)) {
            forwardSignals(process);
            if (!quiet) {
                System.err.println(Notices.sandbox(spec, process));
            }
            int status = process.waitFor();
            if (process.timedOut()) {
                System.err.println("vg: timed out after " + timeoutSeconds + "s: sandbox killed");
            } else if (process.memoryLimitHit()) {
                System.err.println("vg: the command hit the sandbox memory limit (" + process.limitsDescription() + ")");
            }
            return status;
        } catch (SandboxException e) {
            System.err.println("vg: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** Ctrl-C reaches the command through the terminal; TERM and HUP sent to vg are passed on. */
    private static void forwardSignals(SandboxProcess process) {
        Signal.handle(new Signal("INT"), signal -> { });
        for (String name : List.of("TERM", "HUP")) {
            Signal.handle(new Signal(name), signal -> {
                try {
                    process.signal(signal.getNumber());
                } catch (SandboxException ignored) {
                    // the sandbox has already ended
                }
            });
        }
    }
}
