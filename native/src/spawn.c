/* spawn.c - vg_spawn (parent side), vg_wait, vg_kill, vg_release. */
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* Stacks of the entry process (prepared namespaces), the sandbox init and the command child,
 * each above a guard page. */
#define VG_STACK_SIZE (256 * 1024)
#define VG_GUARD_SIZE 4096
#define VG_STACK_SLOT (VG_GUARD_SIZE + VG_STACK_SIZE)
#define VG_STACKS_SIZE (3 * VG_STACK_SLOT)

static const char VG_INIT_NAME[] = "vg-init";

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

static int read_cap_last(void)
{
    char buf[16];
    ssize_t n = vg_read_text("/proc/sys/kernel/cap_last_cap", buf, sizeof buf);
    if (n < 0)
        return 63; /* PR_CAPBSET_DROP of an unknown cap fails with EINVAL, which is ignored */
    int v = 0;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
        v = v * 10 + (buf[i] - '0');
    return n > 0 && v > 0 ? v : 63;
}

/* "inside outside 1\n" */
static void id_map(char *buf, size_t cap, uint32_t inside, uint32_t outside)
{
    char num[21];
    buf[0] = '\0';
    vg_utoa(inside, num);
    vg_strappend(buf, cap, num);
    vg_strappend(buf, cap, " ");
    vg_utoa(outside, num);
    vg_strappend(buf, cap, num);
    vg_strappend(buf, cap, " 1\n");
}

/* A CLOEXEC copy of fd numbered >= 3 (the command child turns 0-2 into its stdio). */
static int above_stdio(int fd)
{
    if (fd >= 3)
        return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return moved;
}

/* A CLOEXEC pipe whose ends are both >= 3; -1 (both closed) on failure. */
static int child_pipe(int fds[2], const char *what, vg_error *err)
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        return vg_fail(err, VG_STEP_PIPE, errno, "pipe2", what);
    fds[0] = above_stdio(fds[0]);
    fds[1] = above_stdio(fds[1]);
    if (fds[0] < 0 || fds[1] < 0) {
        int saved = errno;
        close_fd(&fds[0]);
        close_fd(&fds[1]);
        return vg_fail(err, VG_STEP_PIPE, saved, "fcntl", what);
    }
    return 0;
}

/* Waits until the child has exited and reaps it, whatever its exit signal (ours end without one:
 * __WALL). Errors other than EINTR (ECHILD: reaped already) end the wait. */
static void reap(idtype_t type, id_t id)
{
    siginfo_t si;
    while (waitid(type, id, &si, WEXITED | __WALL) < 0 && errno == EINTR)
        ;
}

static uint64_t clone_flags(uint32_t ns)
{
    uint64_t flags = 0;
    if (ns & VG_NS_USER)
        flags |= CLONE_NEWUSER;
    if (ns & VG_NS_MOUNT)
        flags |= CLONE_NEWNS;
    if (ns & VG_NS_PID)
        flags |= CLONE_NEWPID;
    if (ns & VG_NS_IPC)
        flags |= CLONE_NEWIPC;
    if (ns & VG_NS_UTS)
        flags |= CLONE_NEWUTS;
    if (ns & VG_NS_NET)
        flags |= CLONE_NEWNET;
    /* VG_NS_CGROUP: unshared by the init after it joined its cgroups. */
    return flags;
}

/* Opens (O_PATH) the vg-init that lies next to this library, for execveat after pivot_root. */
static int open_reaper(vg_error *err)
{
    Dl_info info;
    if (dladdr((void *)vg_spawn, &info) == 0 || info.dli_fname == NULL)
        return vg_fail(err, VG_STEP_REAPER, ENOENT, "locate", "libvgcore.so (dladdr)");
    char path[PATH_MAX];
    size_t dir_len = 0;
    for (size_t i = 0; info.dli_fname[i] != '\0'; i++)
        if (info.dli_fname[i] == '/')
            dir_len = i + 1;
    if (dir_len + sizeof VG_INIT_NAME > sizeof path)
        return vg_fail(err, VG_STEP_REAPER, ENAMETOOLONG, "open vg-init next to", info.dli_fname);
    memcpy(path, info.dli_fname, dir_len);
    memcpy(path + dir_len, VG_INIT_NAME, sizeof VG_INIT_NAME);
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return vg_fail(err, VG_STEP_REAPER, errno, "open", path);
    return fd;
}

