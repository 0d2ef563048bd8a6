package dev.vectraguard.guard;

import dev.vectraguard.nativecore.ByteStrings;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/** Runs a command on the host, with vg's own stdio and environment (the policy decided it is harmless). */
final class HostRunner {
    private HostRunner() {}

    static int run(List<String> command, StopSignals stop, Consumer<String> warn) {
        for (int i = 0; i < command.size(); i++) {
            if (ByteStrings.hasEscapedBytes(command.get(i))) {
                warn.accept((i == 0 ? "the command name" : "argument " + i) + " '" + command.get(i)
                        + "' is not valid UTF-8: vg passes such bytes unchanged only to a sandboxed command");
                return ExitCodes.VG_FAILURE;
            }
        }
        Process process;
        try {
            process = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            boolean notFound = message.contains("error=2,");
            warn.accept(command.getFirst() + ": " + (notFound ? "command not found" : "cannot run: " + message));
            return notFound ? ExitCodes.NOT_FOUND : ExitCodes.NOT_EXECUTABLE;
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
}
