package dev.vectraguard.cli;

import dev.vectraguard.caller.Caller;
import dev.vectraguard.config.ConfigException;
import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.nativecore.KernelFeatures;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.probe.CgroupProbe;
import dev.vectraguard.guard.RuntimeChoice;
import dev.vectraguard.sandbox.Runtime;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code vg version}: the version and the kernel features this machine offers. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print vg's version, which kernel features (Landlock, seccomp, user namespaces, cgroups) "
                + "this machine offers to the current user, and each sandbox runtime: installed, version, usable or why not.")
final class VersionCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file read last (after ~/.config/vectra-guard/config.yaml and vectra-guard.yaml), as vg exec "
                    + "reads it: docker and podman are probed with its sandbox.image.")
    Path configFile;

    @Override
    public Integer call() {
        ConfigOptions options = new ConfigOptions();
        options.configFile = configFile;
        String image;
        try {
            image = options.load().config().sandbox().image();
        } catch (ConfigException e) {
            return Stderr.fail(e.getMessage());
        }
        CgroupProbe.CgroupInfo cgroups = CgroupProbe.probe();
        String cgroupText = cgroups.version() == 0 ? "none"
                : "v" + cgroups.version() + " (" + String.join(", ", cgroups.controllers()) + ")"
                + (cgroups.usableForLimits()
                        ? (cgroups.delegatedPath().isEmpty() ? "" : " delegated at " + cgroups.delegatedPath()) + ", usable for limits"
                        : ", not usable for limits (rlimits instead): " + cgroups.reason());
        if (!NativeCore.available()) {
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("version", version());
                out.put("native", false);
                out.put("reason", NativeCore.unavailableReason().orElse(""));
                out.put("runtimes", runtimes(image));
                Caller.current().out().println(JsonMapping.write(out));
            } else {
                Caller.current().out().println("vg " + version());
                Caller.current().out().println("native sandbox: unavailable: " + NativeCore.unavailableReason().orElse(""));
                Caller.current().out().println("cgroups:          " + cgroupText);
                printRuntimes(image);
            }
            return ExitCodes.OK;
        }
        KernelFeatures features;
        try {
            features = NativeCore.probe();
        } catch (NativeCoreException e) {
            return Stderr.fail("cannot probe kernel features: " + e.getMessage());
        }
        if (json) {
            // A map, not a record: "native" cannot be a record component's name.
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("version", version());
            out.put("native", true);
            out.put("kernel", features.kernelMajor() + "." + features.kernelMinor());
            out.put("landlock_abi", features.landlockAbi());
            out.put("seccomp_filter", features.seccompFilter());
            out.put("seccomp_kill_process", features.seccompKillProcess());
            out.put("user_namespaces", features.userNamespaces());
            out.put("pidfd", features.pidfd());
            out.put("close_range", features.closeRange());
            out.put("overlay_in_userns", features.overlayInUserns());
            out.put("mount_setattr", features.mountSetattr());
            out.put("cgroup_version", cgroups.version());
            out.put("cgroup_usable", cgroups.usableForLimits());
            out.put("cgroup_controllers", cgroups.controllers());
            out.put("cgroup_delegated", cgroups.delegatedPath());
            out.put("cgroup_reason", cgroups.reason());
            out.put("runtimes", runtimes(image));
            Caller.current().out().println(JsonMapping.write(out));
            return ExitCodes.OK;
        }
        Caller.current().out().println("vg " + version());
        Caller.current().out().println("kernel:           " + features.kernelMajor() + "." + features.kernelMinor());
        Caller.current().out().println("landlock:         " + (features.landlockAbi() > 0 ? "ABI " + features.landlockAbi() : "no"));
        Caller.current().out().println("seccomp:          " + (features.seccompFilter() ? "yes" : "no")
                + (features.seccompKillProcess() ? " (kill-process action)" : ""));
        Caller.current().out().println("user namespaces:  " + yesNo(features.userNamespaces()));
        Caller.current().out().println("overlay in userns:" + " " + yesNo(features.overlayInUserns()));
        Caller.current().out().println("pidfd:            " + yesNo(features.pidfd()));
        Caller.current().out().println("close_range:      " + yesNo(features.closeRange()));
        Caller.current().out().println("mount_setattr:    " + yesNo(features.mountSetattr()));
        Caller.current().out().println("cgroups:          " + cgroupText);
        printRuntimes(image);
        return ExitCodes.OK;
    }

    /**
     * Each runtime: installed or not, its version, whether this user can use it (or why not); docker
     * and podman with {@code image} (the configured {@code sandbox.image}; null: the default).
     */
    private static List<Map<String, Object>> runtimes(String image) {
        List<Map<String, Object>> runtimes = new ArrayList<>();
        for (Runtime runtime : RuntimeChoice.all(image)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            Optional<String> version = runtime.version();
            Optional<String> unusable = runtime.unavailableReason();
            entry.put("name", runtime.name());
            entry.put("found", version.isPresent());
            entry.put("version", version.orElse(null));
            entry.put("usable", unusable.isEmpty());
            entry.put("reason", unusable.orElse(null));
            runtimes.add(entry);
        }
        return runtimes;
    }

    private static void printRuntimes(String image) {
        Caller.current().out().println("runtimes:");
        for (Map<String, Object> runtime : runtimes(image)) {
            String found = (Boolean) runtime.get("found") ? (String) runtime.get("version") : "not installed";
            String usable = (Boolean) runtime.get("usable") ? "usable" : "not usable: " + runtime.get("reason");
            Caller.current().out().printf("  %-11s %s; %s%n", runtime.get("name") + ":", found, usable);
        }
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    /** The Maven project's version, which the build writes into version.txt; read when first asked (not by {@code vg exec}). */
    static String version() {
        return Version.TEXT;
    }

    private static final class Version {
        static final String TEXT = read();

        private static String read() {
            try (InputStream in = VersionCommand.class.getResourceAsStream("version.txt")) {
                if (in == null) {
                    throw new IllegalStateException("version.txt is missing from vg's classes (a build without resources)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read vg's version.txt", e);
            }
        }
    }

    /** {@code vg --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vg " + version()};
        }
    }
}
