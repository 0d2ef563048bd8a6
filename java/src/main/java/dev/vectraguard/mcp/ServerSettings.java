package dev.vectraguard.mcp;

import java.nio.file.Path;

/**
 * What {@code vg mcp} was started with.
 *
 * @param workspace        the directory commands may write; a call's cwd must lie inside it
 * @param configFile       {@code --config}, or null
 * @param stateDir         {@code --state-dir}, or null
 * @param outputLimitBytes how much of each of a command's stdout and stderr is returned
 */
public record ServerSettings(Workspace workspace, Path configFile, Path stateDir, int outputLimitBytes) {
    public static ServerSettings of(Path workspace, Path configFile, Path stateDir, int outputLimitBytes)
            throws java.io.IOException {
        return new ServerSettings(Workspace.of(workspace), configFile, stateDir, outputLimitBytes);
    }
}
