package dev.vectraguard.sandbox;

/** Landlock access rights (linux/landlock.h); the C core masks them to what the kernel supports. */
final class LandlockAccess {
    static final long EXECUTE = 1L;
    static final long WRITE_FILE = 1L << 1;
    static final long READ_FILE = 1L << 2;
    static final long READ_DIR = 1L << 3;
    static final long REMOVE_DIR = 1L << 4;
    static final long REMOVE_FILE = 1L << 5;
    static final long MAKE_CHAR = 1L << 6;
    static final long MAKE_DIR = 1L << 7;
    static final long MAKE_REG = 1L << 8;
    static final long MAKE_SOCK = 1L << 9;
    static final long MAKE_FIFO = 1L << 10;
    static final long MAKE_BLOCK = 1L << 11;
    static final long MAKE_SYM = 1L << 12;
    static final long REFER = 1L << 13;
    static final long TRUNCATE = 1L << 14;
    static final long IOCTL_DEV = 1L << 15;

    /** Every filesystem right up to ABI 5: all of them are handled, so anything not granted is denied. */
    static final long ALL_FS = (1L << 16) - 1;
    static final long READ_ONLY = EXECUTE | READ_FILE | READ_DIR;
    static final long READ_WRITE = ALL_FS & ~(MAKE_CHAR | MAKE_BLOCK | IOCTL_DEV);
    static final long DEVICES = READ_FILE | READ_DIR | WRITE_FILE | TRUNCATE | IOCTL_DEV;

    static final long NET_BIND_TCP = 1L;
    static final long NET_CONNECT_TCP = 1L << 1;

    static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1L;
    static final long SCOPE_SIGNAL = 1L << 1;

    private LandlockAccess() {}
}