static void unmap_stacks(char **stacks)
{
    if (*stacks != MAP_FAILED)
        munmap(*stacks, VG_STACKS_SIZE);
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define VG_ASAN_UNPOISON(addr, size) __asan_unpoison_memory_region((addr), (size))
#else
#define VG_ASAN_UNPOISON(addr, size) ((void)0)
#endif

/* `count` stacks (count * VG_STACK_SLOT bytes), each above a PROT_NONE guard page; vg_spawn's
 * three: [guard|entry|guard|init|guard|command]. */
static char *map_stacks(int count, vg_error *err)
{
    size_t size = (size_t)count * VG_STACK_SLOT;
    char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) {
        vg_fail(err, VG_STEP_CLONE, errno, "mmap", "stacks");
        return MAP_FAILED;
    }
    for (int i = 0; i < count; i++) {
        if (mprotect(m + i * VG_STACK_SLOT, VG_GUARD_SIZE, PROT_NONE) < 0) {
            vg_fail(err, VG_STEP_CLONE, errno, "mprotect", "stack guard");
            munmap(m, size);
            return MAP_FAILED;
        }
    }
    /* ASan keeps shadow bytes for address ranges it did not allocate: a stack mapped where an
     * earlier one (or a thread's) lived may still carry its redzones and trip false reports. */
    VG_ASAN_UNPOISON(m, size);
    return m;
}

/* Bit N: the source of the mount list's overlay N belongs to the caller's uid and gid, the only
 * ids the sandbox's user namespace maps (without one, every id is what it is). Seen from here,
 * where ids are not translated; the overlay's root gets the owner only when it is mapped. */
static uint64_t overlays_owned(const vg_spawn_spec *spec)
{
    uint64_t owned = 0;
    unsigned n = 0;
    for (uint32_t i = 0; i < spec->mount_count && n < 64; i++) {
        const vg_mount_op *op = &spec->mounts[i];
        if (op->kind != VG_MOUNT_OVERLAY && op->kind != VG_MOUNT_OVERLAY_KEEP)
            continue;
        struct stat st;
        if (!(spec->namespaces & VG_NS_USER) ||
            (op->source != NULL && stat(op->source, &st) == 0 && st.st_uid == getuid() && st.st_gid == getgid()))
            owned |= 1ULL << n;
        n++;
    }
    return owned;
}

