/*
 * child.c - the sandbox init (pid 1 of the new pid namespace, until it execs vg-init) and
 * the command child.
 * Everything here runs between clone and execve, usually in the caller's memory (CLONE_VM):
 * raw syscalls and async-signal-safe calls only, no malloc, no stdio, no locks. Errors go to the CLOEXEC error pipe as a
 * vg_error record; EOF on that pipe tells the parent the command was exec'd.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "internal.h"

#define VG_EXIT_SETUP 125

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

static _Noreturn void report(int fd, const vg_error *e, int code)
{
    write_all(fd, e, sizeof *e);
    _exit(code);
}

static int write_file(const char *path, const char *data)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = vg_strlen(data);
    ssize_t n = write(fd, data, len);
    int saved = errno;
    close(fd);
    errno = saved;
    if (n < 0)
        return -1;
    if ((size_t)n != len) {
        errno = EIO;
        return -1;
    }
    return 0;
}

/* Maps our ids in the user namespace we are the first process of (setgroups denied first, as an
 * unprivileged writer of gid_map must). */
static int write_id_maps(const char *uid_map, const char *gid_map, vg_error *e)
{
    if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
        return vg_fail(e, VG_STEP_USERNS, errno, "write", "/proc/self/setgroups");
    if (write_file("/proc/self/uid_map", uid_map) < 0)
        return vg_fail(e, VG_STEP_USERNS, errno, "write", "/proc/self/uid_map");
    if (write_file("/proc/self/gid_map", gid_map) < 0)
        return vg_fail(e, VG_STEP_USERNS, errno, "write", "/proc/self/gid_map");
    return 0;
}

/* No signal handler of the caller (the JVM's) may run in the sandbox. */
static void reset_signal_handlers(void)
{
    struct sigaction dfl;
    for (size_t i = 0; i < sizeof dfl; i++)
        ((char *)&dfl)[i] = 0;
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL); /* glibc-internal signals fail with EINVAL: fine */
}

/* A new network namespace has only `lo`, down: bring it up so that localhost works. */
static int bring_up_loopback(vg_error *e)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return vg_fail(e, VG_STEP_CLONE, errno, "socket", "for lo");
    struct ifreq ifr;
    for (size_t i = 0; i < sizeof ifr; i++)
        ((char *)&ifr)[i] = 0;
    vg_strappend(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0 && !(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    int saved = errno;
    close(fd);
    if (rc < 0)
        return vg_fail(e, VG_STEP_CLONE, saved, "bring up", "lo");
    return 0;
}

/* Closes every fd from `from` up to `to` (inclusive). */
static int close_fds(unsigned from, unsigned to)
{
    if (from > to)
        return 0;
    int rc = (int)syscall(SYS_close_range, from, to, 0U);
    if (rc < 0 && errno == ENOSYS) {
        for (unsigned fd = from; fd <= to && fd < VG_FD_SCAN_LIMIT; fd++)
            close((int)fd);
        rc = 0;
    }
    return rc;
}

/* Makes spec fds 0, 1, 2 (a negative fd becomes /dev/null) and closes all others but keep_fd
 * and keep_other (-1: none). */
static int setup_fds(const vg_spawn_spec *spec, int keep_fd, int keep_other, vg_error *e)
{
    int want[3] = {spec->stdin_fd, spec->stdout_fd, spec->stderr_fd};
    int tmp[3];
    /* Copies above 2 first, so that e.g. stdout_fd == 0 cannot be clobbered by dup2. */
    for (int i = 0; i < 3; i++) {
        if (want[i] >= 0)
            tmp[i] = fcntl(want[i], F_DUPFD_CLOEXEC, 3);
        else
            tmp[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (tmp[i] < 0 && want[i] >= 0) {
            char num[21];
            vg_utoa((uint64_t)want[i], num);
            return vg_fail(e, VG_STEP_FDS, errno, "dup stdio fd", num);
        }
    }
    for (int i = 0; i < 3; i++) {
        if (tmp[i] < 0)
            close(i);
        else if (dup2(tmp[i], i) < 0)
            return vg_fail(e, VG_STEP_FDS, errno, "dup2 stdio", NULL);
    }
    unsigned low = (unsigned)keep_fd, high = (unsigned)keep_fd;
    if (keep_other >= 0 && (unsigned)keep_other < low)
        low = (unsigned)keep_other;
    if (keep_other >= 0 && (unsigned)keep_other > high)
        high = (unsigned)keep_other;
    int rc = close_fds(3U, low - 1);
    if (rc == 0 && high > low)
        rc = close_fds(low + 1, high - 1);
    if (rc == 0)
        rc = close_fds(high + 1, ~0U);
    if (rc < 0)
        return vg_fail(e, VG_STEP_FDS, errno, "close_range", NULL);
    return 0;
}

static int exec_status(const vg_error *e)
{
    if (e->step != VG_STEP_EXEC)
        return VG_EXIT_SETUP;
    return e->errnum == ENOENT ? 127 : 126;
}

/* execve with our own PATH search (no malloc). Returns only on failure. */
static int exec_command(const vg_spawn_spec *spec, vg_error *e)
{
    static const char *const empty_env[] = {NULL};
    const char *file = spec->argv[0];
    char *const *argv = (char *const *)spec->argv;
    char *const *envp = (char *const *)(spec->envp != NULL ? spec->envp : empty_env);
    for (const char *c = file; *c != '\0'; c++) {
        if (*c == '/') {
            execve(file, argv, envp);
            return vg_fail(e, VG_STEP_EXEC, errno, "exec", file);
        }
    }
    const char *dir = spec->search_path != NULL ? spec->search_path : "/usr/local/bin:/usr/bin:/bin";
    size_t file_len = vg_strlen(file);
    int seen_eacces = 0;
    char path[PATH_MAX];
    for (;;) {
        const char *end = dir;
        while (*end != '\0' && *end != ':')
            end++;
        size_t dir_len = (size_t)(end - dir);
        if (dir_len + 1 + file_len + 1 <= sizeof path) {
            size_t n = 0;
            if (dir_len == 0)
                path[n++] = '.';
            for (size_t i = 0; i < dir_len; i++)
                path[n++] = dir[i];
            path[n++] = '/';
            for (size_t i = 0; i <= file_len; i++)
                path[n++] = file[i];
            execve(path, argv, envp);
            if (errno == EACCES)
                seen_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != ENAMETOOLONG &&
                     errno != ESTALE)
                return vg_fail(e, VG_STEP_EXEC, errno, "exec", path);
        }
        if (*end == '\0')
            break;
        dir = end + 1;
    }
    return vg_fail(e, VG_STEP_EXEC, seen_eacces ? EACCES : ENOENT, "exec", file);
}

/* The command child: waits, stopped, until the init has become the non-dumpable vg-init. */
static int wait_for_reaper(vg_error *e)
{
    if (syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP) < 0)
        return vg_fail(e, VG_STEP_REAPER, errno, "stop until vg-init runs", NULL);
    return 0;
}

