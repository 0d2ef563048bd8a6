package dev.vectraguard.nativecore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The vg server's unix socket and the raw descriptors its clients pass (libc through FFM: Java's
 * channels neither give the peer's uid nor receive descriptors). Descriptors are O_CLOEXEC and
 * closed with {@link NativeCore#close}.
 */
public final class LocalSockets {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, INT));
    private static final MethodHandle LISTEN = libc("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle ACCEPT4 = libc("accept4",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, INT));
    private static final MethodHandle GETSOCKOPT = libc("getsockopt",
            FunctionDescriptor.of(INT, INT, INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle READ = libc("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = libc("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle GETUID = LINKER.downcallHandle(LINKER.defaultLookup().find("getuid").orElseThrow(),
            FunctionDescriptor.of(INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), INT));
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;
    private static final int EINTR = 4;
    private static final int SUN_PATH = 108;

    private LocalSockets() {}

    /** A connection and who is at its other end (SO_PEERCRED, as the kernel recorded at connect). */
    public record Peer(int fd, int pid, int uid) {}

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    /** This process's real uid. */
    public static int uid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getuid failed: " + t, t);
        }
    }

    /** strerror(3): "No such file or directory". */
    public static String errorText(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.getString(0);
        } catch (Throwable t) {
            return "error " + errno;
        }
    }

    /** A stream socket bound to {@code path} and listening. */
    public static int listen(Path path) throws NativeCoreException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH) {
            throw new NativeCoreException("bind", vg_core_h.VG_STEP_NONE(), 36, "ENAMETOOLONG", "socket path " + path);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            check(fd, state, "socket", path.toString());
            MemorySegment address = arena.allocate(2 + SUN_PATH);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, address, ValueLayout.JAVA_BYTE, 2, name.length);
            try {
                check((int) BIND.invokeExact(state, fd, address, 2 + name.length + 1), state, "bind", path.toString());
                check((int) LISTEN.invokeExact(state, fd, 64), state, "listen", path.toString());
            } catch (NativeCoreException e) {
                NativeCore.close(fd);
                throw e;
            }
            return fd;
        } catch (NativeCoreException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("listen on " + path + " failed: " + t, t);
        }
    }

    /** The next connection on {@code listener} (blocks). */
    public static Peer accept(int listener) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd;
            do {
                fd = (int) ACCEPT4.invokeExact(state, listener, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
            } while (fd < 0 && (int) ERRNO.get(state, 0L) == EINTR);
            check(fd, state, "accept", "vg server socket");
            MemorySegment credentials = arena.allocate(INT, 3); // struct ucred: pid, uid, gid
            MemorySegment length = arena.allocateFrom(INT, 12);
            try {
                check((int) GETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_PEERCRED, credentials, length), state,
                        "getsockopt", "SO_PEERCRED");
            } catch (NativeCoreException e) {
                NativeCore.close(fd);
                throw e;
            }
            return new Peer(fd, credentials.getAtIndex(INT, 0), credentials.getAtIndex(INT, 1));
        } catch (NativeCoreException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("accept failed: " + t, t);
        }
    }

    /** Reads what {@code fd} gives (blocks; 0 at end of file). */
    public static InputStream input(int fd) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment state = arena.allocate(CAPTURE);
                    MemorySegment bytes = arena.allocate(length);
                    long n;
                    do {
                        n = (long) READ.invokeExact(state, fd, bytes, (long) length);
                    } while (n < 0 && (int) ERRNO.get(state, 0L) == EINTR);
                    if (n < 0) {
                        throw new IOException("read: " + errorText((int) ERRNO.get(state, 0L)));
                    }
                    MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, 0, buffer, offset, (int) n);
                    return n == 0 ? -1 : (int) n;
                } catch (IOException e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IOException("read failed: " + t, t);
                }
            }
        };
    }

    /** Writes everything to {@code fd} (a pipe, terminal, file or socket of the client). */
    public static OutputStream output(int fd) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment state = arena.allocate(CAPTURE);
                    MemorySegment bytes = arena.allocate(Math.max(1, length));
                    MemorySegment.copy(buffer, offset, bytes, ValueLayout.JAVA_BYTE, 0, length);
                    long done = 0;
                    while (done < length) {
                        long n = (long) WRITE.invokeExact(state, fd, bytes.asSlice(done), length - done);
                        if (n < 0 && (int) ERRNO.get(state, 0L) == EINTR) {
                            continue;
                        }
                        if (n < 0) {
                            throw new IOException("write: " + errorText((int) ERRNO.get(state, 0L)));
                        }
                        done += n;
                    }
                } catch (IOException e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IOException("write failed: " + t, t);
                }
            }
        };
    }

    private static void check(int rc, MemorySegment state, String operation, String what) throws NativeCoreException {
        if (rc < 0) {
            int errno = (int) ERRNO.get(state, 0L);
            throw new NativeCoreException(operation, vg_core_h.VG_STEP_NONE(), errno, NativeCore.errnoName(errno),
                    operation + " " + what);
        }
    }
}
