package dev.vectraguard.guard;

import dev.vectraguard.config.SandboxRuntime;
import dev.vectraguard.sandbox.NetworkMode;
import dev.vectraguard.sandbox.SecurityLevel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One command for {@link Guard#judgeAndRun}, with what the caller overrides; null means "as the
 * config says".
 *
 * @param command        the command and its arguments (run as an argv, rated as their shell-quoted join)
 * @param configFile     a config file read last ({@code vg --config}); trusted unless it lies in the workspace
 * @param stateDir       where trust.json and metrics.json live ({@code --state-dir})
 * @param workspace      the directory the command may write ({@code --workspace})
 * @param securityLevel  {@code --security-level}
 * @param network        {@code --network}
 * @param timeout        {@code --timeout}
 * @param runtime        {@code --runtime}
 * @param quiet          no "sandbox" or "host" notice on a run that went as decided
 * @param handleSignals  TERM, HUP and INT sent to this process end the command (the CLI); an embedder
 *                       that handles signals itself passes false
 */
public record GuardRequest(List<String> command, Path configFile, Path stateDir, Path workspace,
                           SecurityLevel securityLevel, NetworkMode network, Duration timeout,
                           SandboxRuntime runtime, boolean quiet, boolean handleSignals) {
    public GuardRequest {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
    }

    /** {@code command} with every setting from the config, signals left to the caller. */
    public static GuardRequest of(List<String> command) {
        return new GuardRequest(command, null, null, null, null, null, null, null, false, false);
    }

    public GuardRequest withWorkspace(Path dir) {
        return new GuardRequest(command, configFile, stateDir, dir, securityLevel, network, timeout, runtime, quiet, handleSignals);
    }

    public GuardRequest withStateDir(Path dir) {
        return new GuardRequest(command, configFile, dir, workspace, securityLevel, network, timeout, runtime, quiet, handleSignals);
    }

    public GuardRequest withSecurityLevel(SecurityLevel level) {
        return new GuardRequest(command, configFile, stateDir, workspace, Objects.requireNonNull(level), network, timeout,
                runtime, quiet, handleSignals);
    }

    public GuardRequest withTimeout(Duration limit) {
        return new GuardRequest(command, configFile, stateDir, workspace, securityLevel, network, limit, runtime,
                quiet, handleSignals);
    }
}
