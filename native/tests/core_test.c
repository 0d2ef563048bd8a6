/*
 * core_test.c - vg_core tests. Each runs REAL sandboxes and checks effects from outside.
 * Usage: vg_core_test NAME [nobody]; "nobody" first drops to uid/gid 65534 (needs root).
 * Exit 0 pass, 1 fail, 77 skip.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

#define RET_ERRNO(e) (0x00050000U | (e))
#define RET_ALLOW 0x7fff0000U

static char *slurp(const char *path, char *buf, size_t cap)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* Writes `text` to dir/name, or makes dir/name a directory (0755) when text is NULL. */
static void put(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (text != NULL)
        spit(path, text);
    else if (mkdir(path, 0755) < 0)
        perror(path);
}

static void test_abi(void) { CHECK(vg_abi_version() == VG_CORE_ABI_VERSION, "abi %d", vg_abi_version()); }

static void test_probe(void)
{
    vg_features f;
    vg_error e;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int rc = vg_probe(&f, &e);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    printf("  kernel %d.%d landlock %d seccomp %d kill_process %d userns %d pidfd %d close_range %d "
           "overlay_userns %d mount_setattr %d (%.2f ms)\n",
           f.kernel_major, f.kernel_minor, f.landlock_abi, f.seccomp_filter, f.seccomp_kill_process,
           f.user_namespaces, f.pidfd, f.close_range, f.overlay_in_userns, f.mount_setattr, ms);
    CHECK(rc == 0, "rc %d", rc);
    CHECK(f.kernel_major >= 5, "kernel %d", f.kernel_major);
    /* This machine (kernel 6.18) has all of these; the test documents that the probe sees them. */
    CHECK(f.landlock_abi >= 1, "landlock %d", f.landlock_abi);
    CHECK(f.seccomp_filter == 1 && f.seccomp_kill_process == 1, "seccomp");
    CHECK(f.user_namespaces == 1, "userns");
    CHECK(f.pidfd == 1 && f.close_range == 1 && f.mount_setattr == 1, "pidfd/close_range/mount_setattr");
}

static void test_errno_name(void)
{
    CHECK(strcmp(vg_errno_name(EACCES), "EACCES") == 0, "%s", vg_errno_name(EACCES));
    CHECK(strcmp(vg_errno_name(ENOENT), "ENOENT") == 0, "%s", vg_errno_name(ENOENT));
    CHECK(strcmp(vg_errno_name(99999), "E?") == 0, "%s", vg_errno_name(99999));
}

static void test_pipe(void)
{
    int32_t fds[2];
    vg_error e;
    CHECK(vg_pipe(fds, &e) == 0, "vg_pipe");
    CHECK((fcntl(fds[0], F_GETFD) & FD_CLOEXEC) && (fcntl(fds[1], F_GETFD) & FD_CLOEXEC), "cloexec");
    char c = 0;
    CHECK(write(fds[1], "x", 1) == 1 && read(fds[0], &c, 1) == 1 && c == 'x', "round trip");
    CHECK(vg_close(fds[0]) == 0 && vg_close(fds[1]) == 0, "close");
    CHECK(vg_close(fds[0]) == -1, "double close fails");
}

/* ---- vg_copy: a command's stream through a pipe of the caller's ---- */

#define COPY_SIZE (3 * 1024 * 1024)

struct copy_job {
    int from;
    int to;
    int end;
    int end_wait_ms;
    int abandon;
    int close_to; /* close `to` when done, so the reader sees EOF */
    int result;
    uint64_t bytes;
    vg_error err;
};

static void *copy_thread(void *arg)
{
    struct copy_job *job = arg;
    job->result = vg_copy(job->from, job->to, job->end, job->end_wait_ms, job->abandon, &job->bytes, &job->err);
    if (job->close_to)
        close(job->to);
    return NULL;
}

struct feed {
    int fd;
    const unsigned char *data;
    size_t len;
};

static void *feed_thread(void *arg)
{
    struct feed *f = arg;
    size_t off = 0;
    while (off < f->len) {
        ssize_t n = write(f->fd, f->data + off, f->len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    close(f->fd);
    return NULL;
}

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* 3 MiB from a socket into a pipe and from a pipe into a socket arrive whole and in order, at EOF,
 * and the flags of the descriptors (blocking) are left as they were. */
static void copy_through(int source_socket)
{
    int src[2];
    int dst[2];
    if (source_socket) {
        CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, src) == 0, "socketpair");
        CHECK(pipe2(dst, O_CLOEXEC) == 0, "pipe");
    } else {
        CHECK(pipe2(src, O_CLOEXEC) == 0, "pipe");
        CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, dst) == 0, "socketpair");
    }
    unsigned char *data = malloc(COPY_SIZE);
    unsigned char *got = malloc(COPY_SIZE + 1);
    for (size_t i = 0; i < COPY_SIZE; i++)
        data[i] = (unsigned char)(i * 7 + i / 4096);
    int from_flags = fcntl(src[0], F_GETFL);
    struct feed feed = {.fd = src[1], .data = data, .len = COPY_SIZE};
    struct copy_job job = {.from = src[0], .to = dst[1], .end = -1, .abandon = -1, .close_to = 1};
    pthread_t feeder;
    pthread_t copier;
    pthread_create(&feeder, NULL, feed_thread, &feed);
    pthread_create(&copier, NULL, copy_thread, &job);
    size_t total = 0;
    for (;;) {
        ssize_t n = read(dst[0], got + total, COPY_SIZE + 1 - total);
        if (n <= 0)
            break;
        total += (size_t)n;
        if (total > COPY_SIZE)
            break;
    }
    pthread_join(feeder, NULL);
    pthread_join(copier, NULL);
    CHECK(job.result == 0, "vg_copy %d: %s errno %d", job.result, job.err.detail, job.err.errnum);
    CHECK(job.bytes == COPY_SIZE, "copied %llu", (unsigned long long)job.bytes);
    CHECK(total == COPY_SIZE && memcmp(got, data, COPY_SIZE) == 0, "received %zu bytes, equal: %d", total,
          total == COPY_SIZE && memcmp(got, data, COPY_SIZE) == 0);
    CHECK(fcntl(src[0], F_GETFL) == from_flags && !(from_flags & O_NONBLOCK), "source flags %x", fcntl(src[0], F_GETFL));
    close(src[0]);
    close(dst[0]);
    free(data);
    free(got);
}

static void test_copy(void)
{
    copy_through(1);
    copy_through(0);
}

/* Once the end descriptor hangs up, the copy waits end_wait_ms for more and returns, although
 * the source never reaches EOF (a writer still holds it). */
static void test_copy_ended(void)
{
    int src[2];
    int dst[2];
    int end[2];
    CHECK(pipe2(src, O_CLOEXEC) == 0 && pipe2(end, O_CLOEXEC) == 0, "pipes");
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, dst) == 0, "socketpair");
    struct copy_job job = {.from = src[0], .to = dst[1], .end = end[0], .end_wait_ms = 100, .abandon = -1};
    pthread_t copier;
    pthread_create(&copier, NULL, copy_thread, &job);
    CHECK(write(src[1], "abc", 3) == 3, "write");
    char got[8] = {0};
    CHECK(read(dst[0], got, sizeof got) == 3 && memcmp(got, "abc", 3) == 0, "got '%s'", got);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    close(end[1]);
    pthread_join(copier, NULL);
    long waited = elapsed_ms(&start);
    CHECK(job.result == 0 && job.bytes == 3, "result %d bytes %llu", job.result, (unsigned long long)job.bytes);
    CHECK(waited >= 90 && waited < 2000, "returned after %ld ms", waited);
    close(src[0]);
    close(src[1]);
    close(end[0]);
    close(dst[0]);
    close(dst[1]);
}

/* A socket target nobody reads takes as much as its buffer holds, not only the first quarter
 * (poll's POLLOUT on a unix socket waits until three quarters are free). */
