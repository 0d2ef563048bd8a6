package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/** {@code vg init}: writes ./vectra-guard.yaml from a preset. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write ./vectra-guard.yaml from a preset (balanced, developer, ci-cd, production).",
        footer = {"", "Example:", "  vg init --preset developer"})
final class InitCommand implements Callable<Integer> {
    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "balanced",
            description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).", completionCandidates = PresetNames.class)
    String preset;

    @Option(names = "--force", description = "Overwrite an existing ./vectra-guard.yaml.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (!Presets.names().contains(preset)) {
            return Stderr.fail("unknown preset '" + preset + "' (use one of " + String.join(", ", Presets.names()) + ")");
        }
        Path target = Caller.current().resolve(Path.of(ConfigLoader.PROJECT_FILE));
        if (Files.exists(target) && !force) {
            return Stderr.fail(target.toAbsolutePath() + " exists; pass --force to overwrite it");
        }
        String text;
        try {
            text = Presets.read(preset);
        } catch (ConfigException e) {
            return Stderr.fail(e.getMessage());
        }
        Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), ".vectra-guard", ".yaml");
        Files.writeString(temp, text);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Caller.current().out().println("wrote " + target.toAbsolutePath() + " (preset " + preset + ")");
        Caller.current().out().println("as a project config it may only tighten the policy; to let all its keys apply: vg config trust "
                + ConfigLoader.PROJECT_FILE);
        return ExitCodes.OK;
    }

    /** Preset names for --help and completion. */
    static final class PresetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Presets.names().iterator();
        }
    }
}
