package dev.vectraguard.sandbox.container;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Removes this JVM's containers when it dies without removing them itself (SIGKILL, a crash): a
 * shutdown hook never runs then, and the engine keeps a container running after its client is gone.
 * One watcher per engine and JVM, started with the first container: a shell in a session of its
 * own (so the terminal's Ctrl-C does not end it) that waits for vg's pid to go, then removes every
 * container labelled with this JVM's owner id. When vg ends with no container left, it stops the
 * watcher itself.
 */
final class EngineCleanup {
    static final String OWNER_LABEL = "dev.vectraguard.owner";
    /** This JVM's owner id: its pid and a random part (pids are reused). */
    static final String OWNER = "vg-" + ProcessHandle.current().pid() + "-" + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 16);

    private static final Map<String, Process> WATCHERS = new ConcurrentHashMap<>();
    private static final AtomicInteger LIVE = new AtomicInteger();

    static {
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (LIVE.get() == 0) {
                WATCHERS.values().forEach(Process::destroy);
            }
        }, "vg-container-cleanup"));
    }

    private EngineCleanup() {}

    /** Before a container of {@code engine} (with {@code environment}) starts: makes sure its watcher runs. */
    static void starting(Path engine, EngineEnvironment environment) {
        LIVE.incrementAndGet();
        WATCHERS.computeIfAbsent(engine + " " + environment.key(), key -> watch(engine, environment));
    }

    /** A container of this JVM is gone (removed by its engine or by vg). */
    static void removed() {
        LIVE.decrementAndGet();
    }

    private static Process watch(Path engine, EngineEnvironment environment) {
        String script = "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; "
                + "ids=$(\"$2\" ps -aq --filter \"label=" + OWNER_LABEL + "=$3\"); [ -z \"$ids\" ] || \"$2\" rm -f $ids";
        List<String> command = new java.util.ArrayList<>();
        EngineCommand.find("setsid").ifPresent(setsid -> command.add(setsid.toString()));
        command.addAll(List.of("/bin/sh", "-c", script, "vg-container-watch", Long.toString(ProcessHandle.current().pid()),
                engine.toString(), OWNER));
        try {
            return environment.applyTo(new ProcessBuilder(command)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the container watcher: " + e.getMessage(), e);
        }
    }
}
