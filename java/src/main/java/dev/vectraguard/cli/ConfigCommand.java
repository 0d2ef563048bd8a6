package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.guard.ShellWords;
import dev.vectraguard.guard.SandboxSpecs;
import dev.vectraguard.config.ConfigApprovals;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.ConfigShow;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.sandbox.CallerAccount;
import dev.vectraguard.sandbox.EnvironmentPlan;
import dev.vectraguard.sandbox.SandboxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vg config}: show, validate, approve or un-approve the configuration. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show the effective configuration, validate a config file, or approve one.",
                "A vectra-guard.yaml in the project (or any config file a sandboxed command could write) may only "
                        + "tighten the policy until you approve its exact content with 'vg config trust'."},
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Validate.class, ConfigCommand.Trust.class, ConfigCommand.Untrust.class},
        footer = {"", "Examples:", "  vg config show", "  vg config show --env", "  vg config trust ./vectra-guard.yaml", "  vg config untrust ./vectra-guard.yaml"})
final class ConfigCommand extends CommandGroup {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print the effective configuration and where each value comes from (default, file:line, env),",
                    "whether it is trusted, approved or an unapproved file's tightening, and which values were ignored."})
    static final class Show implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON: {\"key\": {\"value\": ..., \"source\": ..., \"trust\": ..., \"ignored\": [...]}}.")
        boolean json;

        @Option(names = "--env", description = "Print instead which of your environment variables a sandboxed command gets "
                + "and why (names only); with --json: [{\"name\": ..., \"passed\": ..., \"why\": ...}].")
        boolean env;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            try {
                LoadedConfig loaded = options.load();
                if (env) {
                    EnvironmentPlan plan = SandboxSpecs.environmentPlan(loaded);
                    System.out.println(json ? JsonMapping.writePretty(EnvExplanation.json(plan))
                            : "# " + EnvExplanation.summary(plan) + "\n" + String.join("\n", EnvExplanation.lines(plan)));
                    return ExitCodes.OK;
                }
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
                    loaded.trustNotices(Caller.current().workingDirectory()).forEach(Stderr::warn);
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
                SandboxSpecs.check(loaded, CallerAccount.homeDirectory(Caller.current().environment()));
            } catch (SandboxException e) {
                throw new ConfigException((files.isEmpty() ? "" : files + ": ") + e.getMessage());
            }
        }
    }
    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = {"Approve FILE (default ./vectra-guard.yaml): all its keys apply as written, loosening ones included.",
                    "The approval is for this exact content (SHA-256) at this path; any change to the file voids it."})
    static final class Trust implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The config file to approve.")
        Path file;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            Path target = file != null ? file : Path.of(ConfigLoader.PROJECT_FILE);
            try {
                if (!Files.isRegularFile(target)) {
                    return Stderr.fail(target + ": no such file");
                }
                byte[] content = Files.readAllBytes(target);
                Path home = Path.of(System.getProperty("user.home"));
                ConfigLoader.loadText(target.toString(), StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString(),
                        target.toAbsolutePath().getParent(), home);
                Path canonical = ConfigLoader.canonicalPath(target);
                String sha256 = ConfigApprovals.sha256(content);
                new ConfigApprovals(options.load().approvalsDir(), Stderr::warn).approve(canonical, sha256);
                System.out.println("approved " + canonical + " (sha256 " + sha256.substring(0, 12) + "): its settings apply as written "
                        + "until the file changes; undo with: vg config untrust " + ShellWords.quote(target.toString()));
                return ExitCodes.OK;
            } catch (ConfigException e) {
                return Stderr.fail(e.getMessage());
            } catch (CharacterCodingException e) {
                return Stderr.fail(target + ": config file is not valid UTF-8");
            } catch (IOException | UncheckedIOException e) {
                return Stderr.fail("cannot approve " + target + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "untrust", mixinStandardHelpOptions = true,
            description = "Withdraw the approval of FILE (default ./vectra-guard.yaml): it may only tighten the policy again.")
    static final class Untrust implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The config file.")
        Path file;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            Path target = file != null ? file : Path.of(ConfigLoader.PROJECT_FILE);
            Path canonical = ConfigLoader.canonicalPath(target);
            try {
                if (!new ConfigApprovals(options.load().approvalsDir(), Stderr::warn).revoke(canonical)) {
                    return Stderr.fail("not approved: " + canonical);
                }
                System.out.println("no longer approved: " + canonical);
                return ExitCodes.OK;
            } catch (ConfigException e) {
                return Stderr.fail(e.getMessage());
            } catch (UncheckedIOException e) {
                return Stderr.fail("cannot update the approvals: " + e.getMessage());
            }
        }
    }
}
