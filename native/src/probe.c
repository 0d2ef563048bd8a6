/* probe.c - what this kernel offers to this caller, tried rather than assumed. */
#include <fcntl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "internal.h"

static int parse_int(const char **p)
{
    int v = 0;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (*(*p)++ - '0');
    return v;
}

static int write_str(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, s, vg_strlen(s));
    close(fd);
    return n == (ssize_t)vg_strlen(s) ? 0 : -1;
}

/* Child of the probe: in a new user + mount namespace, mounts an overlay on a tmpfs.
 * Exit 0: overlay works; 1: user namespace works but overlay does not; 2: no user namespace. */
static _Noreturn void overlay_child(const char *uid_map, const char *gid_map)
{
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* see vg_sandbox_init */
    if (write_str("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
        _exit(2);
    if (write_str("/proc/self/uid_map", uid_map) < 0 || write_str("/proc/self/gid_map", gid_map) < 0)
        _exit(2);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
        _exit(1);
    if (mkdir("/tmp/l", 0755) < 0 || mkdir("/tmp/u", 0755) < 0 || mkdir("/tmp/w", 0755) < 0 ||
        mkdir("/tmp/m", 0755) < 0)
        _exit(1);
    if (mount("overlay", "/tmp/m", "overlay", MS_NOSUID | MS_NODEV,
              "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w,userxattr") == 0 ||
        mount("overlay", "/tmp/m", "overlay", MS_NOSUID | MS_NODEV, "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w") == 0)
        _exit(0);
    _exit(1);
}

static void probe_userns(vg_features *out)
{
    char uid_map[48] = "0 ", gid_map[48] = "0 ", num[21];
    vg_utoa(getuid(), num);
    vg_strappend(uid_map, sizeof uid_map, num);
    vg_strappend(uid_map, sizeof uid_map, " 1\n");
    vg_utoa(getgid(), num);
    vg_strappend(gid_map, sizeof gid_map, num);
    vg_strappend(gid_map, sizeof gid_map, " 1\n");

    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    struct clone_args args = {.flags = CLONE_NEWUSER | CLONE_NEWNS, .exit_signal = SIGCHLD};
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0)
        overlay_child(uid_map, gid_map);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        return;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) <= 1) {
        out->user_namespaces = 1;
        out->overlay_in_userns = WEXITSTATUS(status) == 0;
    }
}

VG_API int32_t vg_probe(vg_features *out, vg_error *err)
{
    if (out == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "probe", "out is NULL");
    *out = (vg_features){0};

    struct utsname u;
    if (uname(&u) == 0) {
        const char *p = u.release;
        out->kernel_major = parse_int(&p);
        if (*p == '.') {
            p++;
            out->kernel_minor = parse_int(&p);
        }
    }
    out->landlock_abi = vg_landlock_abi();

    uint32_t action = SECCOMP_RET_ALLOW;
    out->seccomp_filter = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
    action = SECCOMP_RET_KILL_PROCESS;
    out->seccomp_kill_process = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;

    int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (pidfd >= 0) {
        out->pidfd = 1;
        close(pidfd);
    }
    /* An empty range: succeeds where close_range exists, closes nothing. */
    out->close_range = syscall(SYS_close_range, ~0U, ~0U, 0U) == 0;
    out->mount_setattr = syscall(SYS_mount_setattr, -1, "", 0, NULL, 0) < 0 && errno != ENOSYS;

    probe_userns(out);
    return 0;
}
