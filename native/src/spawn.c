/* spawn.c - vg_spawn (parent side), vg_wait, vg_kill, vg_release. */
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "internal.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

static int read_cap_last(void)
{
    int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 63; /* PR_CAPBSET_DROP of an unknown cap fails with EINVAL, which is ignored */
    char buf[16];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
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

    struct vg_child_ctx ctx = {.spec = spec, .cap_last = read_cap_last()};
    id_map(ctx.uid_map, sizeof ctx.uid_map, spec->uid, (uint32_t)getuid());
    id_map(ctx.gid_map, sizeof ctx.gid_map, spec->gid, (uint32_t)getgid());

    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return vg_fail(err, VG_STEP_PIPE, errno, "pipe2", "error pipe");
    __attribute__((cleanup(close_fd))) int rfd = above_stdio(pipefd[0]);
    __attribute__((cleanup(close_fd))) int wfd = above_stdio(pipefd[1]);
    if (rfd < 0 || wfd < 0)
        return vg_fail(err, VG_STEP_PIPE, errno, "fcntl", "error pipe");
    ctx.err_fd = wfd;

    /* No handler of the caller may run in the child; the child resets them all. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pidfd = -1;
    struct clone_args args = {
        .flags = CLONE_PIDFD | clone_flags(spec->namespaces),
        .pidfd = (uint64_t)(uintptr_t)&pidfd,
        .exit_signal = SIGCHLD,
    };
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) {
        close(rfd);
        vg_sandbox_init(&ctx);
    }
    int clone_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(wfd);
    wfd = -1;
    if (pid < 0)
        return vg_fail(err, VG_STEP_CLONE, clone_errno, "clone3", "sandbox init");

    /* EOF: the command was exec'd. A record: setup failed. */
    vg_error child_err;
    size_t got = 0;
    while (got < sizeof child_err) {
        ssize_t n = read(rfd, (char *)&child_err + got, sizeof child_err - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got == 0) {
        out->pid = pid;
        out->pidfd = pidfd;
        return 0;
    }
    siginfo_t si;
    while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
        ;
    close(pidfd);
    if (got != sizeof child_err)
        return vg_fail(err, VG_STEP_CLONE, EIO, "short error record from", "sandbox init");
    if (err != NULL) {
        *err = child_err;
        err->detail[sizeof err->detail - 1] = '\0';
    }
    return -1;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

VG_API int32_t vg_wait(const vg_process *proc, int32_t timeout_ms, int32_t *status, vg_error *err)
{
    if (proc == NULL || proc->pidfd < 0)
        return vg_fail(err, VG_STEP_ARGS, EBADF, "wait", "no pidfd");
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        int wait = timeout_ms < 0 ? -1 : (int)(deadline - now_ms());
        if (timeout_ms >= 0 && wait < 0)
            wait = 0;
        struct pollfd p = {.fd = proc->pidfd, .events = POLLIN};
        int n = poll(&p, 1, wait);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vg_fail(err, VG_STEP_WAIT, errno, "poll", "pidfd");
        if (n == 0)
            return 0;
        break;
    }
    siginfo_t si = {.si_pid = 0};
    while (waitid(P_PIDFD, (id_t)proc->pidfd, &si, WEXITED) < 0) {
        if (errno != EINTR)
            return vg_fail(err, VG_STEP_WAIT, errno, "waitid", "sandbox init");
    }
    if (status != NULL)
        *status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
    return 1;
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
    if (proc == NULL || proc->pidfd < 0)
        return 0;
    int rc = close(proc->pidfd);
    proc->pidfd = -1;
    return rc < 0 && errno != EINTR ? -1 : 0;
}
