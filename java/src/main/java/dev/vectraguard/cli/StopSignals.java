package dev.vectraguard.cli;

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
 * <p>An INT that the terminal sent (Ctrl-C) has already reached the command, which is in vg's
 * process group: when vg is in the terminal's foreground group, INT is left to the command (an
 * interactive program that handles Ctrl-C keeps running).
 */
final class StopSignals {
    static final Duration GRACE = Duration.ofSeconds(2);
    private static final List<String> NAMES = List.of("TERM", "HUP", "INT");

    /** How the command is reached: pass a signal on, or end it and everything it started. */
    interface Target {
        void signal(int number) throws Exception;

        void kill() throws Exception;
    }

    private volatile int received;

    /** Installs the handlers for the command {@code target}; call once it runs. */
    static StopSignals forward(Target target) {
        StopSignals stop = new StopSignals();
        for (String name : NAMES) {
            Signal.handle(new Signal(name), signal -> stop.onSignal(signal, target));
        }
        return stop;
    }

    /** 128+N when signal N told vg to stop, else the command's own {@code status}. */
    int exitCode(int status) {
        return received == 0 ? status : 128 + received;
    }

    private void onSignal(Signal signal, Target target) {
        if (signal.getName().equals("INT") && inTerminalForeground()) {
            return;
        }
        if (received == 0) {
            received = signal.getNumber();
        }
        try {
            target.signal(signal.getNumber());
        } catch (Exception ignored) {
            // the command has already ended
        }
        Thread.ofPlatform().daemon().name("vg-stop").start(() -> {
            try {
                Thread.sleep(GRACE);
                target.kill();
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
