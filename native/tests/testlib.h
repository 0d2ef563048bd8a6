/* testlib.h - a tiny harness: real sandboxes, effects checked from outside. */
#ifndef VG_TESTLIB_H
#define VG_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>

#include "vg_core.h"

extern int t_failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            printf("  ok   %s\n", #cond);                                                          \
        } else {                                                                                   \
            printf("  FAIL %s:%d %s: ", __FILE__, __LINE__, #cond);                                \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            t_failures++;                                                                          \
        }                                                                                          \
    } while (0)

#define T_MAX_MOUNTS 32

/* A "balanced" sandbox: system dirs read-only, private /tmp, /proc, /dev, workspace rw. */
typedef struct t_sandbox {
    vg_spawn_spec spec;
    vg_mount_op mounts[T_MAX_MOUNTS];
    const char *argv[16];
    const char *envp[8];
    char workspace[64];
    char out[8192];   /* stdout + stderr of the command */
    int status;
    vg_error err;
} t_sandbox;

void t_init(t_sandbox *s);
void t_mount(t_sandbox *s, int32_t kind, uint32_t flags, const char *source, const char *target, const char *data);
/* Runs argv (NULL-terminated list) in the sandbox; returns vg_spawn's result; fills status and out. */
int t_run(t_sandbox *s, ...);
/* Runs "/bin/sh -c script". */
int t_sh(t_sandbox *s, const char *script);
/* A fresh host directory (mkdtemp under /tmp) not visible in sandboxes unless bound. */
void t_tmpdir(char *buf, size_t cap);
int t_exists(const char *path);
void t_rm_rf(const char *path);
void t_cleanup(t_sandbox *s);

/* One named test of a test program. */
typedef struct t_test {
    const char *name;
    void (*fn)(void);
} t_test;

/* main() of a test program: runs the test named argv[1], first dropping to uid/gid 65534 when
 * argv[2] is "nobody" (needs root; exit 77, skip, otherwise). Exit 0 pass, 1 fail, 2 usage. */
int t_main(int argc, char **argv, const t_test *tests, size_t count);

#endif
