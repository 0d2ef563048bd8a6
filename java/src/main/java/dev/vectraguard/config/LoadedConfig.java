package dev.vectraguard.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link ConfigLoader#load}.
 *
 * @param config         the typed effective configuration
 * @param settings       every key (schema order) with its value and source, for {@code vg config show}
 * @param files          the config files read, lowest precedence first
 * @param warnings       one-line warnings to print (vectra-guard keys without effect, alias values)
 * @param deploymentEnv  {@code $VECTRAGUARD_ENV}, or null when not set
 */
public record LoadedConfig(VgConfig config, Map<String, Setting> settings, List<Path> files, List<String> warnings,
                           DeploymentEnv deploymentEnv) {}
