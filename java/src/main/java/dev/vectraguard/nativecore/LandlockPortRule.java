package dev.vectraguard.nativecore;

/** Landlock network {@code access} (LANDLOCK_ACCESS_NET_* bits) on TCP {@code port} (Landlock ABI >= 4). */
public record LandlockPortRule(int port, long access) {

    public LandlockPortRule {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("TCP port out of range: " + port);
        }
    }
}
