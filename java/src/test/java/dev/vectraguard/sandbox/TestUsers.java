package dev.vectraguard.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The unprivileged test account vgtest (made with useradd when missing; the tests that use it run as root). */
public final class TestUsers {
    private TestUsers() {}

    /** vgtest's uid and gid. */
    public static int[] vgtest() throws IOException, InterruptedException {
        if (run("id", "-u", "vgtest").isEmpty()) {
            run("useradd", "-m", "vgtest");
        }
        return new int[] {Integer.parseInt(run("id", "-u", "vgtest")), Integer.parseInt(run("id", "-g", "vgtest"))};
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return process.waitFor() == 0 ? out : "";
    }
}