static void test_copy_fills_socket(void)
{
    enum { SIZE = 160 * 1024 };
    int src[2];
    int dst[2];
    CHECK(pipe2(src, O_CLOEXEC) == 0, "pipe");
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, dst) == 0, "socketpair");
    int size = 212992;
    setsockopt(dst[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    static unsigned char data[SIZE];
    struct feed feed = {.fd = src[1], .data = data, .len = SIZE};
    struct copy_job job = {.from = src[0], .to = dst[1], .end = -1, .abandon = -1};
    pthread_t feeder;
    pthread_t copier;
    pthread_create(&feeder, NULL, feed_thread, &feed);
    pthread_create(&copier, NULL, copy_thread, &job);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    int joined = pthread_timedjoin_np(copier, NULL, &deadline);
    CHECK(joined == 0, "the copy ended without a reader");
    if (joined != 0) {
        close(dst[0]); /* the copy fails with EPIPE and ends */
        pthread_join(copier, NULL);
    } else {
        CHECK(job.result == 0 && job.bytes == SIZE, "result %d bytes %llu", job.result, (unsigned long long)job.bytes);
        close(dst[0]);
    }
    pthread_join(feeder, NULL);
    close(src[0]);
    close(dst[1]);
}

/* A copy stuck on a target that takes nothing (a full socket nobody reads) returns at once when
 * abandoned; a target pipe without a reader fails the copy with EPIPE. */
static void test_copy_abandoned(void)
{
    signal(SIGPIPE, SIG_IGN);
    int src[2];
    int dst[2];
    int abandon[2];
    CHECK(pipe2(src, O_CLOEXEC) == 0 && pipe2(abandon, O_CLOEXEC) == 0, "pipes");
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, dst) == 0, "socketpair");
    static unsigned char block[65536];
    while (send(dst[1], block, sizeof block, MSG_DONTWAIT) > 0)
        ; /* the socket is full: nobody reads it */
    CHECK(write(src[1], "data", 4) == 4, "write");
    struct copy_job job = {.from = src[0], .to = dst[1], .abandon = abandon[0], .end = -1};
    pthread_t copier;
    pthread_create(&copier, NULL, copy_thread, &job);
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    close(abandon[1]);
    pthread_join(copier, NULL);
    CHECK(job.result == 0, "abandoned: %d", job.result);
    CHECK(elapsed_ms(&start) < 1000, "returned after %ld ms", elapsed_ms(&start));
    CHECK(!(fcntl(dst[1], F_GETFL) & O_NONBLOCK), "target left blocking");
    close(src[0]);
    close(src[1]);
    close(abandon[0]);
    close(dst[0]);
    close(dst[1]);

    int to[2];
    CHECK(pipe2(src, O_CLOEXEC) == 0 && pipe2(to, O_CLOEXEC) == 0, "pipes");
    close(to[0]);
    CHECK(write(src[1], "x", 1) == 1, "write");
    vg_error err;
    uint64_t bytes = 1;
    CHECK(vg_copy(src[0], to[1], -1, 0, -1, &bytes, &err) == -1 && err.errnum == EPIPE && bytes == 0,
          "no reader: errno %d bytes %llu", err.errnum, (unsigned long long)bytes);
    close(src[0]);
    close(src[1]);
    close(to[1]);
}

/* FS_TOPDIR_FL is set where the filesystem has it (ext4) and 1 returned, 0 where it has not; a
 * symlink is not followed. */
static void test_spread_subdirectories(void)
{
    char dir[] = "/var/tmp/vg-spread-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
    vg_error e;
    int32_t r = vg_spread_subdirectories(dir, &e);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int flags = 0;
    int flag_set = fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_TOPDIR_FL);
    CHECK(r >= 0 && (r == 1) == flag_set, "returned %d, flag set %d (%s)", r, flag_set, e.detail);
    CHECK(vg_spread_subdirectories(dir, &e) == r, "a second call returns the same");
    if (fd >= 0)
        close(fd);
    char link[sizeof dir + 8];
    snprintf(link, sizeof link, "%s.link", dir);
    CHECK(symlink(dir, link) == 0, "symlink");
    CHECK(vg_spread_subdirectories(link, &e) == -1 && (e.errnum == ENOTDIR || e.errnum == ELOOP), "symlink: errno %d", e.errnum);
    CHECK(vg_spread_subdirectories(NULL, &e) == -1 && e.errnum == EINVAL, "NULL: errno %d", e.errnum);
    unlink(link);
    rmdir(dir);
}

static uint8_t bpf[65536];

static void test_seccomp_compile(void)
{
    vg_seccomp_rule rules[3] = {
        {.syscall = "mkdir", .action = RET_ERRNO(EPERM)},
        {.syscall = "no_such_syscall_vg", .action = RET_ERRNO(EPERM)},
        {.syscall = "ioctl", .action = RET_ERRNO(EPERM), .arg_count = 1,
         .args = {{.index = 1, .op = 7 /* MASKED_EQ */, .value = 0xffffffffULL, .value_two = 0x5412}}},
    };
    uint32_t len = 0;
    vg_error e;
    int rc = vg_seccomp_compile(rules, 3, RET_ALLOW, bpf, sizeof bpf, &len, &e);
    CHECK(rc == 0, "rc %d %s %s", rc, vg_errno_name(e.errnum), e.detail);
    CHECK(len > 0 && len % 8 == 0, "len %u", len);
    uint32_t len2 = 0;
    rc = vg_seccomp_compile(rules, 1, RET_ALLOW, bpf, sizeof bpf, &len2, &e);
    CHECK(rc == 0 && len2 < len, "fewer rules, shorter program: %u < %u", len2, len);
    /* A rule whose action is the default action is rejected by libseccomp. */
    rc = vg_seccomp_compile(rules, 1, RET_ERRNO(EPERM), bpf, sizeof bpf, &len2, &e);
    CHECK(rc == -1 && e.step == VG_STEP_SECCOMP_COMPILE, "rc %d step %d", rc, e.step);
}

static void test_seccomp_capacity(void)
{
    vg_seccomp_rule rule = {.syscall = "mkdir", .action = RET_ERRNO(EPERM)};
    uint32_t len = 0;
    vg_error e;
    int rc = vg_seccomp_compile(&rule, 1, RET_ALLOW, bpf, 8, &len, &e);
    CHECK(rc == -1 && e.errnum == ENOSPC, "rc %d errnum %s", rc, vg_errno_name(e.errnum));
    CHECK(len > 8, "needed size reported: %u", len);
}

static void test_exit_code(void)
{
    t_sandbox s;
    t_init(&s);
    CHECK(t_sh(&s, "exit 42") == 0 && s.status == 42, "status %d", s.status);
    CHECK(t_sh(&s, "kill -TERM $$") == 0 && s.status == 143, "status %d", s.status);
    CHECK(t_run(&s, "true", (char *)NULL) == 0 && s.status == 0, "status %d", s.status);
    t_cleanup(&s);
}

static void test_workspace_write(void)
{
    t_sandbox s;
    t_init(&s);
    char path[128], buf[64];
    snprintf(path, sizeof path, "%s/f", s.workspace);
    CHECK(t_sh(&s, "echo hi > f && cat f") == 0 && s.status == 0, "status %d", s.status);
    CHECK(slurp(path, buf, sizeof buf) && strcmp(buf, "hi\n") == 0, "host sees '%s'", buf);
    t_cleanup(&s);
}

static void test_outside_write(void)
{
    t_sandbox s;
    t_init(&s);
    char host[64], script[512], path[128];
    t_tmpdir(host, sizeof host);
    snprintf(script, sizeof script, "echo x > %s/f; echo x > /f; echo x > /vgtest; mkdir /newdir; echo x > /tmp/../f2", host);
    CHECK(t_sh(&s, script) == 0, "spawn");
    snprintf(path, sizeof path, "%s/f", host);
    CHECK(!t_exists(path), "%s written", path);
    CHECK(!t_exists("/vgtest") && !t_exists("/newdir") && !t_exists("/f2"), "host root written");
    t_rm_rf(host);
    t_cleanup(&s);
}

static void test_system_ro(void)
{
    t_sandbox s;
    t_init(&s);
    CHECK(t_sh(&s, "touch /usr/vgtest-ro || touch /etc/vgtest-ro || rm -f /etc/hostname || echo x >> /etc/hostname "
                   "|| exit 3; exit 0") == 0 && s.status == 3,
          "status %d", s.status);
    CHECK(!t_exists("/usr/vgtest-ro") && !t_exists("/etc/vgtest-ro") && t_exists("/etc/hostname"), "host changed");
    CHECK(strstr(s.out, "Read-only") != NULL, "expected EROFS");
    t_cleanup(&s);
}

static void test_symlink_escape(void)
{
    t_sandbox s;
    t_init(&s);
    char ro[64], hidden[64], target[128], link[128], cmd[512], buf[64];
    t_tmpdir(ro, sizeof ro);
    t_tmpdir(hidden, sizeof hidden);
    snprintf(target, sizeof target, "%s/file", ro);
    spit(target, "original\n");
    chmod(target, 0666);
    t_mount(&s, VG_MOUNT_BIND, VG_MF_READONLY, ro, ro, NULL);
    snprintf(link, sizeof link, "%s/link", s.workspace);
    CHECK(symlink(target, link) == 0, "symlink");
    snprintf(link, sizeof link, "%s/link2", s.workspace);
    snprintf(cmd, sizeof cmd, "%s/new", hidden);
    CHECK(symlink(cmd, link) == 0, "symlink2");
    CHECK(t_sh(&s, "echo pwned > link; echo pwned > link2; ln link hard; cat link") == 0, "spawn");
    CHECK(slurp(target, buf, sizeof buf) && strcmp(buf, "original\n") == 0, "target now '%s'", buf);
    CHECK(!t_exists(cmd), "%s created through link2", cmd);
    t_rm_rf(ro);
    t_rm_rf(hidden);
    t_cleanup(&s);
}

static void test_private_tmp(void)
{
    t_sandbox s;
    t_init(&s);
    char secret[] = "/tmp/vg-host-secret-XXXXXX", script[256];
    int fd = mkstemp(secret);
    close(fd);
    snprintf(script, sizeof script, "test -e %s && exit 1; ls /tmp; exit 0", secret);
    CHECK(t_sh(&s, script) == 0 && s.status == 0, "host /tmp file visible (status %d)", s.status);
    unlink(secret);
    t_cleanup(&s);
}

