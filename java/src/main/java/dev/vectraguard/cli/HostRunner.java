package dev.vectraguard.cli;

import java.io.IOException;
import java.util.List;

/** Runs a command on the host, with vg's own stdio and environment (the policy decided it is harmless). */
final class HostRunner {
    private HostRunner() {}

    static int run(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            boolean notFound = message.contains("error=2,");
            Stderr.warn(command.getFirst() + ": " + (notFound ? "command not found" : "cannot run: " + message));
            return notFound ? ExitCodes.NOT_FOUND : ExitCodes.NOT_EXECUTABLE;
        }
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
        for (String name : List.of("TERM", "HUP")) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> process.destroy());
        }
        while (true) {
            try {
                int status = process.waitFor();
                return status;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