VG_API int32_t vg_spawn(const vg_spawn_spec *spec, vg_process *out, vg_error *err)
{
    if (spec == NULL || out == NULL || spec->argv == NULL || spec->argv[0] == NULL || spec->argv[0][0] == '\0')
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "spawn", "spec, out or argv[0] missing");
    if ((spec->mount_count > 0 && spec->mounts == NULL) ||
        (spec->landlock_path_rule_count > 0 && spec->landlock_path_rules == NULL) ||
        (spec->landlock_port_rule_count > 0 && spec->landlock_port_rules == NULL) ||
        (spec->rlimit_count > 0 && spec->rlimits == NULL) ||
        (spec->cgroup_procs_fd_count > 0 && spec->cgroup_procs_fds == NULL))
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "spawn", "count without array");
    if (spec->nice < 0 || spec->nice > 19)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "spawn", "nice outside 0..19");
    int prepared = (spec->flags & VG_SPAWN_PREPARED_NAMESPACES) != 0;
    if (prepared && (spec->userns_fd < 0 || spec->netns_fd < 0 ||
                     (spec->namespaces & (VG_NS_USER | VG_NS_NET)) != (VG_NS_USER | VG_NS_NET)))
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "spawn",
                       "prepared namespaces need both fds and VG_NS_USER | VG_NS_NET");
    if ((spec->flags & VG_SPAWN_EGRESS) &&
        (spec->egress_fd <= 2 || !(spec->namespaces & VG_NS_NET) || spec->seccomp_filter == NULL))
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "spawn", "egress needs egress_fd, VG_NS_NET and a seccomp filter");

    struct vg_child_ctx ctx = {.spec = spec, .cap_last = read_cap_last(), .overlay_owned = overlays_owned(spec)};
    id_map(ctx.uid_map, sizeof ctx.uid_map, spec->uid, (uint32_t)getuid());
    id_map(ctx.gid_map, sizeof ctx.gid_map, spec->gid, (uint32_t)getgid());

    int pipefd[2];
    if (child_pipe(pipefd, "error pipe", err) < 0)
        return -1;
    __attribute__((cleanup(close_fd))) int rfd = pipefd[0];
    __attribute__((cleanup(close_fd))) int wfd = pipefd[1];
    ctx.err_fd = wfd;

    /* vg-init writes the command's status here once everything in the sandbox is gone. */
    if (child_pipe(pipefd, "status pipe", err) < 0)
        return -1;
    __attribute__((cleanup(close_fd))) int status_rfd = pipefd[0];
    __attribute__((cleanup(close_fd))) int status_wfd = pipefd[1];
    ctx.status_fd = status_wfd;
    ctx.status_read_fd = status_rfd;

    __attribute__((cleanup(close_fd))) int init_fd = open_reaper(err);
    if (init_fd < 0)
        return -1;
    ctx.init_fd = init_fd;
    /* A pidfd of the thread-group leader is readable once the whole process has exited:
     * vg-init keeps it and kills the sandbox then, whichever thread called us. */
    __attribute__((cleanup(close_fd))) int caller_fd = -1;
    if (spec->flags & VG_SPAWN_DIE_WITH_CALLER) {
        caller_fd = (int)syscall(SYS_pidfd_open, getpid(), 0U);
        if (caller_fd < 0)
            return vg_fail(err, VG_STEP_REAPER, errno, "pidfd_open", "caller");
        caller_fd = above_stdio(caller_fd);
        if (caller_fd < 0)
            return vg_fail(err, VG_STEP_REAPER, errno, "fcntl", "caller pidfd");
    }
    ctx.caller_fd = caller_fd;
    __attribute__((cleanup(unmap_stacks))) char *stacks = map_stacks(3, err);
    if (stacks == MAP_FAILED)
        return -1;
    ctx.read_fd = rfd;
    ctx.command_stack = stacks + VG_STACKS_SIZE;
    ctx.init_stack = stacks + 2 * VG_STACK_SLOT;
    /* The init shares our memory (no page-table copy) and we stay suspended until it execs
     * vg-init (CLONE_VFORK), which keeps spec and stacks alive. Dumpability belongs to the
     * memory, and a non-dumpable caller (one that changed uids) needs the init to become
     * dumpable to write its uid_map: that caller gets a fork-like copy instead. */
    ctx.own_mm = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1;
    if (prepared && ctx.own_mm)
        return vg_fail(err, VG_STEP_ARGS, EPERM, "spawn", "prepared namespaces need a dumpable caller");
    /* No exit signal (0, not SIGCHLD) for the processes we start: the entry process ends while
     * this thread blocks every signal, and a SIGCHLD would then wake another thread of the caller
     * just to take it (a JVM's main thread). Waits for them need __WALL. The init gets SIGCHLD
     * back as its exit signal when it execs vg-init: the caller hears of the sandbox's end. */
    int flags = CLONE_VFORK | CLONE_PIDFD | (int)clone_flags(spec->namespaces);
    if (!ctx.own_mm)
        flags |= CLONE_VM;
    /* Prepared namespaces: an entry process joins them and starts the init (with the other new
     * namespaces) as our child, then exits; only a process of its own may enter a user namespace. */
    int (*first)(void *) = vg_sandbox_init;
    char *first_stack = ctx.init_stack;
    if (prepared) {
        ctx.prepared = 1;
        ctx.init_clone_flags = (int)clone_flags(spec->namespaces & ~(uint32_t)(VG_NS_USER | VG_NS_NET)) | CLONE_VM |
                               CLONE_VFORK | CLONE_PARENT;
        flags = CLONE_VM | CLONE_VFORK;
        first = vg_sandbox_entry;
        first_stack = stacks + VG_STACK_SLOT;
    }

    /* No handler of the caller may run in the child; the child resets them all. Signals stay
     * blocked until EOF: once the init execs, the command still runs in our memory with this
     * thread's TLS, errno included, so this thread must not be interrupted (EINTR) nor let a
     * failing call write errno under it. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pidfd = -1;
    pid_t pid = clone(first, first_stack, flags, &ctx, &pidfd, NULL, NULL);
    if (pid < 0) {
        int clone_errno = errno;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return vg_fail(err, VG_STEP_CLONE, clone_errno, "clone", "sandbox init");
    }
    if (prepared) {
        /* The entry process has ended (it ran suspending us); the init, if it started, is our
         * child (CLONE_PARENT) and not reaped, so its pid cannot have been reused. */
        reap(P_PID, (id_t)pid);
        pid = ctx.init_pid;
        pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0U) : -1;
        if (pid > 0 && pidfd < 0) {
            int open_errno = errno;
            kill(pid, SIGKILL);
            reap(P_PID, (id_t)pid);
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            return vg_fail(err, VG_STEP_CLONE, open_errno, "pidfd_open", "sandbox init");
        }
    }
    close(wfd);
    wfd = -1;
    close(status_wfd);
    status_wfd = -1;

    /* EOF: the init became vg-init and the command was exec'd (both left our memory, so the
     * stacks can go). A vg_error record first: setup failed. */
    vg_error child_err;
    size_t got = 0;
    for (;;) {
        char discard[sizeof child_err];
        char *dst = got < sizeof child_err ? (char *)&child_err + got : discard;
        size_t room = got < sizeof child_err ? sizeof child_err - got : sizeof discard;
        ssize_t n = read(rfd, dst, room);
        if (n <= 0)
            break; /* EOF (no EINTR with every signal blocked) */
        if (got < sizeof child_err)
            got += (size_t)n;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (got == 0 && pidfd < 0)
        return vg_fail(err, VG_STEP_CLONE, EIO, "start", "sandbox init");
    if (got == 0) {
        out->pid = pid;
        out->pidfd = pidfd;
        out->status_fd = status_rfd;
        status_rfd = -1;
        return 0;
    }
    if (pidfd >= 0) {
        reap(P_PIDFD, (id_t)pidfd);
        close(pidfd);
    }
    if (got != sizeof child_err)
        return vg_fail(err, VG_STEP_CLONE, EIO, "short error record from", "sandbox init");
    if (err != NULL) {
        *err = child_err;
        err->detail[sizeof err->detail - 1] = '\0';
    }
    return -1;
}