static void test_pid_isolation(void)
{
    t_sandbox s;
    t_init(&s);
    char script[256];
    snprintf(script, sizeof script, "echo $(ls /proc | grep -c '^[0-9]'); kill -0 %d && echo KILLED-HOST; kill -9 1; true",
             (int)getpid());
    CHECK(t_sh(&s, script) == 0 && s.status == 0, "status %d", s.status);
    /* init, sh, the $(...) subshell, ls, grep */
    CHECK(atoi(s.out) >= 1 && atoi(s.out) <= 6, "sandbox sees %d pids", atoi(s.out));
    CHECK(strstr(s.out, "KILLED-HOST") == NULL, "host pid signalled");
    CHECK(kill(getpid(), 0) == 0, "still alive");
    t_cleanup(&s);
}

static void test_proc_root(void)
{
    t_sandbox s;
    t_init(&s);
    char host[64], marker[128], script[512];
    t_tmpdir(host, sizeof host);
    snprintf(marker, sizeof marker, "%s/marker", host);
    spit(marker, "secret\n");
    snprintf(script, sizeof script,
             "cat /proc/1/root%s; cat /proc/self/root%s; ls /proc/1/root/ | tr '\\n' ' '; test -e /proc/1/root/oldroot && echo OLDROOT; true",
             marker, marker);
    CHECK(t_sh(&s, script) == 0, "spawn");
    CHECK(strstr(s.out, "secret") == NULL && strstr(s.out, "OLDROOT") == NULL, "escaped via /proc/*/root");
    t_rm_rf(host);
    t_cleanup(&s);
}

static void test_fd_leak(void)
{
    t_sandbox s;
    t_init(&s);
    int leak = open("/etc/hostname", O_RDONLY); /* deliberately not CLOEXEC */
    int leak2 = dup2(leak, 100);
    CHECK(t_run(&s, VG_TEST_HELPER, "fds", (char *)NULL) == 0 && s.status == 0, "status %d", s.status);
    CHECK(strcmp(s.out, "0\n1\n2\n") == 0, "open fds: %s", s.out);
    close(leak);
    close(leak2);
    t_cleanup(&s);
}

/* Makes `syscall_name` fail with ENOSYS in this (test) process and what it starts, as on a kernel
 * without it or under a container runtime's seccomp profile that hides it. */
static int hide_syscall(const char *syscall_name)
{
    vg_seccomp_rule rule = {.syscall = syscall_name, .action = RET_ERRNO(ENOSYS)};
    uint8_t filter[512];
    uint32_t len = 0;
    vg_error e;
    if (vg_seccomp_compile(&rule, 1, RET_ALLOW, filter, sizeof filter, &len, &e) < 0 ||
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    struct sock_fprog program = {.len = (unsigned short)(len / 8), .filter = (struct sock_filter *)(void *)filter};
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program);
}

/* Without close_range (a seccomp filter answers ENOSYS, as a container runtime's profile may):
 * the init and the command close what they inherit one by one; nothing leaks. */
static void test_fd_leak_without_close_range(void)
{
    pid_t child = fork();
    if (child == 0) {
        if (hide_syscall("close_range") < 0)
            _exit(3);
        if (syscall(SYS_close_range, 1000U, 1000U, 0U) == 0 || errno != ENOSYS)
            _exit(4);
        t_sandbox s;
        t_init(&s);
        int leak = open("/etc/hostname", O_RDONLY); /* deliberately not CLOEXEC */
        dup2(leak, 100);
        int verdict = t_run(&s, VG_TEST_HELPER, "fds", (char *)NULL) != 0 || s.status != 0 ? 5
                      : strcmp(s.out, "0\n1\n2\n") == 0                                  ? 0
                                                                                          : 6;
        t_cleanup(&s);
        _exit(verdict);
    }
    int status = -1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "without close_range: child status %d (3 filter, 4 not hidden, 5 run failed, 6 fds leaked)", status);
}

/* Without mount_setattr (Linux < 5.12, or hidden by a seccomp profile) no sandbox starts: the
 * setup fails with ENOSYS at the mount step rather than going on with mounts lacking nosuid,
 * nodev or read-only. */
static void test_without_mount_setattr(void)
{
    pid_t child = fork();
    if (child == 0) {
        if (hide_syscall("mount_setattr") < 0)
            _exit(3);
        t_sandbox s;
        t_init(&s);
        t_mount(&s, VG_MOUNT_REMOUNT_RO, 0, NULL, "/usr", NULL);
        int rc = t_run(&s, "true", (char *)NULL);
        int refused = rc < 0 && s.err.step == VG_STEP_MOUNT && s.err.errnum == ENOSYS;
        t_cleanup(&s);
        _exit(refused ? 0 : 5);
    }
    int status = -1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "without mount_setattr: child status %d (3 filter, 5 not refused with ENOSYS at the mount step)", status);
}

static void test_env_exact(void)
{
    t_sandbox s;
    t_init(&s);
    s.envp[0] = "A=1";
    s.envp[1] = "PATH=/usr/bin:/bin";
    s.envp[2] = NULL;
    setenv("VG_TEST_SECRET", "leak", 1);
    CHECK(t_run(&s, "env", (char *)NULL) == 0 && s.status == 0, "status %d", s.status);
    CHECK(strcmp(s.out, "A=1\nPATH=/usr/bin:/bin\n") == 0, "env: %s", s.out);
    t_cleanup(&s);
}

/* A listener of the host on 127.0.0.1; its port in `port`. */
static int host_listener(char port[16])
{
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    CHECK(bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 4) == 0, "listen");
    getsockname(l, (struct sockaddr *)&a, &alen);
    snprintf(port, 16, "%d", ntohs(a.sin_port));
    return l;
}

static void test_net_isolation(void)
{
    char port[16];
    int l = host_listener(port);
    t_sandbox s;
    t_init(&s);
    CHECK(t_run(&s, VG_TEST_HELPER, "connect", port, (char *)NULL) == 0 && s.status == 1, "NET ns: status %d", s.status);
    /* Control: without the net namespace the same connect works, so the check above can fail. */
    s.spec.namespaces &= ~(uint32_t)VG_NS_NET;
    CHECK(t_run(&s, VG_TEST_HELPER, "connect", port, (char *)NULL) == 0 && s.status == 0, "no NET ns: status %d", s.status);
    close(l);
    t_cleanup(&s);
}

/* Namespaces made ahead of time (vg_prepare_namespaces): the sandbox's loopback works, a listener
 * of the host is out of reach, each pair is a network of its own, the ids are mapped;
 * vg_netns_sockets sees nothing left by sandboxes that used no socket, and a TIME_WAIT left by
 * one that did. */
static void test_prepared_namespaces(void)
{
    char port[16];
    int l = host_listener(port);

    t_sandbox s;
    t_init(&s);
    vg_error e;
    int32_t fds[3] = {-1, -1, -1};
    char nets[2][64];
    /* A process that changed uids (as this test does for "nobody") is not dumpable: refused. A
     * process started as that user is dumpable: the rest runs as one. */
    int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    if (dumpable != 1) {
        CHECK(vg_prepare_namespaces(s.spec.uid, s.spec.gid, fds, &e) < 0 && e.errnum == EPERM, "errno %d",
              e.errnum);
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    }
    s.spec.flags |= VG_SPAWN_PREPARED_NAMESPACES;
    for (int i = 0; i < 2; i++) {
        CHECK(vg_prepare_namespaces(s.spec.uid, s.spec.gid, fds, &e) == 0, "prepare: %s %s", vg_errno_name(e.errnum),
              e.detail);
        s.spec.userns_fd = fds[0];
        s.spec.netns_fd = fds[1];
        CHECK(vg_netns_sockets(fds[2], &e) == 0, "a new network namespace holds sockets: %d",
              vg_netns_sockets(fds[2], &e));
        CHECK(t_run(&s, "true", (char *)NULL) == 0 && s.status == 0 && vg_netns_sockets(fds[2], &e) == 0,
              "a sandbox that made no socket left %d", vg_netns_sockets(fds[2], &e));
        if (i == 0) {
            CHECK(t_run(&s, VG_TEST_HELPER, "timewait", (char *)NULL) == 0 && s.status == 0, "timewait: %d %s",
                  s.status, s.out);
            CHECK(vg_netns_sockets(fds[2], &e) > 0, "the TIME_WAIT connection is not seen: %d",
                  vg_netns_sockets(fds[2], &e));
        }
        CHECK(t_run(&s, VG_TEST_HELPER, "loopback", (char *)NULL) == 0 && s.status == 0, "loopback: %d %s", s.status,
              s.out);
        CHECK(t_run(&s, VG_TEST_HELPER, "connect", port, (char *)NULL) == 0 && s.status == 1,
              "the host's listener was reached: status %d", s.status);
        CHECK(t_sh(&s, "readlink /proc/self/ns/net; cat /proc/self/uid_map") == 0 && s.status == 0, "status %d",
              s.status);
        snprintf(nets[i], sizeof nets[i], "%.63s", s.out);
        char *nl = strchr(nets[i], '\n');
        if (nl != NULL)
            *nl = '\0';
        char map[64];
        snprintf(map, sizeof map, "%u %u 1", (unsigned)s.spec.uid, (unsigned)getuid());
        char squeezed[sizeof s.out];
        size_t k = 0;
        for (const char *c = s.out; *c != '\0' && k + 1 < sizeof squeezed; c++)
            if (*c != ' ' || (k > 0 && squeezed[k - 1] != ' '))
                squeezed[k++] = *c;
        squeezed[k] = '\0';
        CHECK(strstr(squeezed, map) != NULL, "uid_map %s expected in: %s", map, s.out);
        close(fds[0]);
        close(fds[1]);
        close(fds[2]);
    }
    char host[64] = "";
    ssize_t n = readlink("/proc/self/ns/net", host, sizeof host - 1);
    host[n < 0 ? 0 : n] = '\0';
    CHECK(strncmp(nets[0], "net:[", 5) == 0 && strcmp(nets[0], nets[1]) != 0 && strcmp(nets[0], host) != 0,
          "a network namespace per pair: %s %s (host %s)", nets[0], nets[1], host);
    /* Not a sockstat: an error, never "nothing left". */
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(vg_netns_sockets(devnull, &e) < 0 && e.errnum == EPROTO, "errno %d", e.errnum);
    close(devnull);
    CHECK(vg_netns_sockets(-1, &e) < 0 && e.errnum == EBADF, "errno %d", e.errnum);
    /* The flag without a pair is refused before anything starts. */
    s.spec.userns_fd = -1;
    s.spec.netns_fd = -1;
    vg_process p;
    CHECK(vg_spawn(&s.spec, &p, &e) < 0 && e.step == VG_STEP_ARGS && e.errnum == EINVAL, "step %d errno %d", e.step,
          e.errnum);
    prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
    close(l);
    t_cleanup(&s);
}

