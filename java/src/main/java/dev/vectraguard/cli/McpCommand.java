package dev.vectraguard.cli;

import dev.vectraguard.config.ConfigException;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.mcp.ServerSettings;
import dev.vectraguard.mcp.VgMcpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vg mcp}: an MCP server on stdin/stdout whose tools run commands through vg, as {@code vg exec} does. */
@Command(name = "mcp", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the Model Context Protocol on stdin and stdout for an AI agent: the tool 'run' judges and "
                + "runs a shell command as vg exec would (output captured and returned), 'explain' shows the findings.",
                "The agent cannot approve or trust commands; it ends when stdin closes."},
        footer = {"", "Examples:", "  claude mcp add vectra-guard -- vg mcp", "  vg mcp --workspace ~/src/app --max-output 65536"})
final class McpCommand implements Callable<Integer> {
    static final int MAX_OUTPUT_LIMIT = 16 * 1024 * 1024;

    @Option(names = "--workspace", paramLabel = "DIR", converter = Utf8PathConverter.class,
            description = "Directory commands may write; a call's cwd must lie inside it (default: sandbox.workspace_dir, "
                    + "else the current directory).")
    Path workspace;

    @Option(names = "--max-output", paramLabel = "BYTES", defaultValue = "102400",
            description = "How much of each of a command's stdout and stderr is returned: its first and last halves "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxOutput;

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
        if (maxOutput < 2 || maxOutput > MAX_OUTPUT_LIMIT) {
            return Stderr.fail("--max-output must be 2 to " + MAX_OUTPUT_LIMIT + " bytes; got " + maxOutput);
        }
        options.workspace = workspace;
        ServerSettings settings;
        try {
            LoadedConfig loaded = options.load();
            Path dir = workspace != null ? workspace
                    : loaded.config().sandbox().workspaceDir() != null ? loaded.config().sandbox().workspaceDir() : Path.of("");
            settings = ServerSettings.of(dir.toAbsolutePath(), options.configFile, options.stateDir, maxOutput);
        } catch (ConfigException e) {
            return Stderr.fail(e.getMessage());
        } catch (IOException e) {
            return Stderr.fail("the workspace " + (workspace != null ? workspace : Path.of("").toAbsolutePath())
                    + " is not usable: " + e.getMessage());
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // stdout carries the protocol alone: anything else vg would print there goes to stderr.
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        return VgMcpServer.serve(settings, VersionCommand.version(), System.in, protocol, System.err);
    }
}
