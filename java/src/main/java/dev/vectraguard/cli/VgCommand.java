package dev.vectraguard.cli;

import picocli.CommandLine.Command;

/** The top-level {@code vg} command: only subcommands. */
@Command(name = "vg", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Vectra Guard: judges each shell command's risk and runs it on the host, in a sandbox, "
                + "after approval, or not at all.",
        subcommands = {ExecCommand.class, ExplainCommand.class, TrustCommand.class, MetricsCommand.class, InitCommand.class,
                HookCommand.class, ShellInitCommand.class, SandboxCommand.class,
                ConfigCommand.class, VersionCommand.class, McpCommand.class, AuditCommand.class, ServerCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the command succeeded (otherwise its own exit code passes through)",
                "77:blocked by policy or approval refused",
                "124:timeout",
                "125:vg failed (bad arguments or config, sandbox setup)",
                "126:command not executable",
                "127:command not found",
                "128+N:command killed by signal N"})
public final class VgCommand extends CommandGroup {
}