/* The network namespace has a working loopback: localhost servers in the sandbox work. */
static void test_loopback(void)
{
    t_sandbox s;
    t_init(&s);
    CHECK((s.spec.namespaces & VG_NS_NET) && t_run(&s, VG_TEST_HELPER, "loopback", (char *)NULL) == 0 && s.status == 0,
          "status %d: %s", s.status, s.out);
    t_cleanup(&s);
}

static void test_no_survivors(void)
{
    t_sandbox s;
    t_init(&s);
    char marker[128];
    snprintf(marker, sizeof marker, "%s/alive", s.workspace);
    CHECK(t_sh(&s, "(setsid sh -c 'sleep 1; echo alive > alive' &) ; echo started") == 0 && s.status == 0,
          "status %d", s.status);
    usleep(1800 * 1000);
    CHECK(!t_exists(marker), "double-forked daemon survived and wrote %s", marker);
    t_cleanup(&s);
}

static void test_signal_forward(void)
{
    t_sandbox s;
    t_init(&s);
    int out = memfd_create("out", MFD_CLOEXEC);
    s.spec.stdout_fd = s.spec.stderr_fd = out;
    s.argv[0] = "/bin/sh";
    s.argv[1] = "-c";
    s.argv[2] = "trap 'echo got-term; exit 7' TERM; echo ready > ready; while :; do sleep 0.05; done";
    s.argv[3] = NULL;
    vg_process p;
    vg_error e;
    CHECK(vg_spawn(&s.spec, &p, &e) == 0, "spawn: %s", e.detail);
    char ready[128];
    snprintf(ready, sizeof ready, "%s/ready", s.workspace);
    for (int i = 0; i < 500 && !t_exists(ready); i++)
        usleep(10000);
    CHECK(t_exists(ready), "command started");
    int status = -1;
    CHECK(vg_wait(&p, 0, &status, NULL, &e) == 0, "still running");
    CHECK(vg_kill(&p, SIGTERM, &e) == 0, "kill");
    CHECK(vg_wait(&p, 10000, &status, NULL, &e) == 1 && status == 7, "trap ran, status %d", status);
    vg_release(&p);
    /* Without a trap: killed by SIGTERM -> 143. */
    s.argv[0] = "sleep";
    s.argv[1] = "30";
    s.argv[2] = NULL;
    CHECK(vg_spawn(&s.spec, &p, &e) == 0, "spawn: %s", e.detail);
    usleep(50000);
    CHECK(vg_kill(&p, SIGTERM, &e) == 0, "kill");
    CHECK(vg_wait(&p, 10000, &status, NULL, &e) == 1 && status == 143, "status %d", status);
    vg_release(&p);
    /* SIGKILL ends the whole sandbox at once. */
    CHECK(vg_spawn(&s.spec, &p, &e) == 0, "spawn: %s", e.detail);
    CHECK(vg_kill(&p, SIGKILL, &e) == 0, "kill");
    CHECK(vg_wait(&p, 10000, &status, NULL, &e) == 1 && status == 137, "status %d", status);
    vg_release(&p);
    close(out);
    t_cleanup(&s);
}

static void test_exec_enoent(void)
{
    t_sandbox s;
    t_init(&s);
    CHECK(t_run(&s, "no-such-command-vg", (char *)NULL) == -1, "spawn must fail");
    CHECK(s.err.step == VG_STEP_EXEC && s.err.errnum == ENOENT, "step %d %s", s.err.step, vg_errno_name(s.err.errnum));
    CHECK(strstr(s.err.detail, "no-such-command-vg") != NULL, "detail %s", s.err.detail);
    CHECK(t_run(&s, "/usr/bin/no-such-command-vg", (char *)NULL) == -1 && s.err.errnum == ENOENT, "absolute");
    t_cleanup(&s);
}

static void test_exec_eacces(void)
{
    t_sandbox s;
    t_init(&s);
    char path[128];
    snprintf(path, sizeof path, "%s/script", s.workspace);
    spit(path, "#!/bin/sh\necho hi\n");
    chmod(path, 0644);
    s.spec.search_path = s.workspace;
    CHECK(t_run(&s, "script", (char *)NULL) == -1, "spawn must fail");
    CHECK(s.err.step == VG_STEP_EXEC && s.err.errnum == EACCES, "step %d %s", s.err.step, vg_errno_name(s.err.errnum));
    CHECK(t_run(&s, path, (char *)NULL) == -1 && s.err.errnum == EACCES, "absolute: %s", vg_errno_name(s.err.errnum));
    chmod(path, 0755);
    CHECK(t_run(&s, "script", (char *)NULL) == 0 && s.status == 0 && strcmp(s.out, "hi\n") == 0, "executable now");
    t_cleanup(&s);
}

static void test_mount_error(void)
{
    t_sandbox s;
    t_init(&s);
    t_mount(&s, VG_MOUNT_BIND, 0, "/nonexistent/vg-src", "/data", NULL);
    CHECK(t_run(&s, "true", (char *)NULL) == -1, "spawn must fail");
    CHECK(s.err.step == VG_STEP_MOUNT && s.err.errnum == ENOENT, "step %d %s", s.err.step, vg_errno_name(s.err.errnum));
    CHECK(strcmp(s.err.detail, "bind /nonexistent/vg-src") == 0, "detail '%s'", s.err.detail);
    s.mounts[s.spec.mount_count - 1].flags = VG_MF_OPTIONAL;
    CHECK(t_run(&s, "true", (char *)NULL) == 0 && s.status == 0, "optional is skipped");
    t_cleanup(&s);
}

static void test_seccomp_mkdir(void)
{
    vg_seccomp_rule rules[2] = {{.syscall = "mkdir", .action = RET_ERRNO(EPERM)},
                                {.syscall = "mkdirat", .action = RET_ERRNO(EPERM)}};
    uint32_t len = 0;
    vg_error e;
    CHECK(vg_seccomp_compile(rules, 2, RET_ALLOW, bpf, sizeof bpf, &len, &e) == 0, "compile");
    t_sandbox s;
    t_init(&s);
    s.spec.seccomp_filter = bpf;
    s.spec.seccomp_filter_len = len;
    char path[128];
    snprintf(path, sizeof path, "%s/d", s.workspace);
    CHECK(t_sh(&s, "mkdir d; echo x > f && echo wrote") == 0 && s.status == 0, "status %d", s.status);
    CHECK(strstr(s.out, "Operation not permitted") != NULL && strstr(s.out, "wrote") != NULL, "EPERM only for mkdir");
    CHECK(!t_exists(path), "%s created", path);
    t_cleanup(&s);
}

