package dev.vectraguard.guard;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.nativecore.ByteStrings;
import dev.vectraguard.nativecore.LocalSockets;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/** Runs a command on the host, with vg's own stdio and environment (the policy decided it is harmless). */
final class HostRunner {
    /** The status of a command killed by SIGKILL (a run cancelled before it started reports the same). */
    private static final int KILLED = 128 + 9;

    private HostRunner() {}

    static int run(List<String> command, StopSignals stop, Consumer<String> warn) {
        if (!exactArguments(command, warn)) {
            return ExitCodes.VG_FAILURE;
        }
        Caller.Client client = Caller.current().client();
        if (client != null) {
            return runByClient(client, command, stop, warn);
        }
        Process process;
        try {
            process = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            return startFailed(command, e, warn);
        }
        stop.attach(signal -> process.destroy(), process::destroyForcibly); // Java can send a host process TERM only
        while (true) {
            try {
                return stop.exitCode(process.waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** With the output captured into {@code capture}, stdin empty, started in its directory; {@code capture} can cancel it. */
    static int run(List<String> command, Consumer<String> warn, CapturedRun capture) {
        if (!exactArguments(command, warn)) {
            return ExitCodes.VG_FAILURE;
        }
        if (capture.cancelled()) {
            return KILLED;
        }
        Process process;
        try {
            process = new ProcessBuilder(command).directory(capture.workingDirectory().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return startFailed(command, e, warn);
        }
        Runnable killAll = () -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        };
        capture.started(killAll, process.getInputStream(), process.getErrorStream());
        int status;
        while (true) {
            try {
                status = process.waitFor();
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        capture.ended(() -> process.descendants().forEach(ProcessHandle::destroyForcibly));
        return status;
    }

    private static boolean exactArguments(List<String> command, Consumer<String> warn) {
        for (int i = 0; i < command.size(); i++) {
            if (ByteStrings.hasEscapedBytes(command.get(i))) {
                warn.accept((i == 0 ? "the command name" : "argument " + i) + " '" + command.get(i)
                        + "' is not valid UTF-8: vg passes such bytes unchanged only to a sandboxed command");
                return false;
            }
        }
        return true;
    }

    private static int startFailed(List<String> command, IOException e, Consumer<String> warn) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        boolean notFound = message.contains("error=2,");
        warn.accept(command.getFirst() + ": " + (notFound ? "command not found" : "cannot run: " + message));
        return notFound ? ExitCodes.NOT_FOUND : ExitCodes.NOT_EXECUTABLE;
    }

    /**
     * The vg client runs {@code command} as its own child (Java cannot give a child the client's
     * descriptors); the outcome is the one {@link ProcessBuilder} gives in the CLI.
     */
    private static int runByClient(Caller.Client client, List<String> command, StopSignals stop, Consumer<String> warn) {
        Caller.HostRun run = client.runOnHost(command);
        stop.attach(signal -> run.signal(15), () -> run.signal(9));
        int status;
        try {
            status = run.waitFor();
        } catch (IOException e) {
            return stop.exitCode(128 + 9);
        }
        if (status < 0) {
            boolean notFound = -status == 2;
            warn.accept(command.getFirst() + ": " + (notFound ? "command not found"
                    : "cannot run: Cannot run program \"" + command.getFirst() + "\": error=" + -status + ", "
                    + LocalSockets.errorText(-status)));
            return notFound ? ExitCodes.NOT_FOUND : ExitCodes.NOT_EXECUTABLE;
        }
        int signal = status & 0x7f;
        return stop.exitCode(signal == 0 ? (status >> 8) & 0xff : 128 + signal);
    }
}
