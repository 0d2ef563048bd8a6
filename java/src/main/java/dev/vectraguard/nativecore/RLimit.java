package dev.vectraguard.nativecore;

/**
 * A resource limit: {@code resource} is an RLIMIT_* number; {@code soft} and {@code hard} are
 * unsigned, -1 meaning RLIM_INFINITY.
 */
public record RLimit(int resource, long soft, long hard) {

    public static final long INFINITY = -1L;
}
