/*
 * bench.c - spawn latency of /bin/true in a balanced sandbox (vg_spawn + vg_wait).
 *
 *   vg_spawn_bench [runs] [ballast MiB]
 *
 * Prints the median spawn+wait time without and with a network namespace. A ballast of
 * touched memory and idle threads makes this process look like a JVM (the cost of a
 * fork-like clone grows with the caller's page tables; a CLONE_VM clone does not).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vg_core.h"

#define BALLAST_THREADS 16

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

/* Median spawn+wait time in ms over n runs (after n/10 warm-up runs), or -1. */
static double median_spawn_wait(const vg_spawn_spec *spec, int n)
{
    double *times = calloc((size_t)n, sizeof *times);
    if (times == NULL)
        return -1;
    for (int i = -n / 10; i < n; i++) {
        struct timespec a, b;
        vg_process p;
        vg_error e;
        int status = -1;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (vg_spawn(spec, &p, &e) < 0) {
            fprintf(stderr, "spawn: %s %s\n", vg_errno_name(e.errnum), e.detail);
            free(times);
            return -1;
        }
        vg_wait(&p, -1, &status, &e);
        clock_gettime(CLOCK_MONOTONIC, &b);
        vg_release(&p);
        if (status != 0) {
            fprintf(stderr, "/bin/true exited %d\n", status);
            free(times);
            return -1;
        }
        if (i >= 0)
            times[i] = elapsed_ms(&a, &b);
    }
    qsort(times, (size_t)n, sizeof *times, cmp_double);
    double median = times[n / 2];
    free(times);
    return median;
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
        .flags = VG_SPAWN_NEW_SESSION | VG_SPAWN_NO_NEW_PRIVS | VG_SPAWN_DIE_WITH_PARENT,
        .uid = (uint32_t)getuid(), .gid = (uint32_t)getgid(),
        .mounts = mounts, .mount_count = sizeof mounts / sizeof mounts[0],
        .stdin_fd = -1, .stdout_fd = 1, .stderr_fd = 2,
    };
    double without_net = median_spawn_wait(&spec, n);
    spec.namespaces |= VG_NS_NET;
    double with_net = median_spawn_wait(&spec, n);
    if (without_net < 0 || with_net < 0)
        return 1;
    printf("vg_spawn+vg_wait of /bin/true, median of %d runs, ballast %ld MiB + %d threads:\n", n, ballast_mib,
           ballast_mib > 0 ? BALLAST_THREADS : 0);
    printf("  no network namespace:   %.3f ms\n", without_net);
    printf("  with network namespace: %.3f ms\n", with_net);
    return 0;
}
