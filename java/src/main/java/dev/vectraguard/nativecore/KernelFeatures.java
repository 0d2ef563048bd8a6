package dev.vectraguard.nativecore;

/**
 * What this kernel offers to this caller, probed by {@link NativeCore#probe()} (never assumed).
 *
 * @param landlockAbi 0 when Landlock is absent
 * @param userNamespaces this caller really created a user namespace
 * @param overlayInUserns overlayfs was really mounted inside a user namespace
 */
public record KernelFeatures(
        int kernelMajor,
        int kernelMinor,
        int landlockAbi,
        boolean seccompFilter,
        boolean seccompKillProcess,
        boolean userNamespaces,
        boolean pidfd,
        boolean closeRange,
        boolean overlayInUserns,
        boolean mountSetattr) {}
