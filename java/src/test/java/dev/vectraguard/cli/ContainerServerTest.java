package dev.vectraguard.cli;

import dev.vectraguard.guard.ShellWords;
import dev.vectraguard.testing.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container runtime through the vg server (vg-client, as ./vg and the Debian package run vg): the
 * command's streams are the client's, and the engine is the one the client's environment names,
 * not the one of the server's own environment.
 */
class ContainerServerTest {
    private static final Path CLIENT = Path.of("target/native/vg-client").toAbsolutePath();
    private static final String SERVER_CLASS = "dev.vectraguard.server.VgServer";

    @TempDir
    Path root;
    private Path socketDir;

    @AfterEach
    void stopServers() {
        servers().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void theClientsStreamsAndDockerHostReachTheContainer() throws Exception {
        Assumptions.assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).strip()), "runs only as root (it starts the tests' own dockerd)");
        TestEngines.Engine docker = TestEngines.docker().orElse(null);
        Assumptions.assumeTrue(docker != null, () -> "dockerd cannot start here: " + TestEngines.dockerMissing());
        VgRunner vg = new VgRunner(root);
        Path runtime = Files.createDirectories(root.resolve("run"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        socketDir = runtime.resolve("vectra-guard");
        vg.env("XDG_RUNTIME_DIR", runtime.toString());
        vg.env("VG_LAUNCHER", launcher().toString());
        vg.env("VG_SERVER_IDLE_SECONDS", "60");
        vg.config("guard_level:\n  level: off\nsandbox:\n  image: " + docker.image() + "\n");

        VgRunner.Result first = vg.exec(List.of(CLIENT.toString(), "exec", "-q", "--network", "none", "--", "true"), null);
        assertEquals(0, first.exitCode(), "the server starts without DOCKER_HOST: " + first);
        docker.environment().forEach(vg::env);
        VgRunner.Result r = vg.exec(List.of(CLIENT.toString(), "exec", "-q", "--runtime", "docker", "--network", "none", "--",
                "sh", "-c", "echo out; echo err >&2; exit 7"), null);
        assertEquals(7, r.exitCode(), r.toString());
        assertEquals("out\n", r.stdout(), r.toString());
        assertTrue(r.stderr().startsWith("err\n"), r.toString());
        assertEquals(1, servers().size(), "one server served both: " + servers());
    }

    /** A launcher as the vg script is one: VG_SERVER_DIR starts the server, else the CLI in-process. */
    private Path launcher() throws Exception {
        String jvm = ShellWords.quote(Path.of(System.getProperty("java.home"), "bin", "java").toString())
                + " --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr -cp "
                + ShellWords.quote(System.getProperty("java.class.path"));
        Path script = root.resolve("launcher");
        Files.writeString(script, "#!/bin/sh\n"
                + "if [ -n \"${VG_SERVER_DIR:-}\" ]; then\n  dir=$VG_SERVER_DIR; unset VG_SERVER_DIR\n"
                + "  exec " + jvm + " " + SERVER_CLASS + " \"$dir\"\nfi\n"
                + "unset VG_IN_PROCESS\nexec " + jvm + " dev.vectraguard.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private List<Long> servers() {
        return socketDir == null ? List.of() : ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(List::of)
                .map(a -> a.contains(SERVER_CLASS) && a.contains(socketDir.toString())).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