/* The rules of seccomp/strict.json, built in C (JSON parsing is the Java side's job). */
static void test_seccomp_profile(void)
{
#define MASKED(i, mask, datum) {.index = i, .op = 7, .value = mask, .value_two = datum}
#define CMP(i, o, v) {.index = i, .op = o, .value = v}
    vg_seccomp_rule rules[] = {
        {.syscall = "ioctl", .action = RET_ERRNO(EPERM), .arg_count = 1, .args = {MASKED(1, 0xffffffffULL, 0x5412)}},
        {.syscall = "ioctl", .action = RET_ERRNO(EPERM), .arg_count = 1, .args = {MASKED(1, 0xffffffffULL, 0x541C)}},
        {.syscall = "clone", .action = RET_ERRNO(EPERM), .arg_count = 1, .args = {MASKED(0, 0x10000000, 0x10000000)}},
        {.syscall = "clone3", .action = RET_ERRNO(ENOSYS)},
        {.syscall = "unshare", .action = RET_ERRNO(EPERM)},
        {.syscall = "io_uring_setup", .action = RET_ERRNO(EPERM)},
        /* ADDR_NO_RANDOMIZE set and bit 31 clear: the 0xffffffff query stays allowed. */
        {.syscall = "personality", .action = RET_ERRNO(EPERM), .arg_count = 1,
         .args = {MASKED(0, 0x80040000ULL, 0x0040000)}},
        {.syscall = "socket", .action = RET_ERRNO(EPERM), .arg_count = 1, .args = {CMP(0, 4, 17)}},
        {.syscall = "socket", .action = RET_ERRNO(EPERM), .arg_count = 1, .args = {MASKED(1, 0xf, 3)}},
    };
    uint32_t len = 0;
    vg_error e;
    int rc = vg_seccomp_compile(rules, sizeof rules / sizeof rules[0], RET_ALLOW, bpf, sizeof bpf, &len, &e);
    CHECK(rc == 0, "compile: %s %s", vg_errno_name(e.errnum), e.detail);
    t_sandbox s;
    t_init(&s);
    s.spec.seccomp_filter = bpf;
    s.spec.seccomp_filter_len = len;
    CHECK(t_run(&s, VG_TEST_HELPER, "syscalls", (char *)NULL) == 0 && s.status == 0, "status %d", s.status);
    const char *expect[] = {"tiocsti64 EPERM", "tioclinux EPERM", "clone_newuser EPERM", "clone3 ENOSYS",
                            "unshare EPERM", "personality_query ok", "personality_set EPERM", "socket_packet EPERM",
                            "socket_raw EPERM", "socket_tcp ok", "io_uring EPERM"};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        CHECK(strstr(s.out, expect[i]) != NULL, "missing '%s'", expect[i]);
    /* Control: without the filter the masked ioctl is not EPERM (ENOTTY on /dev/null). */
    s.spec.seccomp_filter = NULL;
    s.spec.seccomp_filter_len = 0;
    CHECK(t_run(&s, VG_TEST_HELPER, "syscalls", (char *)NULL) == 0 && strstr(s.out, "tiocsti64 EPERM") == NULL,
          "unfiltered ioctl denied");
    t_cleanup(&s);
}

static void test_landlock_write(void)
{
    t_sandbox s;
    t_init(&s);
    char other[64], path[128], script[256];
    t_tmpdir(other, sizeof other);
    t_mount(&s, VG_MOUNT_BIND, 0, other, other, NULL); /* writable mount, but not in Landlock's list */
    uint64_t write_rights = (1ULL << 13) - 1 - LANDLOCK_ACCESS_FS_EXECUTE - LANDLOCK_ACCESS_FS_READ_FILE -
                            LANDLOCK_ACCESS_FS_READ_DIR;
    vg_landlock_path_rule rules[3] = {
        {"/", LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR},
        {s.workspace, write_rights},
        {"/dev/null", LANDLOCK_ACCESS_FS_WRITE_FILE},
    };
    s.spec.landlock_handled_fs = write_rights | LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
                                 LANDLOCK_ACCESS_FS_READ_DIR | (1ULL << 14);
    s.spec.landlock_path_rules = rules;
    s.spec.landlock_path_rule_count = 3;
    s.spec.landlock_scoped = 3;
    snprintf(script, sizeof script, "echo x > %s/f; echo y > ok && echo wrote-ok; echo z > /dev/null && echo null-ok", other);
    CHECK(t_sh(&s, script) == 0 && s.status == 0, "status %d", s.status);
    snprintf(path, sizeof path, "%s/f", other);
    CHECK(!t_exists(path), "Landlock let %s be written", path);
    CHECK(strstr(s.out, "wrote-ok") && strstr(s.out, "null-ok"), "allowed writes work");
    t_rm_rf(other);
    t_cleanup(&s);
}

static void test_proc_sys_ro(void)
{
    t_sandbox s;
    t_init(&s);
    char before[256], after[256];
    slurp("/proc/sys/kernel/core_pattern", before, sizeof before);
    CHECK(t_sh(&s, "echo '|/tmp/pwn' > /proc/sys/kernel/core_pattern && echo W1; echo 1 > /proc/sys/vm/drop_caches && echo W2;"
                   " echo h > /proc/sysrq-trigger && echo W3; cat /proc/kcore | head -c 10 | wc -c; cat /proc/keys; true") == 0,
          "spawn");
    slurp("/proc/sys/kernel/core_pattern", after, sizeof after);
    CHECK(strcmp(before, after) == 0, "core_pattern changed to %s", after);
    if (strcmp(before, after) != 0)
        spit("/proc/sys/kernel/core_pattern", before); /* a failing run must not leave the host changed */
    CHECK(strstr(s.out, "W1") == NULL && strstr(s.out, "W2") == NULL && strstr(s.out, "W3") == NULL, "a write worked");
    CHECK(strncmp(s.out, "0\n", 2) == 0 || strstr(s.out, "\n0\n") != NULL, "/proc/kcore readable");
    t_cleanup(&s);
}

static void test_remount_denied(void)
{
    t_sandbox s;
    t_init(&s);
    CHECK(t_sh(&s, "mount -o remount,rw / ; mount -o remount,rw /usr; " VG_TEST_HELPER " remount /usr; "
                   VG_TEST_HELPER " remount /; touch /usr/vg-remounted && echo WROTE; true") == 0, "spawn");
    CHECK(strstr(s.out, "REMOUNT-OK") == NULL && strstr(s.out, "WROTE") == NULL, "remount worked");
    CHECK(!t_exists("/usr/vg-remounted"), "host /usr written");
    t_cleanup(&s);
}

static void test_rlimit(void)
{
    t_sandbox s;
    t_init(&s);
    vg_rlimit limits[2] = {{.resource = RLIMIT_FSIZE, .soft = 1 << 20, .hard = 1 << 20},
                           {.resource = RLIMIT_AS, .soft = 256ULL << 20, .hard = 256ULL << 20}};
    s.spec.rlimits = limits;
    s.spec.rlimit_count = 2;
    char path[128];
    snprintf(path, sizeof path, "%s/big", s.workspace);
    CHECK(t_run(&s, "head", "-c", "4000000", "/dev/zero", (char *)NULL) == 0, "spawn");
    CHECK(t_sh(&s, "head -c 4000000 /dev/zero > big") == 0 && s.status != 0, "status %d", s.status);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size <= (1 << 20), "size %lld", (long long)st.st_size);
    CHECK(t_run(&s, VG_TEST_HELPER, "alloc", "512", (char *)NULL) == 0 && s.status == 1, "alloc: status %d", s.status);
    CHECK(t_run(&s, VG_TEST_HELPER, "alloc", "16", (char *)NULL) == 0 && s.status == 0, "small alloc: status %d", s.status);
    t_cleanup(&s);
}

static void test_caps_dropped(void)
{
    t_sandbox s;
    t_init(&s);
    CHECK(t_sh(&s, "grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status | tr -s '\\t' ' '; id -u") == 0 && s.status == 0,
          "status %d", s.status);
    CHECK(strstr(s.out, "CapEff: 0000000000000000") && strstr(s.out, "CapPrm: 0000000000000000") &&
              strstr(s.out, "CapBnd: 0000000000000000") && strstr(s.out, "CapAmb: 0000000000000000"),
          "caps left");
    char uid[32];
    snprintf(uid, sizeof uid, "\n%d\n", (int)getuid());
    CHECK(strstr(s.out, uid) != NULL, "uid inside should be %d", (int)getuid());
    /* Keep-set: CAP_NET_BIND_SERVICE (10) survives as ambient/effective. */
    s.spec.capabilities_keep = 1ULL << 10;
    CHECK(t_sh(&s, "grep -E '^Cap(Eff|Amb)' /proc/self/status | tr -s '\\t' ' '") == 0 && s.status == 0, "spawn");
    CHECK(strstr(s.out, "CapEff: 0000000000000400") && strstr(s.out, "CapAmb: 0000000000000400"), "kept cap");
    t_cleanup(&s);
}

/* pid 1 is vg-init: no capability, no_new_privs, and not dumpable, so the command can neither
 * read its memory nor ptrace it. Both ways of starting the init: sharing the caller's memory
 * (a dumpable caller) and a fork-like copy (a non-dumpable one). */