VG_API int32_t vg_prepare_namespaces(uint32_t uid, uint32_t gid, int32_t *fds, vg_error *err)
{
    if (fds == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "prepare namespaces", "fds missing");
    /* The child shares our memory and, to hand the namespaces over, our fd table; a
     * non-dumpable caller's child could not write its uid_map (see vg_spawn). */
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1)
        return vg_fail(err, VG_STEP_USERNS, EPERM, "prepare namespaces", "caller not dumpable");
    struct vg_prepare_ctx ctx = {.fds = {-1, -1, -1}, .err = {.step = VG_STEP_NONE}};
    id_map(ctx.uid_map, sizeof ctx.uid_map, uid, (uint32_t)getuid());
    id_map(ctx.gid_map, sizeof ctx.gid_map, gid, (uint32_t)getgid());
    char *stack = map_stacks(1, err);
    if (stack == MAP_FAILED)
        return -1;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = clone(vg_prepare_main, stack + VG_STACK_SLOT,
                      CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_NEWUSER | CLONE_NEWNET, &ctx);
    int clone_errno = errno;
    if (pid > 0)
        reap(P_PID, (id_t)pid);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    munmap(stack, VG_STACK_SLOT);
    if (pid < 0)
        return vg_fail(err, VG_STEP_CLONE, clone_errno, "clone", "prepared namespaces");
    if (ctx.err.step != VG_STEP_NONE || ctx.fds[0] < 0 || ctx.fds[1] < 0 || ctx.fds[2] < 0) {
        for (int i = 0; i < 3; i++)
            close_fd(&ctx.fds[i]);
        if (ctx.err.step == VG_STEP_NONE)
            return vg_fail(err, VG_STEP_CLONE, EIO, "prepare namespaces", "child ended early");
        if (err != NULL)
            *err = ctx.err;
        return -1;
    }
    for (int i = 0; i < 3; i++)
        fds[i] = ctx.fds[i];
    return 0;
}

/* The unsigned number after `key` in `text`, or -1. */
static int64_t number_after(const char *text, const char *key)
{
    const char *at = strstr(text, key);
    if (at == NULL)
        return -1;
    at += strlen(key);
    int64_t n = 0;
    int digits = 0;
    for (; *at >= '0' && *at <= '9' && n < INT32_MAX; at++, digits++)
        n = n * 10 + (*at - '0');
    return digits > 0 ? n : -1;
}

