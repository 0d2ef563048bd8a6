package dev.vectraguard.nativecore;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * open(2) from libc, for the raw descriptors a sandbox is handed (cgroup.procs files, /dev/null):
 * Java's streams do not expose their descriptor numbers.
 */
final class LibcFiles {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final int O_CLOEXEC = 0x80000;

    private LibcFiles() {}


    /** open(path, flags | O_CLOEXEC); returns the fd or throws with the errno name. */
    static int open(String path, int flags) throws NativeCoreException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags | O_CLOEXEC);
            if (fd < 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new NativeCoreException("open", vg_core_h.VG_STEP_NONE(), errno, NativeCore.errnoName(errno), "open " + path);
            }
            return fd;
        } catch (NativeCoreException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open(" + path + ") failed: " + t, t);
        }
    }
}