static void test_init_hardened(void)
{
    t_sandbox s;
    t_init(&s);
    int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    for (int pass = 0; pass < 2; pass++) {
        printf("  caller dumpable: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
        CHECK(t_sh(&s, "tr '\\0' ' ' < /proc/1/cmdline; echo; grep -E '^(CapEff|CapPrm|NoNewPrivs)' /proc/1/status | "
                       "tr -s '\\t' ' '; cat /proc/1/environ > /dev/null 2>&1 && echo environ-readable; "
                       "readlink /proc/1/exe > /dev/null 2>&1 && echo exe-readable; true") == 0 &&
                  s.status == 0,
              "status %d: %s", s.status, s.out);
        CHECK(strncmp(s.out, "vg-init ", 8) == 0, "pid 1 is not vg-init: %s", s.out);
        CHECK(strstr(s.out, "CapEff: 0000000000000000") && strstr(s.out, "CapPrm: 0000000000000000"),
              "pid 1 has capabilities: %s", s.out);
        CHECK(strstr(s.out, "NoNewPrivs: 1") != NULL, "pid 1 without no_new_privs: %s", s.out);
        CHECK(strstr(s.out, "environ-readable") == NULL && strstr(s.out, "exe-readable") == NULL,
              "pid 1 is dumpable: %s", s.out);
        prctl(PR_SET_DUMPABLE, !dumpable, 0, 0, 0);
    }
    prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
    t_cleanup(&s);
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    ssize_t n = 0;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            n = -1;
    int ok = in >= 0 && out >= 0 && n == 0;
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return ok ? 0 : -1;
}

/* A libvgcore.so without a usable vg-init next to it fails with a clear error. */
static void test_init_missing(void)
{
#ifdef __SANITIZE_ADDRESS__
    printf("SKIP: ASan cannot load a second copy of the library (dlmopen)\n");
    exit(77);
#endif
    t_sandbox s;
    t_init(&s);
    char dir[64], lib[128], init[128];
    t_tmpdir(dir, sizeof dir);
    snprintf(lib, sizeof lib, "%s/libvgcore.so", dir);
    snprintf(init, sizeof init, "%s/vg-init", dir);
    CHECK(copy_file(VG_BUILD_DIR "/libvgcore.so", lib, 0755) == 0, "copy %s", lib);
    /* A new link-map namespace: a plain dlopen would return the already loaded libvgcore. */
    void *handle = dlmopen(LM_ID_NEWLM, lib, RTLD_NOW | RTLD_LOCAL);
    CHECK(handle != NULL, "dlopen: %s", dlerror());
    if (handle == NULL)
        return;
    int32_t (*spawn)(const vg_spawn_spec *, vg_process *, vg_error *) =
        (int32_t(*)(const vg_spawn_spec *, vg_process *, vg_error *))dlsym(handle, "vg_spawn");
    s.argv[0] = "true";
    s.argv[1] = NULL;
    vg_process p;
    vg_error e;
    char expect[192];
    snprintf(expect, sizeof expect, "open %s", init);
    CHECK(spawn(&s.spec, &p, &e) == -1 && e.step == VG_STEP_REAPER && e.errnum == ENOENT &&
              strcmp(e.detail, expect) == 0,
          "step %d %s: %s", e.step, vg_errno_name(e.errnum), e.detail);
    /* Found but not executable: the exec in the sandbox init fails, and says so. */
    CHECK(copy_file(VG_BUILD_DIR "/vg-init", init, 0644) == 0, "copy %s", init);
    CHECK(spawn(&s.spec, &p, &e) == -1 && e.step == VG_STEP_REAPER && e.errnum == EACCES &&
              strcmp(e.detail, "exec vg-init") == 0,
          "step %d %s: %s", e.step, vg_errno_name(e.errnum), e.detail);
    chmod(init, 0755);
    CHECK(spawn(&s.spec, &p, &e) == 0, "spawn with vg-init in place: %s", e.detail);
    int status = -1;
    CHECK(vg_wait(&p, 10000, &status, NULL, &e) == 1 && status == 0, "status %d", status);
    vg_release(&p);
    dlclose(handle);
    t_rm_rf(dir);
    t_cleanup(&s);
}

static void *spawn_sleep(void *arg)
{
    t_sandbox *s = arg;
    vg_process *p = malloc(sizeof *p);
    if (p != NULL && vg_spawn(&s->spec, p, &s->err) < 0) {
        free(p);
        p = NULL;
    }
    return p;
}

/* VG_SPAWN_DIE_WITH_PARENT: the sandbox dies with the thread that started it, also now that
 * pid 1 is vg-init (PR_SET_PDEATHSIG survives its exec). */
static void test_die_with_parent(void)
{
    t_sandbox s;
    t_init(&s);
    s.argv[0] = "sleep";
    s.argv[1] = "30";
    s.argv[2] = NULL;
    pthread_t thread;
    void *result = NULL;
    CHECK(pthread_create(&thread, NULL, spawn_sleep, &s) == 0 && pthread_join(thread, &result) == 0 && result != NULL,
          "spawn: %s", s.err.detail);
    if (result == NULL)
        return;
    vg_process *p = result;
    int status = -1;
    vg_error e;
    CHECK(vg_wait(p, 5000, &status, NULL, &e) == 1 && status == 128 + SIGKILL, "status %d", status);
    vg_release(p);
    free(p);
    t_cleanup(&s);
}

/* Whether some process has `arg` as one of its arguments. */
static int arg_running(const char *arg)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    int found = 0;
    while (d != NULL && !found && (de = readdir(d)) != NULL) {
        char path[300], cmdline[256];
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, cmdline, sizeof cmdline - 1);
        if (fd >= 0)
            close(fd);
        for (ssize_t i = 0; i < n && !found; i += (ssize_t)strlen(cmdline + i) + 1) {
            cmdline[n] = '\0';
            found = strcmp(cmdline + i, arg) == 0;
        }
    }
    if (d != NULL)
        closedir(d);
    return found;
}

/* A process that starts `s` from a thread that ends at once; reports the init's pid on `fd`,
 * then exits right away (`linger` 0) or lives until killed. */
static pid_t caller_process(t_sandbox *s, int fd, int linger)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    pthread_t thread;
    void *result = NULL;
    if (pthread_create(&thread, NULL, spawn_sleep, s) != 0 || pthread_join(thread, &result) != 0 || result == NULL)
        _exit(1);
    int32_t init_pid = ((vg_process *)result)->pid;
    if (write(fd, &init_pid, sizeof init_pid) != sizeof init_pid)
        _exit(1);
    while (linger)
        pause();
    _exit(0);
}

/* Waits up to ~1 s for no process to have `arg`; returns the ms it took, -1 when it stays. */
static int wait_gone(const char *arg)
{
    for (int ms = 0; ms <= 1000; ms += 10) {
        if (!arg_running(arg))
            return ms;
        usleep(10000);
    }
    return -1;
}

/* vg_wait reports before the kernel's teardown, but only once the sandbox is empty: background
 * processes that ignore SIGTERM and SIGHUP are gone when it returns, so the pipe they hold as
 * stdout is already at EOF. */
static void test_empty_when_reported(void)
{
    t_sandbox s;
    t_init(&s);
    int out[2];
    CHECK(pipe2(out, O_CLOEXEC) == 0, "pipe");
    s.spec.stdout_fd = out[1];
    s.argv[0] = "/bin/sh";
    s.argv[1] = "-c";
    s.argv[2] = "trap '' TERM HUP; (trap '' TERM HUP; sleep 30) & (setsid sleep 30 &); exit 4";
    s.argv[3] = NULL;
    vg_process p;
    vg_error e;
    int status = -1;
    CHECK(vg_spawn(&s.spec, &p, &e) == 0, "spawn: %s", e.detail);
    close(out[1]);
    CHECK(p.status_fd >= 0, "a status pipe");
    CHECK(vg_wait(&p, 10000, &status, NULL, &e) == 1 && status == 4, "status %d", status);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    char buf[64];
    ssize_t n = read(out[0], buf, sizeof buf);
    CHECK(n == 0, "stdout still open in the sandbox when vg_wait returned (read: %zd, %s)", n,
          n < 0 ? strerror(errno) : "data");
    CHECK(vg_release(&p) == 0 && p.pidfd == -1 && p.status_fd == -1, "released");
    close(out[0]);
    t_cleanup(&s);
}

/* vg_release of a sandbox that still runs kills and reaps it. */
static void test_release_kills(void)
{
    t_sandbox s;
    t_init(&s);
    char marker[32];
    snprintf(marker, sizeof marker, "32.%d", (int)getpid() % 1000);
    s.argv[0] = "sleep";
    s.argv[1] = marker;
    s.argv[2] = NULL;
    vg_process p;
    vg_error e;
    CHECK(vg_spawn(&s.spec, &p, &e) == 0, "spawn: %s", e.detail);
    for (int i = 0; i < 200 && !arg_running(marker); i++)
        usleep(10000);
    CHECK(arg_running(marker), "sleep started");
    pid_t init = p.pid;
    CHECK(vg_release(&p) == 0, "release");
    CHECK(!arg_running(marker), "the command outlived vg_release");
    siginfo_t si;
    CHECK(waitid(P_PID, (id_t)init, &si, WEXITED | WNOHANG) < 0 && errno == ECHILD, "the init was reaped");
    t_cleanup(&s);
}

/* VG_SPAWN_DIE_WITH_CALLER: the sandbox outlives the thread that started it, but not the process. */
static void test_die_with_caller(void)
{
    t_sandbox s;
    t_init(&s);
    s.spec.flags = (s.spec.flags & ~(uint32_t)VG_SPAWN_DIE_WITH_PARENT) | VG_SPAWN_DIE_WITH_CALLER;
    /* vg-init keeps the caller's pidfd; the command must not get it. */
    CHECK(t_run(&s, VG_TEST_HELPER, "fds", (char *)NULL) == 0 && s.status == 0, "status %d", s.status);
    CHECK(strcmp(s.out, "0\n1\n2\n") == 0, "open fds: %s", s.out);

    char marker[32];
    snprintf(marker, sizeof marker, "1000.%d", (int)getpid());
    s.argv[0] = "sleep";
    s.argv[1] = marker;
    s.argv[2] = NULL;
    s.spec.stdout_fd = s.spec.stderr_fd = -1;
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        return;
    pid_t caller = caller_process(&s, report[1], 1);
    int32_t init_pid = 0;
    CHECK(read(report[0], &init_pid, sizeof init_pid) == sizeof init_pid, "the caller could not spawn");
    usleep(200000);
    CHECK(kill(init_pid, 0) == 0 && arg_running(marker), "the sandbox ended with the thread that started it");
    kill(caller, SIGKILL);
    waitpid(caller, NULL, 0);
    int ms = wait_gone(marker);
    printf("  sandbox gone %d ms after its caller was killed\n", ms);
    CHECK(ms >= 0, "the sandbox outlived its caller");

    /* The caller exits as soon as vg_spawn returned, maybe before vg-init watches it. */
    snprintf(marker, sizeof marker, "1001.%d", (int)getpid());
    caller = caller_process(&s, report[1], 0);
    CHECK(read(report[0], &init_pid, sizeof init_pid) == sizeof init_pid, "the caller could not spawn");
    waitpid(caller, NULL, 0);
    ms = wait_gone(marker);
    printf("  sandbox gone %d ms after its caller exited\n", ms);
    CHECK(ms >= 0, "the sandbox outlived its caller");
    close(report[0]);
    close(report[1]);
    t_cleanup(&s);
}

