package dev.vectraguard.guard;

import dev.vectraguard.caller.Caller;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * TERM, HUP and INT sent to vg end the command vg runs: the signal is passed on to it, and whatever
 * still runs {@link #GRACE} later is killed. vg then exits 128+N ({@link #exitCode}).
 *
 * <p>Installed before the command starts, so no signal falls between its start and the handlers: one
 * that arrives first is passed on as soon as the command is {@link #attach attached}.
 *
 * <p>An INT that the terminal sent (Ctrl-C) has already reached the command, which is in vg's
 * process group: when vg is in the terminal's foreground group, INT is left to the command (an
 * interactive program that handles Ctrl-C keeps running).
 */
public final class StopSignals {
    public static final Duration GRACE = Duration.ofSeconds(2);
    private static final List<String> NAMES = List.of("TERM", "HUP", "INT");

    /** Passes signal {@code number} on to the command. */
    interface Forward {
        void signal(int number) throws Exception;
    }

    /** Ends the command and everything it started. */
    interface Kill {
        void kill() throws Exception;
    }

    private int received;
    private boolean hungUp;
    private Forward forward;
    private Kill kill;

    /** Installs the handlers; {@link #attach} the command once it runs. */
    public static StopSignals install() {
        StopSignals stop = new StopSignals();
        for (String name : NAMES) {
            Signal.handle(new Signal(name), stop::onSignal);
        }
        return stop;
    }

    /**
     * The signals a vg client passes on (the server): a stop signal as the CLI's handlers take it, a
     * terminal's INT, QUIT or WINCH passed on unchanged (the sandbox is not in the client's terminal
     * process group), and the client's hang-up kills the command at once.
     */
    public static StopSignals fromClient(Caller.Client client) {
        StopSignals stop = new StopSignals();
        client.onSignal(new Caller.SignalHandler() {
            @Override
            public void signal(int number, boolean stops) {
                if (stops) {
                    stop.stopSignal(number);
                } else {
                    stop.passOn(number);
                }
            }

            @Override
            public void hungUp() {
                stop.hangUp();
            }
        });
        return stop;
    }

    /**
     * No handlers: for an embedder that handles its process's signals itself ({@link #exitCode} then
     * gives the command's status unchanged).
     */
    public static StopSignals none() {
        return new StopSignals();
    }

    /** The running command: {@code kill} ends what is left after the grace period. */
    synchronized void attach(Forward forward, Kill kill) {
        this.forward = forward;
        this.kill = kill;
        if (hungUp) {
            killNow();
        } else if (received != 0) {
            stop(received);
        }
    }

    /** 128+N when signal N told vg to stop, else the command's own {@code status}. */
    synchronized int exitCode(int status) {
        return received == 0 ? status : 128 + received;
    }

    private void onSignal(Signal signal) {
        if (signal.getName().equals("INT") && inTerminalForeground()) {
            return;
        }
        stopSignal(signal.getNumber());
    }

    private synchronized void stopSignal(int number) {
        if (received == 0) {
            received = number;
        }
        if (forward != null) {
            stop(number);
        }
    }

    private synchronized void passOn(int number) {
        if (forward != null) {
            try {
                forward.signal(number);
            } catch (Exception ignored) {
                // the command has already ended
            }
        }
    }

    private synchronized void hangUp() {
        hungUp = true;
        if (received == 0) {
            received = 1; // SIGHUP: nobody is left to read the status
        }
        if (kill != null) {
            killNow();
        }
    }

    private void killNow() {
        try {
            kill.kill();
        } catch (Exception ignored) {
            // the command has already ended
        }
    }

    private void stop(int number) {
        try {
            forward.signal(number);
        } catch (Exception ignored) {
            // the command has already ended
        }
        Kill killer = kill;
        Thread.ofPlatform().daemon().name("vg-stop").start(() -> {
            try {
                Thread.sleep(GRACE);
                killer.kill();
            } catch (Exception ignored) {
                // ended within the grace period
            }
        });
    }

    /** Whether vg's process group is the foreground group of its controlling terminal (/proc/self/stat). */
    private static boolean inTerminalForeground() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command name: state, ppid, pgrp, session, tty_nr, tpgid
            return Integer.parseInt(fields[2]) == Integer.parseInt(fields[5]);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
