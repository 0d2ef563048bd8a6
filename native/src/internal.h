/*
 * internal.h - helpers shared by the vg_core sources. Nothing here is exported.
 *
 * Everything used by child.c, mounts.c, caps.c, landlock.c and vg_apply_seccomp
 * runs between clone and execve: only raw syscalls, no malloc, no stdio, no locks.
 */
#ifndef VG_INTERNAL_H
#define VG_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <unistd.h>

#include "vg_core.h"

#define VG_API __attribute__((visibility("default")))

/* ---- Landlock (the system header is from 6.1: define what is newer) ---- */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#define VG_LANDLOCK_RULE_PATH_BENEATH 1
#define VG_LANDLOCK_RULE_NET_PORT 2
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0)
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1)
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* Ruleset attribute with every field up to ABI 6 (`scoped`). */
struct vg_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

/* ---- Error helpers (async-signal-safe: no formatting functions) ---- */

/* Fills err (if not NULL): step, errnum, detail = what + " " + path. Returns -1. */
int vg_fail(vg_error *err, int32_t step, int errnum, const char *what, const char *path);

/* Length of a NUL-terminated string. */
size_t vg_strlen(const char *s);

/* Appends src to dst (capacity cap, always NUL-terminated); returns the new length,
 * or (size_t)-1 when it did not fit. */
size_t vg_strappend(char *dst, size_t cap, const char *src);

/* Decimal representation of v in buf (capacity >= 21). */
void vg_utoa(uint64_t v, char *buf);

/* Reads at most cap - 1 bytes of the file at path (a small /proc or /sys file) into buf,
 * NUL-terminated; returns the length, or -1 when it cannot be opened or read or is empty. */
ssize_t vg_read_text(const char *path, char *buf, size_t cap);

/* ---- Child-side steps (raw syscalls only) ---- */

/* Without close_range (ENOSYS), descriptors below this are closed or marked close-on-exec one by one. */
#define VG_FD_SCAN_LIMIT 65536

/* Context the parent prepares before clone; read-only in the children. */
struct vg_child_ctx {
    const vg_spawn_spec *spec;
    int err_fd;                /* write end of the CLOEXEC error pipe */
    int read_fd;               /* its read end (the parent's), closed by the init */
    int init_fd;               /* vg-init, O_PATH */
    int caller_fd;             /* pidfd of the calling process (VG_SPAWN_DIE_WITH_CALLER), else -1 */
    int status_fd;             /* write end of the status pipe, kept by vg-init */
    int status_read_fd;        /* its read end (the parent's), closed by the init */
    int own_mm;                /* 1: the init was cloned without CLONE_VM (non-dumpable caller) */
    char *command_stack;       /* top of the command child's stack, mapped by the parent */
    char *init_stack;          /* top of the init's stack when an entry process starts it (prepared namespaces) */
    pid_t init_pid;            /* the init started by the entry process (0 until then) */
    int prepared;              /* user and network namespaces come from vg_prepare_namespaces */
    int init_clone_flags;      /* the entry's clone of the init: the other new namespaces */
    int cap_last;              /* /proc/sys/kernel/cap_last_cap */
    uint64_t overlay_owned;    /* for vg_setup_mounts */
    char uid_map[48];
    char gid_map[48];
};

/* Runs the mount list in a fresh tmpfs root and pivots into it. Bit N of overlay_owned: the
 * lower directory of the mount list's overlay N belongs to the caller's uid and gid. */
int vg_setup_mounts(const vg_spawn_spec *spec, uint64_t overlay_owned, vg_error *err);

/* Drops every capability not in `keep`, locks securebits. */
int vg_drop_caps(uint64_t keep, int cap_last, vg_error *err);

/* Creates and enforces the Landlock ruleset of the spec (no-op when nothing handled). */
int vg_apply_landlock(const vg_spawn_spec *spec, vg_error *err);

/* Landlock ABI version of the running kernel, 0 when absent. */
int vg_landlock_abi(void);

/* Loads the compiled BPF program; with_listener: with a user-notification listener, returned
 * (else returns 0). */
int vg_apply_seccomp(const uint8_t *filter, uint32_t len, int with_listener, vg_error *err);

/* Sends fds in one SCM_RIGHTS message over the egress socket (VG_SPAWN_EGRESS). */
int vg_send_fds(int socket_fd, const int *fds, int count, vg_error *err);

/* Makes, in the current network namespace, the relay listener (127.0.0.1:VG_EGRESS_RELAY_PORT) and the DNS
 * socket (127.0.0.1:53) and sends them over the egress socket. */
int vg_send_egress_sockets(int socket_fd, vg_error *err);

/* The sandbox init (pid 1), a clone() function: sets up, starts the command, execs vg-init.
 * Never returns. */
int vg_sandbox_init(void *ctx);

/* With prepared namespaces: joins them, then starts the init (vg_sandbox_init) as a sibling. */
int vg_sandbox_entry(void *ctx);

/* vg_prepare_namespaces' child, in the new user and network namespaces, sharing the caller's
 * memory and fd table while the caller is suspended. */
struct vg_prepare_ctx {
    char uid_map[48];
    char gid_map[48];
    int fds[3];    /* user and network namespace and its sockstat, opened by the child */
    vg_error err;  /* the child's failure, step VG_STEP_NONE when it succeeded */
};
int vg_prepare_main(void *ctx);

#endif