static void test_hostname(void)
{
    t_sandbox s;
    t_init(&s);
    char before[128], after[128];
    slurp("/proc/sys/kernel/hostname", before, sizeof before);
    s.spec.hostname = "vgbox";
    CHECK(t_sh(&s, "cat /proc/sys/kernel/hostname; hostname pwned 2>&1; cat /proc/sys/kernel/hostname") == 0, "spawn");
    CHECK(strncmp(s.out, "vgbox\n", 6) == 0, "hostname %s", s.out);
    slurp("/proc/sys/kernel/hostname", after, sizeof after);
    CHECK(strcmp(before, after) == 0, "host hostname changed to %s", after);
    t_cleanup(&s);
}

static void test_dev_nodes(void)
{
    t_sandbox s;
    t_init(&s);
    CHECK(t_sh(&s, "echo x > /dev/null && head -c 5 /dev/urandom | wc -c && head -c 3 /dev/zero | wc -c; ls /dev | tr '\\n' ' ';"
                   " test -c /dev/pts/ptmx && echo PTS; test -d /dev/shm && echo SHM") == 0 && s.status == 0,
          "status %d", s.status);
    CHECK(strncmp(s.out, "5\n3\n", 4) == 0, "nodes work");
    CHECK(strstr(s.out, "PTS") && strstr(s.out, "SHM"), "pts/shm");
    CHECK(strstr(s.out, "sda") == NULL && strstr(s.out, "mem ") == NULL && strstr(s.out, "kmsg") == NULL, "host devices visible");
    t_cleanup(&s);
}

static void test_overlay(void)
{
    t_sandbox s;
    t_init(&s);
    char lower[64], file[128], buf[64], script[512];
    t_tmpdir(lower, sizeof lower);
    snprintf(file, sizeof file, "%s/f", lower);
    spit(file, "lower\n");
    t_mount(&s, VG_MOUNT_OVERLAY, 0, lower, "/ovl", NULL);
    snprintf(script, sizeof script, "cat /ovl/f; echo changed > /ovl/f; echo new > /ovl/g; cat /ovl/f /ovl/g; "
                                    "rm /ovl/f && ls /ovl");
    CHECK(t_sh(&s, script) == 0 && s.status == 0, "status %d", s.status);
    CHECK(strcmp(s.out, "lower\nchanged\nnew\ng\n") == 0, "inside: %s", s.out);
    snprintf(script, sizeof script, "%s/g", lower);
    CHECK(slurp(file, buf, sizeof buf) && strcmp(buf, "lower\n") == 0 && !t_exists(script), "host lower changed");

    /* The overlay's root has the lower directory's mode (and owner, ours here)... */
    chmod(lower, 0751);
    char expect[64];
    snprintf(expect, sizeof expect, "751 %u\n", (unsigned)getuid());
    CHECK(t_sh(&s, "stat -c '%a %u' /ovl") == 0 && s.status == 0 && strcmp(s.out, expect) == 0,
          "overlay root: %s (expected %s)", s.out, expect);
    /* ...and when the lower one belongs to somebody the sandbox does not map (root's /usr, for a
     * user), nobody may write at its top, as in the lower directory. */
    if (getuid() == 0 && chown(lower, 12345, 12345) == 0) {
        CHECK(t_sh(&s, "stat -c %a /ovl; touch /ovl/new 2>/dev/null && echo written") == 0 && strcmp(s.out, "551\n") == 0,
              "overlay root of an unmapped owner: %s", s.out);
    }
    t_rm_rf(lower);
    t_cleanup(&s);
}

/* An overlay whose upper layer the caller keeps: the sandbox's writes land in data/upper (a new
 * file as itself, a deletion as a whiteout), never in the lower directory. A missing optional
 * lower directory is skipped; a missing layer directory fails the setup, naming it. */
static void test_overlay_keep(void)
{
    t_sandbox s;
    t_init(&s);
    char lower[64], data[64], path[160], buf[64];
    t_tmpdir(lower, sizeof lower);
    t_tmpdir(data, sizeof data);
    put(lower, "f", "lower\n");
    put(lower, "d", NULL);
    put(lower, "d/e", "e\n");
    t_mount(&s, VG_MOUNT_OVERLAY_KEEP, 0, lower, "/keep", data);
    CHECK(t_sh(&s, "cat /keep/f && echo changed > /keep/f && echo new > /keep/g && rm /keep/d/e && cat /keep/f /keep/g") == 0 &&
              s.status == 0,
          "status %d: %s", s.status, s.out);
    CHECK(strcmp(s.out, "lower\nchanged\nnew\n") == 0, "inside: %s", s.out);
    snprintf(path, sizeof path, "%s/f", lower);
    CHECK(slurp(path, buf, sizeof buf) && strcmp(buf, "lower\n") == 0, "lower f changed: %s", buf);
    snprintf(path, sizeof path, "%s/d/e", lower);
    CHECK(t_exists(path), "lower d/e deleted");
    snprintf(path, sizeof path, "%s/g", lower);
    CHECK(!t_exists(path), "g written into the lower directory");
    snprintf(path, sizeof path, "%s/upper/g", data);
    CHECK(slurp(path, buf, sizeof buf) && strcmp(buf, "new\n") == 0, "upper g: %s", buf);
    struct stat st;
    snprintf(path, sizeof path, "%s/upper/d/e", data);
    CHECK(lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0, "d/e is a whiteout in the upper layer");
    char data2[64];
    t_tmpdir(data2, sizeof data2);
    t_cleanup(&s);
    t_init(&s);
    snprintf(path, sizeof path, "%s/gone", lower);
    t_mount(&s, VG_MOUNT_OVERLAY_KEEP, VG_MF_OPTIONAL, path, "/keep", data2);
    CHECK(t_sh(&s, "test -e /keep || echo skipped") == 0 && strcmp(s.out, "skipped\n") == 0, "optional: %s", s.out);
    t_cleanup(&s);
    t_init(&s);
    snprintf(path, sizeof path, "%s/no-such-dir", data2);
    t_mount(&s, VG_MOUNT_OVERLAY_KEEP, 0, lower, "/keep", path);
    CHECK(t_sh(&s, "true") < 0 && s.err.step == VG_STEP_MOUNT && s.err.errnum == ENOENT && strstr(s.err.detail, "no-such-dir"),
          "missing layer dir: %d %d %s", s.err.step, s.err.errnum, s.err.detail);
    t_cleanup(&s);
    t_rm_rf(lower);
    t_rm_rf(data);
    t_rm_rf(data2);
}

static volatile sig_atomic_t g_sigchld;

static void count_sigchld(int sig)
{
    (void)sig;
    g_sigchld++;
}

/* The processes vg starts before the sandbox's pid 1 execs vg-init (the entry process of prepared
 * namespaces, the preparer's child) end with no exit signal: they end while the caller's thread
 * blocks signals, so a SIGCHLD would wake another thread of the caller just to take it. Only
 * pid 1 sends one when the sandbox ends (exec makes SIGCHLD its exit signal again). */
static void test_no_sigchld(void)
{
    t_sandbox s;
    t_init(&s);
    struct sigaction count = {.sa_handler = count_sigchld}, old;
    sigemptyset(&count.sa_mask);
    sigaction(SIGCHLD, &count, &old);
    g_sigchld = 0;
    CHECK(t_sh(&s, "exit 3") == 0 && s.status == 3, "status %d", s.status);
    int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    int32_t fds[3];
    vg_error e;
    s.spec.namespaces |= VG_NS_NET;
    CHECK(vg_prepare_namespaces(s.spec.uid, s.spec.gid, fds, &e) == 0, "prepare: %s", e.detail);
    s.spec.flags |= VG_SPAWN_PREPARED_NAMESPACES;
    s.spec.userns_fd = fds[0];
    s.spec.netns_fd = fds[1];
    CHECK(t_sh(&s, "exit 4") == 0 && s.status == 4, "prepared: status %d", s.status);
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
    CHECK(g_sigchld == 2, "the caller got %d SIGCHLD for two sandboxes, one prepared", (int)g_sigchld);
    sigaction(SIGCHLD, &old, NULL);
    t_cleanup(&s);
}

/* Optional masks right below an overlay's root are whiteouts: hidden with no mount of their own,
 * and what the sandbox writes in their place never shows the lower entry. A deeper mask is
 * still a mount. */
