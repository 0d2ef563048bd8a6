/*
 * bench.c - spawn latency of /bin/true in vg sandboxes (vg_spawn + vg_wait).
 *
 *   vg_spawn_bench [runs] [ballast MiB]
 *
 * Prints the median spawn+wait time of a small sandbox without and with a network namespace,
 * then of the "balanced" profile the Java side builds (overlays of /usr /etc /opt, masks under
 * /etc, proc, dev, scratch tmpfs, home, binds, Landlock with scoping, a ~50-rule seccomp
 * filter, every namespace, cgroup v1 joins when /sys/fs/cgroup/{memory,pids,cpu} are
 * writable), split into vg_spawn (until it returns) and vg_wait (until the sandbox is empty),
 * and the vg_release after it (the kernel tearing the sandbox down; a caller runs it off its path).
 * Means and 99th percentiles are printed too: JMH reports means, which rare slow runs move.
 * A ballast of touched memory and idle threads makes this process look like a JVM (the cost
 * of a fork-like clone grows with the caller's page tables; a CLONE_VM clone does not).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vg_core.h"

#define BALLAST_THREADS 16
#define ALLOW 0x7fff0000U
#define ERRNO_EPERM 0x00050001U
#define LL_READ_ONLY ((1ULL << 0) | (1ULL << 2) | (1ULL << 3))
#define LL_ALL ((1ULL << 16) - 1)
#define LL_READ_WRITE (LL_ALL & ~((1ULL << 7) | (1ULL << 10) | (1ULL << 15)))

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double elapsed_ms(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void *idle_thread(void *arg)
{
    pause();
    return arg;
}

/* Namespaces made ahead by a background thread (vg_prepare_namespaces), as the Java side does: a
 * run takes the pair made during the previous run, if it is ready, and asks for the next. */
struct ns_pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint32_t uid, gid;
    int32_t fds[3];
    int reuse;   /* a pair whose sandbox left no socket serves the next run */
    int ready, wanted, stop, taken, missed, reused;
};

