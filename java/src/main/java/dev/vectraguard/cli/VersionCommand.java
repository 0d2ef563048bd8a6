package dev.vectraguard.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vectraguard.json.JsonMapping;
import dev.vectraguard.nativecore.KernelFeatures;
import dev.vectraguard.nativecore.NativeCore;
import dev.vectraguard.nativecore.NativeCoreException;
import dev.vectraguard.probe.CgroupProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code vg version}: the version and the kernel features this machine offers. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print vg's version and which kernel features (Landlock, seccomp, user namespaces, cgroups) "
                + "this machine offers to the current user.")
final class VersionCommand implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** {@code --json} where the native core cannot load. */
    record Unavailable(String version, @JsonProperty("native") boolean nativeCore, String reason) {}

    /** {@code --json}: the kernel features vg probed. */
    record Features(String version, @JsonProperty("native") boolean nativeCore, String kernel, int landlockAbi,
                    boolean seccompFilter, boolean seccompKillProcess, boolean userNamespaces, boolean pidfd, boolean closeRange,
                    boolean overlayInUserns, boolean mountSetattr, int cgroupVersion, boolean cgroupUsable) {}

    @Override
    public Integer call() {
        CgroupProbe.CgroupInfo cgroups = CgroupProbe.probe();
        String cgroupText = cgroups.version() == 0 ? "none"
                : "v" + cgroups.version() + " (" + String.join(", ", cgroups.controllers()) + ")"
                + (cgroups.usableForLimits() ? ", usable for limits" : ", not usable for limits (rlimits instead)");
        if (!NativeCore.available()) {
            if (json) {
                System.out.println(JsonMapping.write(new Unavailable(VERSION, false, NativeCore.unavailableReason().orElse(""))));
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
            System.out.println(JsonMapping.write(new Features(VERSION, true, features.kernelMajor() + "." + features.kernelMinor(),
                    features.landlockAbi(), features.seccompFilter(), features.seccompKillProcess(), features.userNamespaces(),
                    features.pidfd(), features.closeRange(), features.overlayInUserns(), features.mountSetattr(),
                    cgroups.version(), cgroups.usableForLimits())));
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