VG_API int32_t vg_netns_sockets(int32_t sockstat_fd, vg_error *err)
{
    /* "sockets: used N" counts every socket of the namespace that a process made (all families;
     * closing TCP connections too, until freed); "TCP: ... tw N" the TIME_WAIT entries, which
     * are not sockets any more. Re-read from the start: the kernel regenerates it. */
    char text[1024];
    ssize_t n = pread(sockstat_fd, text, sizeof text - 1, 0);
    if (n < 0)
        return vg_fail(err, VG_STEP_ARGS, errno, "read", "network namespace sockstat");
    text[n] = '\0';
    const char *tcp = strstr(text, "\nTCP:");
    int64_t used = number_after(text, "sockets: used ");
    int64_t timewait = tcp == NULL ? -1 : number_after(tcp, " tw ");
    if (used < 0 || timewait < 0 || used + timewait > INT32_MAX)
        return vg_fail(err, VG_STEP_ARGS, EPROTO, "parse", "network namespace sockstat");
    return (int32_t)(used + timewait);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reaps the init (blocking until it has exited); *status and *peak_rss_kib as vg_wait reports them. */
static int reap_init(const vg_process *proc, int32_t *status, uint32_t *peak_rss_kib, vg_error *err)
{
    siginfo_t si = {.si_pid = 0};
    struct rusage usage = {0};
    while (syscall(SYS_waitid, P_PIDFD, (id_t)proc->pidfd, &si, WEXITED | __WALL, &usage) < 0) {
        if (errno != EINTR)
            return vg_fail(err, VG_STEP_WAIT, errno, "waitid", "sandbox init");
    }
    if (status != NULL)
        *status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
    if (peak_rss_kib != NULL)
        *peak_rss_kib = usage.ru_maxrss > 0 ? (uint32_t)(usage.ru_maxrss > 0xffffffffL ? 0xffffffffL : usage.ru_maxrss) : 0;
    return 1;
}

VG_API int32_t vg_wait(const vg_process *proc, int32_t timeout_ms, int32_t *status, uint32_t *peak_rss_kib, vg_error *err)
{
    if (proc == NULL || proc->pidfd < 0)
        return vg_fail(err, VG_STEP_ARGS, EBADF, "wait", "no pidfd");
    /* The status pipe is readable when vg-init reported (a record) or exited without reporting
     * (EOF: killed); the pidfd only once the kernel has torn the sandbox down. */
    int watched = proc->status_fd >= 0 ? proc->status_fd : proc->pidfd;
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        int wait = -1;
        if (timeout_ms >= 0) {
            wait = (int)(deadline - now_ms());
            if (wait < 0)
                wait = 0;
        }
        struct pollfd p = {.fd = watched, .events = POLLIN};
        int n = poll(&p, 1, wait);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vg_fail(err, VG_STEP_WAIT, errno, "poll", watched == proc->pidfd ? "pidfd" : "status pipe");
        if (n == 0)
            return 0;
        break;
    }
    if (watched == proc->status_fd) {
        int32_t reported[2] = {0, 0};
        size_t got = 0;
        while (got < sizeof reported) {
            ssize_t n = read(proc->status_fd, (char *)reported + got, sizeof reported - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (got == sizeof reported) {
            if (status != NULL)
                *status = reported[0];
            if (peak_rss_kib != NULL)
                *peak_rss_kib = (uint32_t)reported[1];
            return 1;
        }
    }
    return reap_init(proc, status, peak_rss_kib, err);
}

VG_API int32_t vg_kill(const vg_process *proc, int32_t signal, vg_error *err)
{
    if (proc == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "kill", "no process");
    long rc = proc->pidfd >= 0 ? syscall(SYS_pidfd_send_signal, proc->pidfd, signal, NULL, 0)
                               : kill(proc->pid, signal);
    if (rc < 0)
        return vg_fail(err, VG_STEP_KILL, errno, "kill", "sandbox init");
    return 0;
}

VG_API int32_t vg_release(vg_process *proc)
{
    if (proc == NULL)
        return 0;
    int rc = 0;
    if (proc->pidfd >= 0) {
        /* Not exited yet: still running (nothing of it may outlive the handle), or past its
         * report and exiting, where SIGKILL changes nothing. Already reaped (vg_wait's
         * fallback): waitid fails with ECHILD, which is fine. */
        struct pollfd p = {.fd = proc->pidfd, .events = POLLIN};
        if (poll(&p, 1, 0) == 0)
            syscall(SYS_pidfd_send_signal, proc->pidfd, SIGKILL, NULL, 0);
        reap(P_PIDFD, (id_t)proc->pidfd);
        if (close(proc->pidfd) < 0 && errno != EINTR)
            rc = -1;
        proc->pidfd = -1;
    }
    if (proc->status_fd >= 0) {
        close(proc->status_fd);
        proc->status_fd = -1;
    }
    return rc;
}
