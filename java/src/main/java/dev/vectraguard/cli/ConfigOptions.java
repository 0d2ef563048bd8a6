package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.sandbox.CallerAccount;
import dev.vectraguard.state.StateDir;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Options every command that reads the config or the state files shares. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file read last (after ~/.config/vectra-guard/config.yaml and vectra-guard.yaml); trusted "
                    + "unless it lies in the current directory or workspace tree.")
    Path configFile;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where trust.json, config-trust.json and metrics.json live (default: $VECTRAGUARD_STATE_DIR, state_dir, ~/.vectra-guard).")
    Path stateDir;

    /** {@code vg exec --workspace}: its {@code vectra-guard.yaml} is read too. */
    Path workspace;

    private LoadedConfig loaded;

    /** The effective config; its warnings are printed once, on stderr. */
    LoadedConfig load() throws ConfigException {
        if (loaded == null) {
            loaded = ConfigLoader.load(ConfigLoader.Request.ofProcess(configFile).with(workspace, stateDir));
            for (String warning : loaded.warnings()) {
                Stderr.warn(warning);
            }
        }
        return loaded;
    }

    /** The state directory, created (0700) if needed. */
    Path stateDirectory() throws ConfigException, IOException {
        Map<String, String> env = Caller.current().environment();
        Path home = CallerAccount.homeDirectory(env);
        return StateDir.ensure(StateDir.resolve(stateDir, env, load().config().stateDir(), home));
    }
}
