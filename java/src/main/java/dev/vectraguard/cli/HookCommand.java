package dev.vectraguard.cli;

import dev.vectraguard.config.ConfigLoader;
import dev.vectraguard.config.LoadedConfig;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.guard.ShellWords;
import dev.vectraguard.guard.Verdict;
import dev.vectraguard.hook.AgentHook;
import dev.vectraguard.hook.ClaudeCodeHook;
import dev.vectraguard.hook.GeminiHook;
import dev.vectraguard.hook.HookInstaller;
import dev.vectraguard.hook.HookReply;
import dev.vectraguard.sandbox.CallerAccount;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vg hook}: the pre-tool hooks of coding agents, and their installation. */
@Command(name = "hook", mixinStandardHelpOptions = true,
        description = "Agent hooks: the agent runs vg before each shell command, and vg answers run it, run it "
                + "sandboxed through vg exec, ask, or refuse it.",
        subcommands = {HookCommand.ClaudeCode.class, HookCommand.Gemini.class, HookCommand.Install.class},
        footer = {"", "Examples:", "  vg hook install claude-code --user", "  vg hook install gemini --project"})
final class HookCommand extends CommandGroup {

    @Command(name = "claude-code", mixinStandardHelpOptions = true,
            description = {"Claude Code's PreToolUse hook for the Bash tool: reads the event JSON on stdin, prints the "
                    + "decision JSON on stdout.", "Exit 2 (Claude Code blocks the call) when the event cannot be read "
                    + "or vg cannot judge it."})
    static final class ClaudeCode implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            return answer(new ClaudeCodeHook(), options);
        }
    }

    @Command(name = "gemini", mixinStandardHelpOptions = true,
            description = {"Gemini CLI's BeforeTool hook for run_shell_command: reads the event JSON on stdin, prints "
                    + "the decision JSON on stdout.", "Exit 2 (Gemini CLI blocks the call) when the event cannot be "
                    + "read or vg cannot judge it."})
    static final class Gemini implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            return answer(new GeminiHook(), options);
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Add vg's hook to AGENT's settings file (claude-code: .claude/settings.json, gemini: "
                    + ".gemini/settings.json), keeping every other key and hook; the old file is kept as "
                    + "settings.json.vg-backup-TIME. Running it again changes nothing."})
    static final class Install implements Callable<Integer> {
        @Parameters(paramLabel = "AGENT", description = "claude-code or gemini")
        String agent;

        static final class Scope {
            @Option(names = "--user", description = "In ~/.claude or ~/.gemini: every project (the default).")
            boolean user;

            @Option(names = "--project", description = "In the current directory's .claude or .gemini: this project.")
            boolean project;
        }

        @ArgGroup(exclusive = true)
        Scope scope;

        @Override
        public Integer call() {
            AgentHook hook = AgentHook.named(agent);
            if (hook == null) {
                return Stderr.fail("unknown agent '" + agent + "': give claude-code or gemini");
            }
            boolean project = scope != null && scope.project;
            Path base = project ? Path.of("").toAbsolutePath() : CallerAccount.homeDirectory(System.getenv());
            Path settings = base.resolve(hook.settingsDirectory()).resolve("settings.json");
            Path vg = onPath("vg");
            if (vg == null) {
                Stderr.warn("vg is not on PATH: the hook runs 'vg hook " + hook.name() + "' and sandboxed commands run "
                        + "'vg exec'; put vg on PATH (e.g. ln -s /path/to/vg ~/.local/bin/vg)");
            }
            String command = (vg == null ? "vg" : ShellWords.quote(vg.toString())) + " hook " + hook.name();
            try {
                HookInstaller.Result result = HookInstaller.install(hook, settings, command);
                if (!result.added()) {
                    System.out.println("vg: the " + hook.event() + " hook is already in " + result.file() + ": nothing changed");
                } else {
                    System.out.println("vg: added the " + hook.event() + " hook for " + hook.shellTool() + " to " + result.file()
                            + (result.backup() == null ? "" : " (the old file is " + result.backup() + ")"));
                }
                return ExitCodes.OK;
            } catch (IOException e) {
                return Stderr.fail(e.getMessage());
            }
        }

        private static Path onPath(String name) {
            String path = System.getenv("PATH");
            if (path == null) {
                return null;
            }
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (dir.startsWith("/") && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
            return null;
        }
    }

    private static int answer(AgentHook hook, ConfigOptions options) {
        byte[] event;
        try {
            event = System.in.readAllBytes();
        } catch (IOException e) {
            Stderr.warn("hook " + hook.name() + ": cannot read the event on stdin: " + e.getMessage());
            return HookReply.BLOCKING_ERROR;
        }
        HookReply reply = hook.answer(event, (cwd, command) -> {
            LoadedConfig loaded = ConfigLoader.load(ConfigLoader.Request.ofProcess(options.configFile)
                    .with(cwd, options.stateDir));
            loaded.warnings().forEach(Stderr::warn);
            return Verdict.of(loaded, options.stateDir, command, Stderr::warn);
        });
        if (!reply.stdout().isEmpty()) {
            byte[] json = (reply.stdout() + "\n").getBytes(StandardCharsets.UTF_8);
            System.out.write(json, 0, json.length);
            System.out.flush();
        }
        if (!reply.stderr().isEmpty()) {
            Stderr.warn(reply.stderr());
        }
        return reply.exitCode();
    }
}
