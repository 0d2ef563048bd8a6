package dev.vectraguard.nativecore;

/**
 * A native core function failed: which setup {@code step} (VG_STEP_*), the {@code errno} and its
 * symbolic name, and the {@code detail} naming the operation and path ("bind /home/u/.npm").
 * The message reads "sandbox setup failed: bind /home/u/.npm: EACCES".
 */
public final class NativeCoreException extends Exception {

    private static final long serialVersionUID = 1L;

    // Indexed by VG_STEP_* value; BindingsMatchHeaderTest keeps it in line with vg_core.h.
    private static final String[] STEP_NAMES = {
        "none", "args", "clone", "userns", "cgroup", "mount", "pivot", "hostname", "rlimit", "caps",
        "no new privs", "landlock", "fds", "session", "seccomp", "chdir", "exec", "seccomp compile",
        "wait", "kill", "pipe", "reaper", "egress",
    };

    private final String operation;
    private final int step;
    private final int errno;
    private final String errnoName;
    private final String detail;

    NativeCoreException(String operation, int step, int errno, String errnoName, String detail) {
        super(operation + " failed: " + (detail.isEmpty() ? stepName(step) : detail) + ": " + errnoName);
        this.operation = operation;
        this.step = step;
        this.errno = errno;
        this.errnoName = errnoName;
        this.detail = detail;
    }

    /** What was being done: "sandbox setup", "probe", "seccomp compile", "pipe", "wait", "kill". */
    public String operation() { return operation; }

    /** The VG_STEP_* value of the failing step. */
    public int step() { return step; }

    /** The step's name, e.g. "mount", "exec", "seccomp compile". */
    public String stepName() { return stepName(step); }

    public int errno() { return errno; }

    /** Symbolic errno, e.g. "EACCES" ("E?" when unknown). */
    public String errnoName() { return errnoName; }

    /** The operation and path that failed, e.g. "bind /home/u/.npm"; may be empty. */
    public String detail() { return detail; }

    /** execve reported ENOENT: the command was not found (exit code 127). */
    public boolean commandNotFound() {
        return step == vg_core_h.VG_STEP_EXEC() && errnoName.equals("ENOENT");
    }

    /** execve reported EACCES: the command is not executable (exit code 126). */
    public boolean commandNotExecutable() {
        return step == vg_core_h.VG_STEP_EXEC() && errnoName.equals("EACCES");
    }

    static String stepName(int step) {
        return step >= 0 && step < STEP_NAMES.length ? STEP_NAMES[step] : "step " + step;
    }
}
