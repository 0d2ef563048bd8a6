package dev.vectraguard.config;

import dev.vectraguard.sandbox.ShippedFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The preset config files shipped with vg ({@code vg init --preset NAME}). They live in
 * {@code presets/} at the repository root and are packaged as the class-path resources
 * {@value #RESOURCE_DIR}{@code NAME.yaml}, or read from {@code presets/} of the installed data directory
 * ({@link ShippedFiles}); when the resource is missing (tests run from the source tree) they are read from
 * {@code $vg.repo.root/presets/}.
 */
public final class Presets {
    public static final String RESOURCE_DIR = "/dev/vectraguard/presets/";
    private static final List<String> NAMES = List.of("balanced", "developer", "ci-cd", "production");

    private Presets() {}

    public static List<String> names() {
        return NAMES;
    }

    /** The preset's YAML text, comments included (what {@code vg init} writes out). */
    public static String read(String name) throws ConfigException {
        if (!NAMES.contains(name)) {
            throw new ConfigException("unknown preset '" + name + "'"
                    + Suggestions.nearest(name, NAMES).map(s -> " (did you mean '" + s + "'?)").orElse("")
                    + "; presets: " + String.join(", ", NAMES));
        }
        try {
            Optional<String> shipped = ShippedFiles.read("presets", name + ".yaml");
            if (shipped.isPresent()) {
                return shipped.get();
            }
            String root = System.getProperty("vg.repo.root");
            if (root != null) {
                return Files.readString(Path.of(root, "presets", name + ".yaml"));
            }
        } catch (IOException e) {
            throw new ConfigException("preset '" + name + "': cannot read it (" + e.getMessage() + ")");
        }
        throw new ConfigException("preset '" + name + "' is missing from this build (" + RESOURCE_DIR + name + ".yaml)");
    }

    /** The preset read over the defaults, as {@code vg} would load it. */
    public static LoadedConfig load(String name, Path home) throws ConfigException {
        return ConfigLoader.loadText("preset " + name, read(name), home, home);
    }
}
