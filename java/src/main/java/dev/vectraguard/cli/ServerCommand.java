package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.guard.ExitCodes;
import picocli.CommandLine.Command;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code vg server}: the calling user's vg server. The vg client answers {@code status} and
 * {@code stop} itself when no server runs (it never starts one for them), and waits for a stopped
 * server's process to exit.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"The per-user vg server that the vg command hands commands to (a warm JVM; see README \"The vg server\")."},
        subcommands = {ServerCommand.Status.class, ServerCommand.Stop.class},
        footer = {"", "Example:", "  vg server status && vg server stop"})
final class ServerCommand extends CommandGroup {

    /** The server of this request; null (after saying so) when vg runs in-process. */
    private static Caller.Server server() {
        Caller.Client client = Caller.current().client();
        if (client == null) {
            Stderr.fail("`vg server` needs the vg client (the vg command); this vg runs in-process (the JVM started "
                    + "directly or with VG_IN_PROCESS)");
            return null;
        }
        return client.server();
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Say whether your vg server runs: its pid, socket, uptime and the commands it is running.",
                    "Exit status 0 when it runs, 3 when none runs."})
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            Caller.Server server = server();
            if (server == null) {
                return ExitCodes.VG_FAILURE;
            }
            Duration up = Duration.between(server.started(), Instant.now());
            Caller.current().out().printf("vg server: pid %d, socket %s, up %dh%02dm%02ds, %d other command(s) running%n",
                    server.pid(), server.socket(), up.toHours(), up.toMinutesPart(), up.toSecondsPart(), server.otherRequests());
            return ExitCodes.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Stop your vg server: it takes no new command (the next vg starts a new server), lets the "
                    + "commands it is running for other terminals finish (they are not killed), then exits; "
                    + "vg server stop waits for that. With no server running it says so and succeeds."})
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() {
            Caller.Server server = server();
            if (server == null) {
                return ExitCodes.VG_FAILURE;
            }
            int others = server.otherRequests();
            server.stop();
            if (others > 0) {
                Caller.current().out().printf("vg server: pid %d stops once the %d command(s) it is running have ended%n",
                        server.pid(), others);
            }
            return ExitCodes.OK;
        }
    }
}
