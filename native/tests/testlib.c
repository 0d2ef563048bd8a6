#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int t_failures;

void t_tmpdir(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/vgtest.XXXXXX");
    if (mkdtemp(buf) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
}

int t_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

void t_rm_rf(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", path);
}

void t_mount(t_sandbox *s, int32_t kind, uint32_t flags, const char *source, const char *target, const char *data)
{
    if (s->spec.mount_count >= T_MAX_MOUNTS) {
        fprintf(stderr, "too many mounts\n");
        exit(1);
    }
    s->mounts[s->spec.mount_count++] = (vg_mount_op){kind, flags, source, target, data};
}

/* /bin, /lib, ... are symlinks into /usr on merged-/usr systems: mirror what the host has. */
static void t_system_dir(t_sandbox *s, const char *path)
{
    static char links[8][64];
    static int used;
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISLNK(st.st_mode)) {
        char *dst = links[used++ % 8];
        ssize_t n = readlink(path, dst, 63);
        dst[n < 0 ? 0 : n] = '\0';
        t_mount(s, VG_MOUNT_SYMLINK, 0, NULL, path, dst);
    } else {
        t_mount(s, VG_MOUNT_BIND, VG_MF_READONLY, path, path, NULL);
    }
}

void t_init(t_sandbox *s)
{
    memset(s, 0, sizeof *s);
    t_tmpdir(s->workspace, sizeof s->workspace);
    s->spec.mounts = s->mounts;
    s->spec.argv = s->argv;
    s->spec.envp = s->envp;
    s->envp[0] = "PATH=/usr/bin:/bin";
    s->envp[1] = "HOME=/tmp";
    s->spec.search_path = "/usr/bin:/bin";
    s->spec.cwd = s->workspace;
    s->spec.namespaces = VG_NS_USER | VG_NS_MOUNT | VG_NS_PID | VG_NS_IPC | VG_NS_UTS | VG_NS_NET;
    s->spec.flags = VG_SPAWN_NEW_SESSION | VG_SPAWN_NO_NEW_PRIVS | VG_SPAWN_DIE_WITH_PARENT;
    s->spec.uid = getuid();
    s->spec.gid = getgid();
    t_mount(s, VG_MOUNT_BIND, VG_MF_READONLY, "/usr", "/usr", NULL);
    t_mount(s, VG_MOUNT_BIND, VG_MF_READONLY, "/etc", "/etc", NULL);
    t_system_dir(s, "/bin");
    t_system_dir(s, "/sbin");
    t_system_dir(s, "/lib");
    t_system_dir(s, "/lib64");
    t_mount(s, VG_MOUNT_PROC, 0, NULL, "/proc", NULL);
    t_mount(s, VG_MOUNT_DEV, 0, NULL, "/dev", NULL);
    t_mount(s, VG_MOUNT_TMPFS, 0, NULL, "/tmp", "mode=1777,size=64m");
    /* The test helper lives in the build dir. */
    t_mount(s, VG_MOUNT_BIND, VG_MF_READONLY, VG_BUILD_DIR, VG_BUILD_DIR, NULL);
    t_mount(s, VG_MOUNT_BIND, 0, s->workspace, s->workspace, NULL);
    s->spec.stdin_fd = -1;
}

int t_run(t_sandbox *s, ...)
{
    va_list ap;
    va_start(ap, s);
    int n = 0;
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 15)
        s->argv[n++] = a;
    s->argv[n] = NULL;
    va_end(ap);

    int out = memfd_create("vg-test-out", MFD_CLOEXEC);
    s->spec.stdout_fd = out;
    s->spec.stderr_fd = out;
    vg_process p = {.pid = -1, .pidfd = -1};
    memset(&s->err, 0, sizeof s->err);
    s->status = -1;
    s->out[0] = '\0';
    int rc = vg_spawn(&s->spec, &p, &s->err);
    if (rc == 0) {
        vg_error werr;
        if (vg_wait(&p, 30000, &s->status, NULL, &werr) != 1) {
            printf("  (wait failed or timed out: %s %s)\n", vg_errno_name(werr.errnum), werr.detail);
            vg_kill(&p, SIGKILL, NULL);
            vg_wait(&p, -1, &s->status, NULL, NULL);
        }
        vg_release(&p);
    } else {
        printf("  (spawn failed: step %d %s: %s)\n", s->err.step, vg_errno_name(s->err.errnum), s->err.detail);
    }
    ssize_t got = pread(out, s->out, sizeof s->out - 1, 0);
    s->out[got < 0 ? 0 : got] = '\0';
    close(out);
    printf("  ran %s%s%s -> rc %d status %d, output: %s\n", s->argv[0], n > 1 ? " " : "",
           n > 2 ? s->argv[2] : (n > 1 ? s->argv[1] : ""), rc, s->status, s->out);
    return rc;
}

int t_sh(t_sandbox *s, const char *script)
{
    return t_run(s, "/bin/sh", "-c", script, (const char *)NULL);
}

void t_cleanup(t_sandbox *s)
{
    t_rm_rf(s->workspace);
}

int t_main(int argc, char **argv, const t_test *tests, size_t count)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: %s TEST [nobody]\n", argv[0]);
        return 2;
    }
    if (argc > 2 && strcmp(argv[2], "nobody") == 0) {
        if (getuid() != 0) {
            printf("SKIP: the nobody variant needs root to drop to uid 65534\n");
            return 77;
        }
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0) {
            perror("drop to nobody");
            return 1;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (strcmp(tests[i].name, argv[1]) == 0) {
            printf("test %s as uid %d\n", argv[1], (int)getuid());
            tests[i].fn();
            printf("%s: %s\n", argv[1], t_failures == 0 ? "PASS" : "FAIL");
            return t_failures == 0 ? 0 : 1;
        }
    }
    fprintf(stderr, "unknown test %s\n", argv[1]);
    return 2;
}
