package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.guard.RawInput;
import dev.vectraguard.policy.VisibleText;
import picocli.CommandLine;

import java.io.PrintWriter;

/** Entry point of the {@code vg} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String[] exact = RawInput.arguments(args);
        int code = exact != null ? run(exact)
                : Stderr.fail("an argument is not valid UTF-8 and its bytes cannot be read back from /proc/self/cmdline");
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Runs {@code args} for {@link Caller#current()}: its output, notices and exit code. */
    public static int run(String[] args) {
        return run(commandLine(), args);
    }

    /**
     * A new, unused command line (reading every command's annotations takes milliseconds): the vg
     * server builds the next request's while it waits. It holds nothing of any caller.
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new VgCommand());
        // Everything after the command's name belongs to it: `vg exec ls -la` works like `vg exec -- ls -la`.
        commandLine.getSubcommands().get("exec").setStopAtPositional(true);
        commandLine.getSubcommands().get("explain").setStopAtPositional(true); // `vg explain rm -rf /tmp/x`
        return commandLine;
    }

    /** {@link #run(String[])} on {@code commandLine}, from {@link #commandLine()} and used only once. */
    public static int run(CommandLine commandLine, String[] args) {
        PrintWriter err = new PrintWriter(Caller.current().err(), true);
        commandLine.setErr(err);
        commandLine.setOut(new PrintWriter(Caller.current().out(), true));
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            err.println("vg: " + VisibleText.escape(exception.getMessage()));
            err.println("Try 'vg " + exception.getCommandLine().getCommandSpec().qualifiedName(" ").replaceFirst("^vg ?", "")
                    + (exception.getCommandLine().getCommandSpec().qualifiedName().equals("vg") ? "" : " ") + "--help' for usage.");
            return ExitCodes.VG_FAILURE;
        });
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            err.println("vg: " + (exception.getMessage() == null ? exception.toString() : exception.getMessage()));
            return ExitCodes.VG_FAILURE;
        });
        return commandLine.execute(args);
    }
}
