package dev.vectraguard.sandbox;

/** Landlock access rights (linux/landlock.h); the C core masks them to what the kernel supports. */
public final class LandlockAccess {
    public static final long EXECUTE = 1L;
    public static final long WRITE_FILE = 1L << 1;
    public static final long READ_FILE = 1L << 2;
    public static final long READ_DIR = 1L << 3;
    public static final long REMOVE_DIR = 1L << 4;
    public static final long REMOVE_FILE = 1L << 5;
    public static final long MAKE_CHAR = 1L << 6;
    public static final long MAKE_DIR = 1L << 7;
    public static final long MAKE_REG = 1L << 8;
    public static final long MAKE_SOCK = 1L << 9;
    public static final long MAKE_FIFO = 1L << 10;
    public static final long MAKE_BLOCK = 1L << 11;
    public static final long MAKE_SYM = 1L << 12;
    public static final long REFER = 1L << 13;
    public static final long TRUNCATE = 1L << 14;
    public static final long IOCTL_DEV = 1L << 15;

    /** Every filesystem right up to ABI 5: all of them are handled, so anything not granted is denied. */
    public static final long ALL_FS = (1L << 16) - 1;
    public static final long READ_ONLY = EXECUTE | READ_FILE | READ_DIR;
    public static final long READ_WRITE = ALL_FS & ~(MAKE_CHAR | MAKE_BLOCK | IOCTL_DEV);
    public static final long DEVICES = READ_FILE | READ_DIR | WRITE_FILE | TRUNCATE | IOCTL_DEV;

    public static final long NET_BIND_TCP = 1L;
    public static final long NET_CONNECT_TCP = 1L << 1;

    public static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1L;
    public static final long SCOPE_SIGNAL = 1L << 1;

    private LandlockAccess() {}
}