/* The command: session, limits, fds, cwd, caps, no_new_privs, Landlock, seccomp, exec. */
static int command_main(void *arg)
{
    const struct vg_child_ctx *ctx = arg;
    const vg_spawn_spec *spec = ctx->spec;
    vg_error e = {.step = VG_STEP_NONE};

    if ((spec->flags & VG_SPAWN_NEW_SESSION) && setsid() < 0) {
        vg_fail(&e, VG_STEP_SESSION, errno, "setsid", NULL);
        goto fail;
    }
    for (uint32_t i = 0; i < spec->rlimit_count; i++) {
        struct rlimit rl = {.rlim_cur = spec->rlimits[i].soft, .rlim_max = spec->rlimits[i].hard};
        if (setrlimit(spec->rlimits[i].resource, &rl) < 0) {
            char num[21];
            vg_utoa((uint64_t)(uint32_t)spec->rlimits[i].resource, num);
            vg_fail(&e, VG_STEP_RLIMIT, errno, "setrlimit", num);
            goto fail;
        }
    }
    /* Raising the nice value needs no privilege; lowering it again needs CAP_SYS_NICE in the
     * initial user namespace or RLIMIT_NICE, which the caller may set to 0 in `rlimits`. */
    if (spec->nice > 0) {
        errno = 0;
        int current = getpriority(PRIO_PROCESS, 0);
        if (errno == 0 && current < spec->nice && setpriority(PRIO_PROCESS, 0, spec->nice) < 0) {
            vg_fail(&e, VG_STEP_RLIMIT, errno, "setpriority", "nice");
            goto fail;
        }
    }
    int egress = (spec->flags & VG_SPAWN_EGRESS) != 0;
    if (setup_fds(spec, ctx->err_fd, egress ? spec->egress_fd : -1, &e) < 0)
        goto fail;
    const char *cwd = spec->cwd != NULL ? spec->cwd : "/";
    if (chdir(cwd) < 0) {
        vg_fail(&e, VG_STEP_CHDIR, errno, "chdir", cwd);
        goto fail;
    }
    if (vg_drop_caps(spec->capabilities_keep, ctx->cap_last, &e) < 0)
        goto fail;
    if ((spec->flags & VG_SPAWN_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        vg_fail(&e, VG_STEP_NO_NEW_PRIVS, errno, "no_new_privs", NULL);
        goto fail;
    }
    if (vg_apply_landlock(spec, &e) < 0)
        goto fail;
    if (wait_for_reaper(&e) < 0)
        goto fail;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Last: the filter may deny what the steps above needed. */
    int listener = vg_apply_seccomp(spec->seccomp_filter, spec->seccomp_filter_len, egress, &e);
    if (listener < 0)
        goto fail;
    if (egress) {
        /* The command must not hold its own listener, nor the way to vg. */
        int sent = vg_send_fds(spec->egress_fd, &listener, 1, &e);
        close(listener);
        close(spec->egress_fd);
        if (sent < 0)
            goto fail;
    }
    exec_command(spec, &e);
fail:
    report(ctx->err_fd, &e, exec_status(&e));
}

/* Drops every capability of the init and sets no_new_privs: vg-init gains nothing by exec. */
static int drop_init_privileges(vg_error *e)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct none[2] = {{0, 0, 0}, {0, 0, 0}};
    if (syscall(SYS_capset, &hdr, none) < 0)
        return vg_fail(e, VG_STEP_CAPS, errno, "capset", "sandbox init");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return vg_fail(e, VG_STEP_CAPS, errno, "ambient clear", "sandbox init");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return vg_fail(e, VG_STEP_NO_NEW_PRIVS, errno, "no_new_privs", "sandbox init");
    return 0;
}

