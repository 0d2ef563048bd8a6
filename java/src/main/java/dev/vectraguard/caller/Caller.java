package dev.vectraguard.caller;

import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The process vg works for: its environment, working directory, standard streams and terminal. In
 * the CLI it is this JVM; the vg server binds each client's for the request it serves
 * ({@link #callAs}), so every variable, relative path, notice and prompt is that client's own,
 * never the server's.
 *
 * @param environment       the variables, byte-exact (see {@code ByteStrings})
 * @param workingDirectory  absolute; every relative path vg is given resolves against it
 * @param workingDirectoryExact  false when the directory's path is not valid UTF-8 (Java cannot name it)
 * @param stdinFd           the descriptor the command's stdin comes from (likewise stdout, stderr)
 * @param out               vg's own output (what a subcommand prints)
 * @param err               vg's notices
 * @param terminal          where an approval is asked
 * @param client            the vg client that sent the request; null in the CLI
 */
public record Caller(Map<String, String> environment, Path workingDirectory, boolean workingDirectoryExact,
                     int stdinFd, int stdoutFd, int stderrFd, PrintStream out, PrintStream err, Terminal terminal,
                     Client client) {
    private static final ScopedValue<Caller> CURRENT = ScopedValue.newInstance();

    public Caller {
        environment = Map.copyOf(environment);
        if (!workingDirectory.isAbsolute()) {
            throw new IllegalArgumentException("the working directory must be absolute: " + workingDirectory);
        }
    }

    /** Where an approval prompt is asked. */
    public interface Terminal {
        /** Whether a person can be asked (stdin and stdout are a terminal). */
        boolean interactive();

        /** Prints {@code prompt} and reads one line; null at end of input. */
        String readLine(String prompt);
    }

    /** The vg client a server request came from: its signals and the host runs it makes for vg. */
    public interface Client {
        /**
         * Calls {@code handler} for every signal the client passes on; a hang-up (the client is gone)
         * arrives as {@link SignalHandler#hungUp}.
         */
        void onSignal(SignalHandler handler);

        /**
         * The exit status is settled; what is left (recording metrics) happens after the client has
         * it. A later status for the same request is not sent.
         */
        void statusKnown(int status);

        /** Starts {@code command} as the client's own child (its stdio, environment and directory). */
        HostRun runOnHost(List<String> command);

        /** The server serving the request. */
        Server server();
    }

    /** The vg server serving a request, as {@code vg server status} and {@code vg server stop} see and stop it. */
    public interface Server {
        long pid();

        Path socket();

        java.time.Instant started();

        /** The commands it runs for other requests (other terminals, agents) right now. */
        int otherRequests();

        /**
         * Takes no new request from now on (its socket is removed at once, so the next vg starts a new
         * server) and exits once the requests it serves have ended: their commands are not killed.
         */
        void stop();
    }

    /** What the client passes on. */
    public interface SignalHandler {
        /**
         * Signal {@code number} reached the client: {@code stop} for one that tells vg to stop the
         * command (TERM, HUP, an INT not sent by the terminal), else one to pass on unchanged
         * (a terminal's INT or QUIT, WINCH), which the sandboxed command, outside the terminal's
         * process group, did not get.
         */
        void signal(int number, boolean stop);

        /** The client is gone: the command must not outlive it. */
        void hungUp();
    }

    /** A command the client runs on the host. */
    public interface HostRun {
        void signal(int number);

        /**
         * The command's wait status (as waitpid(2) gives it), or {@code -errno} when it could not be
         * executed; throws when the client went away.
         */
        int waitFor() throws java.io.IOException;
    }

    /** The caller of the current request: the client's in the server, else this process. */
    public static Caller current() {
        return CURRENT.isBound() ? CURRENT.get() : ProcessCaller.INSTANCE;
    }

    /** Whether vg serves a client (the server) rather than its own process (the CLI). */
    public static boolean isRemote() {
        return CURRENT.isBound();
    }

    /** Runs {@code action} with {@code caller} as {@link #current()}. */
    public static <T> T callAs(Caller caller, Callable<T> action) throws Exception {
        return ScopedValue.where(CURRENT, caller).call(action::call);
    }

    /** {@code path} against the working directory (unchanged when absolute). */
    public Path resolve(Path path) {
        return workingDirectory.resolve(path);
    }

    /** This JVM as the caller (the CLI): its environment, directory, stdio and console. */
    private static final class ProcessCaller {
        static final Caller INSTANCE = new Caller(System.getenv(), Path.of("").toAbsolutePath(), true, 0, 1, 2,
                System.out, System.err, new ConsoleTerminal(), null);
    }

    private static final class ConsoleTerminal implements Terminal {
        @Override
        public boolean interactive() {
            Console console = System.console();
            return console != null && console.isTerminal();
        }

        @Override
        public String readLine(String prompt) {
            return System.console().readLine("%s", prompt);
        }
    }
}
