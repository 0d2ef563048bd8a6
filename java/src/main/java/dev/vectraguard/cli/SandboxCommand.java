package dev.vectraguard.cli;

import dev.vectraguard.guard.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vg sandbox}: the sandbox runtimes' system packages. */
@Command(name = "sandbox", mixinStandardHelpOptions = true, description = "The sandbox runtimes' system packages.",
        subcommands = SandboxCommand.Deps.class)
final class SandboxCommand extends CommandGroup {

    @Command(name = "deps", mixinStandardHelpOptions = true,
            description = "The packages of the bubblewrap, docker and podman runtimes.", subcommands = Install.class)
    static final class Deps extends CommandGroup {}

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Install bubblewrap, podman and docker with the system's package manager (Debian/Ubuntu: apt-get, "
                    + "Fedora/RHEL: dnf), as /etc/os-release names the system; --dry-run prints the commands only.",
                    "It never adds you to the docker group: that group is root on the host (see README, Containers)."},
            footer = {"", "Example:", "  vg sandbox deps install --dry-run"})
    static final class Install implements Callable<Integer> {
        @Option(names = "--dry-run", description = "Print the commands, run nothing.")
        boolean dryRun;

        @Option(names = "--os-release", hidden = true, paramLabel = "FILE", description = "Another os-release file (tests).")
        Path osRelease = Path.of("/etc/os-release");

        @Override
        public Integer call() {
            Map<String, String> release;
            try {
                release = parse(Files.readAllLines(osRelease));
            } catch (IOException e) {
                return Stderr.fail("cannot read " + osRelease + ": " + e.getMessage() + "; install bubblewrap, podman or docker "
                        + "with your package manager");
            }
            List<String> family = new ArrayList<>(List.of(release.getOrDefault("ID", "")));
            family.addAll(Arrays.asList(release.getOrDefault("ID_LIKE", "").split("\\s+")));
            List<List<String>> commands;
            boolean docker = true;
            if (family.contains("debian") || family.contains("ubuntu")) {
                commands = List.of(List.of("apt-get", "update"),
                        List.of("apt-get", "install", "-y", "bubblewrap", "podman", "catatonit", "tini", "uidmap", "docker.io"));
            } else if (family.contains("rhel") || family.contains("centos")) {
                // RHEL's own repositories have podman, not docker
                commands = List.of(List.of("dnf", "install", "-y", "bubblewrap", "podman", "catatonit"));
                docker = false;
            } else if (family.contains("fedora")) {
                commands = List.of(List.of("dnf", "install", "-y", "bubblewrap", "podman", "catatonit", "moby-engine"));
            } else {
                return Stderr.fail(osRelease + " says ID=" + release.getOrDefault("ID", "(none)") + ": vg sandbox deps install "
                        + "knows Debian/Ubuntu and Fedora/RHEL; install bubblewrap, podman or docker with your package manager");
            }
            boolean root;
            try {
                root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
            } catch (IOException e) {
                return Stderr.fail("cannot read the caller's uid: " + e.getMessage());
            }
            for (List<String> command : commands) {
                List<String> line = new ArrayList<>(root ? List.of() : List.of("sudo"));
                line.addAll(command);
                System.out.println(String.join(" ", line));
                System.out.flush();
                if (!dryRun) {
                    int status = run(line);
                    if (status != 0) {
                        return Stderr.fail("'" + String.join(" ", line) + "' failed (exit " + status + ")");
                    }
                }
            }
            if (dryRun) {
                System.out.println("# dry run: nothing was run");
            }
            System.out.println(docker ? "# docker's daemon runs as a service (systemctl enable --now docker); vg does not add you "
                    + "to the docker group, which is root on the host: rootless podman needs no group"
                    : "# RHEL's repositories have no docker: podman runs vg's container runtime (docker-ce comes from "
                    + "Docker's own repository)");
            return ExitCodes.OK;
        }

        private static int run(List<String> command) {
            try {
                return new ProcessBuilder(command).inheritIO().start().waitFor();
            } catch (IOException e) {
                return Stderr.fail("cannot run " + command.getFirst() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.VG_FAILURE;
            }
        }

        /** KEY=value lines, values unquoted as os-release(5) writes them. */
        static Map<String, String> parse(List<String> lines) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : lines) {
                int equals = line.indexOf('=');
                if (equals > 0 && !line.startsWith("#")) {
                    String value = line.substring(equals + 1).strip();
                    if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                        value = value.substring(1, value.length() - 1);
                    }
                    values.put(line.substring(0, equals).strip(), value.toLowerCase(java.util.Locale.ROOT));
                }
            }
            return values;
        }
    }
}