/* Becomes vg-init (the fd was opened by the parent, so this works after pivot_root). */
static void exec_reaper(const struct vg_child_ctx *ctx, pid_t command, vg_error *e)
{
    static const char *const no_env[] = {NULL};
    char pid[21], caller[21], status[21];
    vg_utoa((uint64_t)command, pid);
    vg_utoa((uint64_t)ctx->caller_fd, caller);
    vg_utoa((uint64_t)ctx->status_fd, status);
    const char *const argv[] = {"vg-init", pid, ctx->caller_fd >= 0 ? caller : "-", status, NULL};
    /* Every fd of the caller, stdio included, ends with the exec (the error pipe already does),
     * except the caller's pidfd, which vg-init watches, and the status pipe it reports on (the
     * command closed its copies). */
    if (syscall(SYS_close_range, 0U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        if (errno != ENOSYS) {
            vg_fail(e, VG_STEP_FDS, errno, "close_range", "sandbox init");
            return;
        }
        /* close_range hidden (a container runtime's seccomp profile may answer ENOSYS): one by
         * one, up to the same bound as the command's fallback. */
        for (int fd = 0; fd < VG_FD_SCAN_LIMIT; fd++)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    if (ctx->caller_fd >= 0 && fcntl(ctx->caller_fd, F_SETFD, 0) < 0) {
        vg_fail(e, VG_STEP_FDS, errno, "keep", "caller pidfd");
        return;
    }
    if (fcntl(ctx->status_fd, F_SETFD, 0) < 0) {
        vg_fail(e, VG_STEP_FDS, errno, "keep", "status pipe");
        return;
    }
    if (drop_init_privileges(e) < 0)
        return;
    syscall(SYS_execveat, ctx->init_fd, "", argv, no_env, AT_EMPTY_PATH);
    vg_fail(e, VG_STEP_REAPER, errno, "exec", "vg-init");
}

/* Prepared user and network namespaces (vg_prepare_namespaces): only a process of its own may
 * enter a user namespace, and a pid namespace's first process must be made inside it. This
 * entry process (sharing the caller's memory, the caller suspended) joins both, then starts the
 * init with the other new namespaces as the caller's child (CLONE_PARENT) and ends. */
int vg_sandbox_entry(void *arg)
{
    struct vg_child_ctx *ctx = arg;
    const vg_spawn_spec *spec = ctx->spec;
    vg_error e = {.step = VG_STEP_NONE};
    if (setns(spec->userns_fd, CLONE_NEWUSER) < 0) {
        vg_fail(&e, VG_STEP_USERNS, errno, "setns", "prepared user namespace");
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }
    if (setns(spec->netns_fd, CLONE_NEWNET) < 0) {
        vg_fail(&e, VG_STEP_USERNS, errno, "setns", "prepared network namespace");
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }
    pid_t init = clone(vg_sandbox_init, ctx->init_stack, ctx->init_clone_flags, (void *)ctx);
    if (init < 0) {
        vg_fail(&e, VG_STEP_CLONE, errno, "clone", "sandbox init");
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }
    ctx->init_pid = init;
    _exit(0);
}

int vg_prepare_main(void *arg)
{
    struct vg_prepare_ctx *ctx = arg;
    if (write_id_maps(ctx->uid_map, ctx->gid_map, &ctx->err) < 0 || bring_up_loopback(&ctx->err) < 0)
        _exit(1);
    /* Into the caller's fd table (CLONE_FILES): they keep the namespaces alive after we exit. The
     * sockstat file stays bound to this network namespace while open (vg_netns_sockets). */
    static const char *const files[] = {"/proc/self/ns/user", "/proc/self/ns/net", "/proc/self/net/sockstat"};
    for (int i = 0; i < 3; i++) {
        ctx->fds[i] = open(files[i], O_RDONLY | O_CLOEXEC);
        if (ctx->fds[i] < 0) {
            vg_fail(&ctx->err, VG_STEP_USERNS, errno, "open", files[i]);
            _exit(1);
        }
    }
    _exit(0);
}

/* Shares the caller's memory (CLONE_VM) unless ctx->own_mm; see spawn.c. */
int vg_sandbox_init(void *arg)
{
    const struct vg_child_ctx *ctx = arg;
    const vg_spawn_spec *spec = ctx->spec;
    vg_error e = {.step = VG_STEP_NONE};

    close(ctx->read_fd);
    close(ctx->status_read_fd);
    if (spec->flags & VG_SPAWN_DIE_WITH_PARENT) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
            vg_fail(&e, VG_STEP_REAPER, errno, "prctl", "PR_SET_PDEATHSIG");
            report(ctx->err_fd, &e, VG_EXIT_SETUP);
        }
        /* The caller died before the prctl: its end of the error pipe is closed already. */
        struct pollfd p = {.fd = ctx->err_fd, .events = 0};
        if (poll(&p, 1, 0) > 0 && (p.revents & POLLERR))
            _exit(VG_EXIT_SETUP);
    }
    reset_signal_handlers(); /* every signal stays blocked: vg-init takes them with sigtimedwait */

    for (uint32_t i = 0; i < spec->cgroup_procs_fd_count; i++) {
        if (write(spec->cgroup_procs_fds[i], "0", 1) != 1) {
            vg_fail(&e, VG_STEP_CGROUP, errno, "join cgroup", "(write to cgroup.procs or tasks)");
            report(ctx->err_fd, &e, VG_EXIT_SETUP);
        }
    }
    if ((spec->namespaces & VG_NS_USER) && !ctx->prepared) {
        /* A caller that changed uids (setuid, setresuid) is not dumpable, which makes
         * /proc/self/{uid,gid}_map root-owned: be dumpable while writing them. Only with a
         * memory of our own: dumpability belongs to the mm, which CLONE_VM shares with the
         * caller (spawn.c uses CLONE_VM only for a dumpable caller). */
        if (ctx->own_mm && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1)
            prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        if (write_id_maps(ctx->uid_map, ctx->gid_map, &e) < 0)
            report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }
    if ((spec->namespaces & VG_NS_NET) && !ctx->prepared && bring_up_loopback(&e) < 0)
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    if ((spec->flags & VG_SPAWN_EGRESS) && vg_send_egress_sockets(spec->egress_fd, &e) < 0)
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    /* After joining the cgroups, so that the cgroup namespace is rooted at the sandbox's own. */
    if ((spec->namespaces & VG_NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
        vg_fail(&e, VG_STEP_CGROUP, errno, "unshare", "cgroup namespace");
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }
    if (spec->namespaces & VG_NS_MOUNT) {
        if (vg_setup_mounts(spec, ctx->overlay_owned, &e) < 0)
            report(ctx->err_fd, &e, VG_EXIT_SETUP);
    } else if (spec->mount_count > 0) {
        vg_fail(&e, VG_STEP_ARGS, EINVAL, "mounts need", "VG_NS_MOUNT");
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }
    if ((spec->namespaces & VG_NS_UTS) && spec->hostname != NULL &&
        sethostname(spec->hostname, vg_strlen(spec->hostname)) < 0) {
        vg_fail(&e, VG_STEP_HOSTNAME, errno, "sethostname", spec->hostname);
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }
    if (ctx->own_mm && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        vg_fail(&e, VG_STEP_REAPER, errno, "prctl", "PR_SET_DUMPABLE");
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }

    /* The command shares our memory until it execs, on a stack the parent mapped (and unmaps
     * once the command exec'd). No CLONE_VFORK: it sets up and stops itself while we wait in
     * waitid; only then do we exec vg-init, which lets it go on. So the two never run at the
     * same time in this memory (they share the caller's thread-local errno), and the command
     * runs nothing of its own before pid 1 is the non-dumpable vg-init. */
    pid_t command = clone(command_main, ctx->command_stack, CLONE_VM | SIGCHLD, (void *)ctx);
    if (command < 0) {
        vg_fail(&e, VG_STEP_CLONE, errno, "clone", "command");
        report(ctx->err_fd, &e, VG_EXIT_SETUP);
    }
    siginfo_t si;
    while (syscall(SYS_waitid, P_PID, (id_t)command, &si, WSTOPPED | WEXITED | WNOWAIT, NULL) < 0 && errno == EINTR)
        ;
    /* Stopped: ready to exec. Ended: setup failed and was reported; vg-init reaps it. */
    exec_reaper(ctx, command, &e);
    kill(command, SIGKILL);
    report(ctx->err_fd, &e, VG_EXIT_SETUP);
}
