package dev.vectraguard.cli;

import dev.vectraguard.guard.StopSignals;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Signals sent to a real vg process (to vg alone, not its process group) end the sandbox it runs. */
class SignalsTest {
    @TempDir
    Path root;
    VgRunner vg;

    @BeforeEach
    void setUp() throws Exception {
        vg = new VgRunner(root);
        vg.config("guard_level:\n  level: low\n");
    }

    @ParameterizedTest
    @CsvSource({"TERM, 15, false", "HUP, 1, false", "INT, 2, false", "TERM, 15, true", "HUP, 1, true", "INT, 2, true"})
    void aSignalToVgEndsTheWholeSandboxPromptly(String signal, int number, boolean commandIgnoresIt) throws Exception {
        String marker = "9" + ThreadLocalRandom.current().nextInt(100_000, 999_999) + ".5";
        String script = (commandIgnoresIt ? "trap '' TERM HUP INT; " : "") + "sleep " + marker + " & echo ready; wait";
        Path out = root.resolve("out");
        Process process = vg.start(out, root.resolve("err"), "exec", "-q", "--", "sh", "-c", script);
        try {
            endsPromptly(process, out, signal, number, commandIgnoresIt, marker);
        } finally {
            process.destroyForcibly(); // a vg that failed the test must not outlive it
        }
    }

    private void endsPromptly(Process process, Path out, String signal, int number, boolean commandIgnoresIt, String marker)
            throws Exception {
        awaitOutput(process, out, "ready\n");

        long sent = System.nanoTime();
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        assertTrue(process.waitFor(StopSignals.GRACE.toSeconds() + 4, TimeUnit.SECONDS),
                "vg still runs 6 s after SIG" + signal + ": " + Files.readString(root.resolve("err")));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);

        assertEquals(128 + number, process.exitValue(), Files.readString(root.resolve("err")));
        assertTrue(millis < (commandIgnoresIt ? StopSignals.GRACE.toMillis() + 2500 : 2000),
                "SIG" + signal + " took " + millis + " ms to end the sandbox");
        assertEquals(List.of(), processesNaming(marker), "a process of the sandbox survived SIG" + signal);
    }

    @Test
    void termEndsAHostRunToo() throws Exception {
        vg.config("guard_level:\n  level: low\nsandbox:\n  mode: never\n");
        String marker = "9" + ThreadLocalRandom.current().nextInt(100_000, 999_999) + ".5";
        Path out = root.resolve("out");
        Process process = vg.start(out, root.resolve("err"), "exec", "-q", "--", "sh", "-c", "echo ready; exec sleep " + marker);
        try {
            termEndsHostRun(process, out, marker);
        } finally {
            process.destroyForcibly();
            for (String pid : processesNaming("sleep\0" + marker)) {
                new ProcessBuilder("kill", "-KILL", pid).start().waitFor(); // a host command vg left behind
            }
        }
    }

    private void termEndsHostRun(Process process, Path out, String marker) throws Exception {
        awaitOutput(process, out, "ready\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (processesNaming("sleep\0" + marker).isEmpty() && System.nanoTime() < deadline) { // sh has exec'd sleep
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start().waitFor();
        assertTrue(process.waitFor(StopSignals.GRACE.toSeconds() + 4, TimeUnit.SECONDS), "vg still runs after SIGTERM");
        assertEquals(143, process.exitValue());
        assertEquals(List.of(), processesNaming(marker), "the host command survived");
    }

    @Test
    void quitPrintsNothingIntoTheCommandsOutput() throws Exception {
        Path out = root.resolve("out");
        Process process = vg.start(out, root.resolve("err"), "exec", "-q", "--", "sh", "-c", "echo ready; sleep 1; echo done");
        try {
            awaitOutput(process, out, "ready\n");
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).inheritIO().start().waitFor();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue());
            assertEquals("ready\ndone\n", Files.readString(out));
        } finally {
            process.destroyForcibly();
        }
    }

    private static void awaitOutput(Process process, Path out, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(out) && Files.readString(out).equals(expected))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                fail("the sandbox did not start: " + Files.readString(out));
            }
            Thread.sleep(20);
        }
    }

    /** Pids of the processes whose command line names {@code marker} (seen from outside every sandbox). */
    private static List<String> processesNaming(String marker) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.ISO_8859_1)
                                    .contains(marker);
                        } catch (IOException e) {
                            return false; // exited meanwhile
                        }
                    })
                    .map(p -> p.getFileName().toString()).toList();
        }
    }
}