static void test_overlay_masks(void)
{
    t_sandbox s;
    t_init(&s);
    char lower[64], path[160], script[1024];
    t_tmpdir(lower, sizeof lower);
    put(lower, "secret", "token\n");
    put(lower, "keys", NULL);
    put(lower, "keys/k", "key\n");
    put(lower, "deep", NULL);
    put(lower, "deep/d", "deep\n");
    put(lower, "kept", "kept\n");
    t_mount(&s, VG_MOUNT_OVERLAY, 0, lower, "/ovl", NULL);
    t_mount(&s, VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/ovl/secret", NULL);
    t_mount(&s, VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/ovl/keys", NULL);
    t_mount(&s, VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/ovl/absent", NULL);
    t_mount(&s, VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/ovl/deep/d", NULL);
    snprintf(script, sizeof script,
             "ls /ovl | tr '\\n' ' '; echo; cat /ovl/secret /ovl/keys/k /ovl/deep/d 2>/dev/null; "
             "grep -c ' /ovl' /proc/self/mountinfo; "
             "echo mine > /ovl/secret && cat /ovl/secret; mkdir /ovl/keys && ls -A /ovl/keys | wc -l");
    CHECK(t_sh(&s, script) == 0 && s.status == 0, "status %d: %s", s.status, s.out);
    CHECK(strcmp(s.out, "deep kept \n2\nmine\n0\n") == 0, "inside: %s", s.out);
    snprintf(path, sizeof path, "%s/secret", lower);
    char buf[32];
    CHECK(slurp(path, buf, sizeof buf) && strcmp(buf, "token\n") == 0, "host lower changed: %s", buf);
    t_rm_rf(lower);
    t_cleanup(&s);
}

static void test_mask(void)
{
    t_sandbox s;
    t_init(&s);
    char dir[64], path[128], sub[128];
    t_tmpdir(dir, sizeof dir);
    put(dir, "secret", "token\n");
    put(dir, "sub", NULL);
    put(dir, "sub/key", "key\n");
    snprintf(sub, sizeof sub, "%s/sub", dir);
    t_mount(&s, VG_MOUNT_BIND, VG_MF_READONLY, dir, dir, NULL);
    snprintf(path, sizeof path, "%s/secret", dir);
    t_mount(&s, VG_MOUNT_MASK, 0, NULL, path, NULL);
    t_mount(&s, VG_MOUNT_MASK, 0, NULL, sub, NULL);
    t_mount(&s, VG_MOUNT_MASK, VG_MF_OPTIONAL, NULL, "/nonexistent-vg", NULL);
    char script[512];
    snprintf(script, sizeof script, "cat %s/secret; ls %s; echo end", dir, sub);
    CHECK(t_sh(&s, script) == 0 && s.status == 0, "status %d", s.status);
    CHECK(strcmp(s.out, "end\n") == 0, "masked content visible: %s", s.out);
    t_rm_rf(dir);
    t_cleanup(&s);
}

/* VG_MF_NO_SYMLINKS: a bind source with a symlink anywhere in its path is refused (ELOOP), not
 * followed: what the caller checked cannot be swapped for a link to somewhere else. */
static void test_bind_no_symlinks(void)
{
    char dir[64], real[96], link[96], through[128], script[256];
    t_tmpdir(dir, sizeof dir);
    put(dir, "real", NULL);
    put(dir, "real/f", "real\n");
    snprintf(real, sizeof real, "%s/real", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(through, sizeof through, "%s/link/f", dir);
    CHECK(symlink("real", link) == 0, "symlink");
    const char *sources[] = {link, through};
    for (size_t i = 0; i < 2; i++) {
        t_sandbox s;
        t_init(&s);
        t_mount(&s, VG_MOUNT_BIND, VG_MF_READONLY | VG_MF_NO_SYMLINKS, sources[i], "/bound", NULL);
        CHECK(t_sh(&s, "cat /bound/f /bound") == -1 && s.err.step == VG_STEP_MOUNT && s.err.errnum == ELOOP,
              "%s: step %d %s %s", sources[i], s.err.step, vg_errno_name(s.err.errnum), s.err.detail);
        t_cleanup(&s);
    }
    t_sandbox s;
    t_init(&s);
    t_mount(&s, VG_MOUNT_BIND, VG_MF_READONLY | VG_MF_NO_SYMLINKS, real, "/bound", NULL);
    t_mount(&s, VG_MOUNT_BIND, VG_MF_READONLY, link, "/followed", NULL);
    snprintf(script, sizeof script, "cat /bound/f /followed/f");
    CHECK(t_sh(&s, script) == 0 && s.status == 0 && strcmp(s.out, "real\nreal\n") == 0, "status %d: %s", s.status,
          s.out);
    t_cleanup(&s);
    t_rm_rf(dir);
}

/* The scratch tmpfs ("mode=" targets, /dev/shm, overlay uppers) holds scratch_size bytes and
 * scratch_inodes inodes in all: what one of them uses, the others lack; freed space serves again. */
static void test_scratch_bound(void)
{
    t_sandbox s;
    t_init(&s);
    char lower[64];
    t_tmpdir(lower, sizeof lower);
    s.spec.scratch_size = 8u << 20;
    s.spec.scratch_inodes = 256;
    t_mount(&s, VG_MOUNT_TMPFS, 0, NULL, "/scratch-a", "mode=1777");
    t_mount(&s, VG_MOUNT_TMPFS, 0, NULL, "/scratch-b", "mode=1777");
    t_mount(&s, VG_MOUNT_OVERLAY, 0, lower, "/ovl", NULL);
    CHECK(t_sh(&s, "w() { head -c $2 /dev/zero > $1 2>/dev/null && echo ok || echo full; }; "
                   "w /scratch-a/f 6291456; w /dev/shm/f 4194304; w /ovl/f 4194304; "
                   "rm -f /scratch-a/f /dev/shm/f /ovl/f; w /ovl/f 6291456; w /scratch-b/f 4194304; "
                   "rm -f /ovl/f /scratch-b/f; i=0; while [ $i -lt 400 ] && true 2>/dev/null >/scratch-a/n$i; do "
                   "i=$((i+1)); done; echo $i") == 0 && s.status == 0,
          "status %d: %s", s.status, s.out);
    int files = 0;
    char sizes[64] = "";
    CHECK(sscanf(s.out, "%63[a-z\n]%d", sizes, &files) == 2 && strcmp(sizes, "ok\nfull\nfull\nok\nfull\n") == 0,
          "writes: %s", s.out);
    CHECK(files > 128 && files < 256, "%d files in a scratch tmpfs of 256 inodes", files);
    CHECK(!t_exists(lower) || rmdir(lower) == 0, "the overlay's lower directory stayed empty on the host");
    t_cleanup(&s);
}

static const t_test tests[] = {
    {"abi", test_abi},
    {"probe", test_probe},
    {"errno_name", test_errno_name},
    {"pipe", test_pipe},
    {"copy", test_copy},
    {"copy_ended", test_copy_ended},
    {"copy_fills_socket", test_copy_fills_socket},
    {"copy_abandoned", test_copy_abandoned},
    {"spread_subdirectories", test_spread_subdirectories},
    {"seccomp_compile", test_seccomp_compile},
    {"seccomp_capacity", test_seccomp_capacity},
    {"exit_code", test_exit_code},
    {"workspace_write", test_workspace_write},
    {"outside_write", test_outside_write},
    {"system_ro", test_system_ro},
    {"symlink_escape", test_symlink_escape},
    {"private_tmp", test_private_tmp},
    {"pid_isolation", test_pid_isolation},
    {"proc_root", test_proc_root},
    {"fd_leak", test_fd_leak},
    {"fd_leak_without_close_range", test_fd_leak_without_close_range},
    {"without_mount_setattr", test_without_mount_setattr},
    {"env_exact", test_env_exact},
    {"net_isolation", test_net_isolation},
    {"loopback", test_loopback},
    {"prepared_namespaces", test_prepared_namespaces},
    {"no_survivors", test_no_survivors},
    {"empty_when_reported", test_empty_when_reported},
    {"release_kills", test_release_kills},
    {"signal_forward", test_signal_forward},
    {"exec_enoent", test_exec_enoent},
    {"exec_eacces", test_exec_eacces},
    {"mount_error", test_mount_error},
    {"seccomp_mkdir", test_seccomp_mkdir},
    {"seccomp_profile", test_seccomp_profile},
    {"landlock_write", test_landlock_write},
    {"proc_sys_ro", test_proc_sys_ro},
    {"remount_denied", test_remount_denied},
    {"rlimit", test_rlimit},
    {"caps_dropped", test_caps_dropped},
    {"init_hardened", test_init_hardened},
    {"init_missing", test_init_missing},
    {"die_with_parent", test_die_with_parent},
    {"die_with_caller", test_die_with_caller},
    {"hostname", test_hostname},
    {"dev_nodes", test_dev_nodes},
    {"overlay", test_overlay},
    {"overlay_masks", test_overlay_masks},
    {"overlay_keep", test_overlay_keep},
    {"no_sigchld", test_no_sigchld},
    {"mask", test_mask},
    {"scratch_bound", test_scratch_bound},
    {"bind_no_symlinks", test_bind_no_symlinks},
};

int main(int argc, char **argv)
{
    return t_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