/* Closes the three descriptors of a vg_prepare_namespaces pair (-1s: none). */
static void close_pair(const int32_t fds[3])
{
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static void *ns_preparer(void *arg)
{
    struct ns_pool *pool = arg;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->wanted && !pool->stop)
            pthread_cond_wait(&pool->cond, &pool->lock);
        if (pool->stop)
            break;
        pool->wanted = 0;
        pthread_mutex_unlock(&pool->lock);
        int32_t fds[3];
        vg_error e;
        int rc = vg_prepare_namespaces(pool->uid, pool->gid, fds, &e);
        pthread_mutex_lock(&pool->lock);
        if (rc == 0 && pool->ready) {
            close_pair(fds);
        } else if (rc == 0) {
            memcpy(pool->fds, fds, sizeof pool->fds);
            pool->ready = 1;
        }
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

static struct ns_pool *g_pool;

struct timing {
    double spawn, wait, total; /* medians, ms */
    double release;            /* median of vg_release: the teardown after vg_wait, ms */
    double mean, p99;          /* of total, ms */
};

/* Medians over n runs (after n/10 warm-up runs); total < 0 on failure. */
static struct timing median_spawn_wait(const vg_spawn_spec *spec, int n)
{
    struct timing t = {-1, -1, -1, -1, -1, -1};
    double *times = calloc(4 * (size_t)n, sizeof *times);
    if (times == NULL)
        return t;
    for (int i = -n / 10; i < n; i++) {
        struct timespec a, b, c;
        vg_process p;
        vg_error e;
        int status = -1;
        vg_spawn_spec run = *spec;
        int32_t pair[3] = {-1, -1, -1};
        if (g_pool != NULL) {
            pthread_mutex_lock(&g_pool->lock);
            if (g_pool->ready) {
                memcpy(pair, g_pool->fds, sizeof pair);
                g_pool->ready = 0;
                g_pool->taken++;
            } else {
                g_pool->missed++;
            }
            pthread_mutex_unlock(&g_pool->lock);
            if (pair[0] >= 0) {
                run.flags |= VG_SPAWN_PREPARED_NAMESPACES;
                run.userns_fd = pair[0];
                run.netns_fd = pair[1];
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (vg_spawn(&run, &p, &e) < 0) {
            fprintf(stderr, "spawn: %s %s\n", vg_errno_name(e.errnum), e.detail);
            free(times);
            return t;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (g_pool != NULL && !g_pool->reuse) {
            close_pair(pair);
            pthread_mutex_lock(&g_pool->lock);
            if (!g_pool->ready)
                g_pool->wanted = 1;
            pthread_cond_signal(&g_pool->cond);
            pthread_mutex_unlock(&g_pool->lock);
        }
        vg_wait(&p, -1, &status, NULL, &e);
        clock_gettime(CLOCK_MONOTONIC, &c);
        struct timespec d;
        vg_release(&p);
        clock_gettime(CLOCK_MONOTONIC, &d);
        if (g_pool != NULL && g_pool->reuse) {
            /* The sandbox is gone: its pair serves the next run if it left no socket. */
            int left = pair[0] >= 0 ? vg_netns_sockets(pair[2], &e) : -1;
            pthread_mutex_lock(&g_pool->lock);
            if (left == 0 && !g_pool->ready) {
                memcpy(g_pool->fds, pair, sizeof pair);
                g_pool->ready = 1;
                g_pool->reused++;
            } else {
                close_pair(pair);
                if (!g_pool->ready)
                    g_pool->wanted = 1;
                pthread_cond_signal(&g_pool->cond);
            }
            pthread_mutex_unlock(&g_pool->lock);
        }
        if (status != 0) {
            fprintf(stderr, "/bin/true exited %d\n", status);
            free(times);
            return t;
        }
        if (i >= 0) {
            times[i] = elapsed_ms(&a, &b);
            times[n + i] = elapsed_ms(&b, &c);
            times[2 * n + i] = elapsed_ms(&a, &c);
            times[3 * n + i] = elapsed_ms(&c, &d);
        }
    }
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += times[2 * n + i];
    t.mean = sum / n;
    double *m[4] = {&t.spawn, &t.wait, &t.total, &t.release};
    for (int k = 0; k < 4; k++) {
        qsort(times + k * n, (size_t)n, sizeof *times, cmp_double);
        *m[k] = times[k * n + n / 2];
    }
    t.p99 = times[2 * n + (n * 99) / 100];
    free(times);
    return t;
}

/* The seccomp rules of the shipped "moderate" profile: EPERM for what a sandbox never needs. */
static const char *const denied_syscalls[] = {
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon",
    "swapoff", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime", "bpf",
    "perf_event_open", "mount", "umount", "umount2", "pivot_root", "chroot", "fsopen", "fsmount", "fsconfig",
    "fspick", "move_mount", "open_tree", "mount_setattr", "ptrace", "process_vm_readv", "process_vm_writev",
    "kcmp", "userfaultfd", "keyctl", "add_key", "request_key", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "unshare", "setns", "clone3", "open_by_handle_at", "name_to_handle_at",
};

/* Opens the v1 "tasks" file of /sys/fs/cgroup/{memory,pids,cpu}/vg-bench-PID (when writable), as
 * ResourceControl does; VG_BENCH_CGROUPS (e.g. "cpu", "none") limits the controllers. */
static uint32_t join_cgroups(int32_t *fds, char dirs[3][128])
{
    static const char *const controllers[] = {"memory", "pids", "cpu"};
    uint32_t count = 0;
    for (int i = 0; i < 3; i++) {
        char procs[160];
        const char *only = getenv("VG_BENCH_CGROUPS");
        if (only != NULL && strstr(only, controllers[i]) == NULL) {
            dirs[i][0] = '\0';
            continue;
        }
        snprintf(dirs[i], 128, "/sys/fs/cgroup/%s/vg-bench-%d", controllers[i], (int)getpid());
        snprintf(procs, sizeof procs, "/sys/fs/cgroup/%s/vg-bench-%d/tasks", controllers[i], (int)getpid());
        if (mkdir(dirs[i], 0755) < 0 || (fds[count] = open(procs, O_WRONLY | O_CLOEXEC)) < 0) {
            dirs[i][0] = '\0';
            continue;
        }
        count++;
    }
    return count;
}

static int balanced(vg_spawn_spec *spec, int n)
{
    char workspace[] = "/tmp/vg-bench-ws.XXXXXX", toolchain[] = "/tmp/vg-bench-tc.XXXXXX";
    if (mkdtemp(workspace) == NULL || mkdtemp(toolchain) == NULL)
        return -1;
    const char *home = "/home/vg-bench";
    vg_mount_op mounts[] = {
        {VG_MOUNT_OVERLAY, 0, "/usr", "/usr", NULL},
        {VG_MOUNT_SYMLINK, 0, NULL, "/bin", "usr/bin"},
        {VG_MOUNT_SYMLINK, 0, NULL, "/sbin", "usr/sbin"},
        {VG_MOUNT_SYMLINK, 0, NULL, "/lib", "usr/lib"},
        {VG_MOUNT_SYMLINK, 0, NULL, "/lib64", "usr/lib64"},
        {VG_MOUNT_OVERLAY, 0, "/etc", "/etc", NULL},
        {VG_MOUNT_OVERLAY, VG_MF_OPTIONAL, "/opt", "/opt", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/shadow", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/gshadow", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/shadow-", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/gshadow-", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/sudoers", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/sudoers.d", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/ssh", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/security/opasswd", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/etc/ssl/private", NULL},
        {VG_MOUNT_PROC, 0, NULL, "/proc", NULL},
        {VG_MOUNT_DEV, 0, NULL, "/dev", NULL},
        {VG_MOUNT_TMPFS, 0, NULL, "/tmp", "mode=1777"},
        {VG_MOUNT_TMPFS, 0, NULL, "/var/tmp", "mode=1777"},
        {VG_MOUNT_TMPFS, 0, NULL, "/run", "mode=1777"},
        {VG_MOUNT_SYMLINK, VG_MF_OPTIONAL, NULL, "/var/run", "/run"},
        {VG_MOUNT_TMPFS, 0, NULL, home, "mode=0700"},
        {VG_MOUNT_BIND, VG_MF_READONLY | VG_MF_OPTIONAL, "/etc/hostname", "/home/vg-bench/.gitconfig", NULL},
        {VG_MOUNT_BIND, VG_MF_READONLY, toolchain, "/home/vg-bench/.cargo", NULL},
        {VG_MOUNT_BIND, 0, workspace, workspace, NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/home/vg-bench/.cargo/credentials", NULL},
        {VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/home/vg-bench/.cargo/credentials.toml", NULL},
    };
    vg_landlock_path_rule rules[] = {
        {"/", 1ULL << 3},       {"/usr", LL_READ_WRITE},     {"/etc", LL_READ_WRITE},
        {"/opt", LL_READ_WRITE}, {"/proc", (1ULL << 2) | (1ULL << 3)},
        {"/dev", (1ULL << 1) | (1ULL << 2) | (1ULL << 3) | (1ULL << 14) | (1ULL << 15)},
        {"/dev/shm", LL_READ_WRITE}, {"/tmp", LL_READ_WRITE}, {"/var/tmp", LL_READ_WRITE},
        {"/run", LL_READ_WRITE}, {home, LL_READ_WRITE}, {"/home/vg-bench/.cargo", LL_READ_ONLY},
        {workspace, LL_READ_WRITE}, {"/home/vg-bench/.gitconfig", LL_READ_ONLY}, {"/dev/null", LL_READ_WRITE},
    };
    size_t nsys = sizeof denied_syscalls / sizeof denied_syscalls[0];
    vg_seccomp_rule sc[64];
    memset(sc, 0, sizeof sc);
    for (size_t i = 0; i < nsys; i++)
        sc[i] = (vg_seccomp_rule){.syscall = denied_syscalls[i], .action = ERRNO_EPERM};
    /* clone of a new user namespace, TIOCSTI / TIOCLINUX ioctls (MASKED_EQ) */
    sc[nsys++] = (vg_seccomp_rule){.syscall = "clone", .action = ERRNO_EPERM, .arg_count = 1,
                                   .args = {{0, 7, 0x10000000ULL, 0x10000000ULL}}};
    sc[nsys++] = (vg_seccomp_rule){.syscall = "ioctl", .action = ERRNO_EPERM, .arg_count = 1,
                                   .args = {{1, 7, 0xffffffffULL, 0x5412}}};
    sc[nsys++] = (vg_seccomp_rule){.syscall = "ioctl", .action = ERRNO_EPERM, .arg_count = 1,
                                   .args = {{1, 7, 0xffffffffULL, 0x541C}}};
    uint8_t filter[8192];
    uint32_t filter_len = 0;
    vg_error e;
    if (vg_seccomp_compile(sc, (uint32_t)nsys, ALLOW, filter, sizeof filter, &filter_len, &e) < 0) {
        fprintf(stderr, "seccomp: %s\n", e.detail);
        return -1;
    }
    int32_t cgroup_fds[3];
    char cgroup_dirs[3][128];
    uint32_t cgroups = join_cgroups(cgroup_fds, cgroup_dirs);

    vg_spawn_spec b = *spec;
    b.namespaces |= VG_NS_NET | VG_NS_CGROUP;
    b.hostname = "vg-sandbox";
    b.cwd = workspace;
    b.mounts = mounts;
    b.mount_count = sizeof mounts / sizeof mounts[0];
    b.landlock_path_rules = rules;
    b.landlock_path_rule_count = sizeof rules / sizeof rules[0];
    b.landlock_handled_fs = LL_ALL;
    b.landlock_scoped = 3;
    b.seccomp_filter = filter;
    b.seccomp_filter_len = filter_len;
    b.cgroup_procs_fds = cgroup_fds;
    b.cgroup_procs_fd_count = cgroups;
    struct timing t = median_spawn_wait(&b, n);
    struct ns_pool pools[2];
    struct timing tp[2];
    for (int reuse = 0; reuse < 2; reuse++) {
        struct ns_pool *pool = &pools[reuse];
        *pool = (struct ns_pool){.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .uid = b.uid,
                                 .gid = b.gid, .fds = {-1, -1, -1}, .reuse = reuse, .wanted = 1};
        tp[reuse] = (struct timing){-1, -1, -1, -1, -1, -1};
        pthread_t preparer;
        if (pthread_create(&preparer, NULL, ns_preparer, pool) != 0)
            continue;
        g_pool = pool;
        tp[reuse] = median_spawn_wait(&b, n);
        g_pool = NULL;
        pthread_mutex_lock(&pool->lock);
        pool->stop = 1;
        pthread_cond_signal(&pool->cond);
        pthread_mutex_unlock(&pool->lock);
        pthread_join(preparer, NULL);
        if (pool->ready)
            close_pair(pool->fds);
    }
    for (uint32_t i = 0; i < cgroups; i++)
        close(cgroup_fds[i]);
    for (int i = 0; i < 3; i++)
        if (cgroup_dirs[i][0] != '\0')
            rmdir(cgroup_dirs[i]);
    rmdir(workspace);
    rmdir(toolchain);
    if (t.total < 0)
        return -1;
    printf("  balanced profile:       %.3f ms (vg_spawn %.3f, vg_wait %.3f; mean %.3f, p99 %.3f; %u mounts, %u cgroups, %u BPF insns)\n"
           "                          then vg_release %.3f (the kernel's teardown, not in the time above)\n",
           t.total, t.spawn, t.wait, t.mean, t.p99, b.mount_count, cgroups, filter_len / 8, t.release);
    if (tp[0].total >= 0)
        printf("  balanced, namespaces made ahead (vg_prepare_namespaces on another thread, %d of %d runs):\n"
               "                          %.3f ms (vg_spawn %.3f, vg_wait %.3f; mean %.3f, p99 %.3f)\n",
               pools[0].taken, pools[0].taken + pools[0].missed, tp[0].total, tp[0].spawn, tp[0].wait, tp[0].mean,
               tp[0].p99);
    if (tp[1].total >= 0)
        printf("  balanced, namespaces reused when the last sandbox left no socket (%d of %d runs):\n"
               "                          %.3f ms (vg_spawn %.3f, vg_wait %.3f; mean %.3f, p99 %.3f), then vg_release %.3f\n",
               pools[1].reused, pools[1].taken + pools[1].missed, tp[1].total, tp[1].spawn, tp[1].wait, tp[1].mean,
               tp[1].p99, tp[1].release);
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    long ballast_mib = argc > 2 ? atol(argv[2]) : 0;
    if (n < 1)
        n = 1;
    if (ballast_mib > 0) {
        size_t size = (size_t)ballast_mib << 20;
        char *ballast = malloc(size);
        if (ballast == NULL)
            return 1;
        memset(ballast, 1, size);
        for (int i = 0; i < BALLAST_THREADS; i++) {
            pthread_t t;
            pthread_create(&t, NULL, idle_thread, NULL);
        }
    }
    const char *args[] = {"/bin/true", NULL};
    const char *env[] = {"PATH=/usr/bin:/bin", NULL};
    vg_mount_op mounts[] = {
        {VG_MOUNT_BIND, VG_MF_READONLY, "/usr", "/usr", NULL},
        {VG_MOUNT_BIND, VG_MF_READONLY, "/etc", "/etc", NULL},
        {VG_MOUNT_SYMLINK, 0, NULL, "/bin", "usr/bin"},
        {VG_MOUNT_SYMLINK, 0, NULL, "/lib", "usr/lib"},
        {VG_MOUNT_SYMLINK, 0, NULL, "/lib64", "usr/lib64"},
        {VG_MOUNT_PROC, 0, NULL, "/proc", NULL},
        {VG_MOUNT_DEV, 0, NULL, "/dev", NULL},
        {VG_MOUNT_TMPFS, 0, NULL, "/tmp", "mode=1777"},
    };
    vg_spawn_spec spec = {
        .argv = args, .envp = env, .search_path = "/usr/bin", .cwd = "/",
        .namespaces = VG_NS_USER | VG_NS_MOUNT | VG_NS_PID | VG_NS_IPC | VG_NS_UTS,
        .flags = VG_SPAWN_NEW_SESSION | VG_SPAWN_NO_NEW_PRIVS | VG_SPAWN_DIE_WITH_CALLER,
        .uid = (uint32_t)getuid(), .gid = (uint32_t)getgid(),
        .mounts = mounts, .mount_count = sizeof mounts / sizeof mounts[0],
        .stdin_fd = -1, .stdout_fd = 1, .stderr_fd = 2,
    };
    printf("vg_spawn+vg_wait of /bin/true, median (and mean, 99th percentile) of %d runs, ballast %ld MiB + %d threads:\n", n, ballast_mib,
           ballast_mib > 0 ? BALLAST_THREADS : 0);
    struct timing without_net = median_spawn_wait(&spec, n);
    if (without_net.total < 0)
        return 1;
    printf("  no network namespace:   %.3f ms (mean %.3f, p99 %.3f)\n", without_net.total, without_net.mean, without_net.p99);
    spec.namespaces |= VG_NS_NET;
    struct timing with_net = median_spawn_wait(&spec, n);
    if (with_net.total < 0)
        return 1;
    printf("  with network namespace: %.3f ms (mean %.3f, p99 %.3f)\n", with_net.total, with_net.mean, with_net.p99);
    return balanced(&spec, n) < 0 ? 1 : 0;
}
