package dev.vectraguard.cli;

import dev.vectraguard.guard.ExitCodes;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.nativecore.KernelFeatures;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.probe.CgroupProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vg version}: the version and the kernel features this machine offers. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print vg's version and which kernel features (Landlock, seccomp, user namespaces, cgroups) "
                + "this machine offers to the current user.")
final class VersionCommand implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    @Option(names = "--json", description = "Print JSON.")
    boolean json;


    @Override
    public Integer call() {
        CgroupProbe.CgroupInfo cgroups = CgroupProbe.probe();
        String cgroupText = cgroups.version() == 0 ? "none"
                : "v" + cgroups.version() + " (" + String.join(", ", cgroups.controllers()) + ")"
                + (cgroups.usableForLimits() ? ", usable for limits" : ", not usable for limits (rlimits instead)");
        if (!NativeCore.available()) {
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("version", VERSION);
                out.put("native", false);
                out.put("reason", NativeCore.unavailableReason().orElse(""));
                System.out.println(JsonMapping.write(out));
            } else {
                System.out.println("vg " + VERSION);
                System.out.println("native sandbox: unavailable: " + NativeCore.unavailableReason().orElse(""));
                System.out.println("cgroups:          " + cgroupText);
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
            out.put("version", VERSION);
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
            System.out.println(JsonMapping.write(out));
            return ExitCodes.OK;
        }
        System.out.println("vg " + VERSION);
        System.out.println("kernel:           " + features.kernelMajor() + "." + features.kernelMinor());
        System.out.println("landlock:         " + (features.landlockAbi() > 0 ? "ABI " + features.landlockAbi() : "no"));
        System.out.println("seccomp:          " + (features.seccompFilter() ? "yes" : "no")
                + (features.seccompKillProcess() ? " (kill-process action)" : ""));
        System.out.println("user namespaces:  " + yesNo(features.userNamespaces()));
        System.out.println("overlay in userns:" + " " + yesNo(features.overlayInUserns()));
        System.out.println("pidfd:            " + yesNo(features.pidfd()));
        System.out.println("close_range:      " + yesNo(features.closeRange()));
        System.out.println("mount_setattr:    " + yesNo(features.mountSetattr()));
        System.out.println("cgroups:          " + cgroupText);
        return ExitCodes.OK;
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    /** {@code vg --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vg " + VERSION};
        }
    }
}
