package dev.vectraguard.nativecore;

/** Landlock filesystem {@code access} (LANDLOCK_ACCESS_FS_* bits) below {@code path} (inside the sandbox). */
public record LandlockPathRule(String path, long access) {

    public LandlockPathRule {
        NativeStrings.check("landlock path", path);
    }
}
