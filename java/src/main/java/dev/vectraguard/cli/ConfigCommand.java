package dev.vectraguard.cli;

import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.ConfigShow;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.sandbox.Sandbox;
import dev.vectraguard.sandbox.SandboxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vg config}: show or validate the configuration. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Show the effective configuration or validate a config file.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Validate.class})
final class ConfigCommand extends CommandGroup {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the effective configuration and where each value comes from (default, file:line, env).")
    static final class Show implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON: {\"key\": {\"value\": ..., \"source\": ...}}.")
        boolean json;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            try {
                LoadedConfig loaded = options.load();
                System.out.print(json ? ConfigShow.json(loaded) + "\n" : ConfigShow.text(loaded));
                return ExitCodes.OK;
            } catch (ConfigException e) {
                return Stderr.fail(e.getMessage());
            }
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check FILE (or every config file vg would read) and print the first error as FILE:LINE:COLUMN: problem.")
    static final class Validate implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file to check.")
        Path file;

        @Override
        public Integer call() {
            try {
                if (file == null) {
                    LoadedConfig loaded = ConfigLoader.load(ConfigLoader.Request.ofProcess(null));
                    loaded.warnings().forEach(Stderr::warn);
                    checkAsExecDoes(loaded, String.join(", ", loaded.files().stream().map(Path::toString).toList()));
                    System.out.println(loaded.files().isEmpty() ? "no config file: defaults are in effect"
                            : "valid: " + String.join(", ", loaded.files().stream().map(Path::toString).toList()));
                    return ExitCodes.OK;
                }
                if (!Files.isRegularFile(file)) {
                    return Stderr.fail(file + ": no such file");
                }
                Path home = Path.of(System.getProperty("user.home"));
                LoadedConfig loaded = ConfigLoader.loadText(file.toString(), Files.readString(file),
                        file.toAbsolutePath().getParent(), home);
                loaded.warnings().forEach(Stderr::warn);
                checkAsExecDoes(loaded, file.toString());
                System.out.println("valid: " + file);
                return ExitCodes.OK;
            } catch (ConfigException e) {
                return Stderr.fail(e.getMessage());
            } catch (IOException e) {
                return Stderr.fail("cannot read " + file + ": " + e.getMessage());
            }
        }

        /** The checks `vg exec` runs after loading (cross-key ones included), reported as config errors. */
        private static void checkAsExecDoes(LoadedConfig loaded, String files) throws ConfigException {
            try {
                SandboxSpecs.check(loaded, Sandbox.homeDirectory(System.getenv()));
            } catch (SandboxException e) {
                throw new ConfigException((files.isEmpty() ? "" : files + ": ") + e.getMessage());
            }
        }
    }
}
