package dev.vectraguard.cli;

import dev.vectraguard.guard.ShellWords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * vg through the native client and a vg server of the test's own: a private runtime directory
 * (0700), a launcher as the vg script is one, and the server processes that serve its socket.
 */
final class ServedVg {
    static final Path CLIENT = Path.of("target/native/vg-client").toAbsolutePath();
    static final String SERVER_CLASS = "dev.vectraguard.server.VgServer";

    final Path socketDir;
    private final Path root;

    /** Points {@code vg}'s client at a runtime directory under {@code root}, its server run from this JVM's class path. */
    ServedVg(Path root, VgRunner vg) throws IOException {
        this.root = root;
        Path runtime = Files.createDirectories(root.resolve("run"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        socketDir = runtime.resolve("vectra-guard");
        vg.env("XDG_RUNTIME_DIR", runtime.toString());
        vg.env("VG_LAUNCHER", launcher(System.getProperty("java.class.path"), "").toString());
        vg.env("VG_SERVER_IDLE_SECONDS", "60");
    }

    /**
     * A launcher as the vg script is one: VG_SERVER_DIR starts the server (after {@code serverPrefix},
     * shell text put before its exec), else the CLI in-process.
     */
    Path launcher(String classpath, String serverPrefix) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jvm = ShellWords.quote(java) + " --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr -cp "
                + ShellWords.quote(classpath);
        Path script = root.resolve("launcher-" + System.nanoTime());
        Files.writeString(script, "#!/bin/sh\n"
                + "if [ -n \"${VG_SERVER_DIR:-}\" ]; then\n  dir=$VG_SERVER_DIR; unset VG_SERVER_DIR\n"
                + "  " + serverPrefix + "exec " + jvm + " " + SERVER_CLASS + " \"$dir\"\nfi\n"
                + "unset VG_IN_PROCESS\nexec " + jvm + " dev.vectraguard.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The pids of servers serving this socket directory. */
    List<Long> serverPids() {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(List::of)
                .map(a -> a.contains(SERVER_CLASS) && a.contains(socketDir.toString())).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    void stopServers() {
        serverPids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
}
