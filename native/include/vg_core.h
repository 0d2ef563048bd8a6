/*
 * vg_core.h - the C core of Vectra Guard.
 *
 * The only header the Java FFM bindings are generated from. Plain structs,
 * fixed-width integers, no callbacks, no varargs.
 *
 * Conventions (one for every function):
 *   - a function returns a value >= 0 on success and -1 on failure;
 *   - on failure it fills the caller's vg_error (step, errno, detail) when
 *     the pointer is not NULL;
 *   - no function calls exit(), prints, or keeps global state.
 *
 * The core has no policy: Java decides what to mount, which syscalls to
 * filter and which limits to set; the core does exactly that, in order.
 */
#ifndef VG_CORE_H
#define VG_CORE_H

#include <stdint.h>

#define VG_CORE_ABI_VERSION 8

/* Setup steps, reported in vg_error.step. */
#define VG_STEP_NONE 0
#define VG_STEP_ARGS 1
#define VG_STEP_CLONE 2
#define VG_STEP_USERNS 3
#define VG_STEP_CGROUP 4
#define VG_STEP_MOUNT 5
#define VG_STEP_PIVOT 6
#define VG_STEP_HOSTNAME 7
#define VG_STEP_RLIMIT 8
#define VG_STEP_CAPS 9
#define VG_STEP_NO_NEW_PRIVS 10
#define VG_STEP_LANDLOCK 11
#define VG_STEP_FDS 12
#define VG_STEP_SESSION 13
#define VG_STEP_SECCOMP 14
#define VG_STEP_CHDIR 15
#define VG_STEP_EXEC 16
#define VG_STEP_SECCOMP_COMPILE 17
#define VG_STEP_WAIT 18
#define VG_STEP_KILL 19
#define VG_STEP_PIPE 20
#define VG_STEP_REAPER 21
#define VG_STEP_EGRESS 22

/* Namespaces (vg_spawn_spec.namespaces). */
#define VG_NS_USER 0x1
#define VG_NS_MOUNT 0x2
#define VG_NS_PID 0x4
#define VG_NS_IPC 0x8
#define VG_NS_UTS 0x10
#define VG_NS_NET 0x20
#define VG_NS_CGROUP 0x40

/* Spawn flags (vg_spawn_spec.flags). */
#define VG_SPAWN_NEW_SESSION 0x1     /* setsid(): no controlling terminal, TIOCSTI harmless */
#define VG_SPAWN_NO_NEW_PRIVS 0x2    /* PR_SET_NO_NEW_PRIVS */
#define VG_SPAWN_DIE_WITH_PARENT 0x4 /* PR_SET_PDEATHSIG(SIGKILL) on the sandbox init */
/* The sandbox is killed when the calling process exits (not just the calling thread);
 * vg-init watches a pidfd of the caller. */
#define VG_SPAWN_DIE_WITH_CALLER 0x8
/* userns_fd and netns_fd hold a pair from vg_prepare_namespaces, joined instead of making new
 * user and network namespaces (needs VG_NS_USER | VG_NS_NET). */
#define VG_SPAWN_PREPARED_NAMESPACES 0x10
/* Restricted networking (needs VG_NS_NET): egress_fd holds a vg_socketpair end. The init sends over
 * it, in one message, two sockets it makes in the sandbox's network namespace: a TCP listener on
 * 127.0.0.1:VG_EGRESS_RELAY_PORT and a UDP socket bound to 127.0.0.1:53 (both privileged ports:
 * the command, without capabilities, could not have taken them). The command loads
 * its seccomp filter with a user-notification listener (SECCOMP_FILTER_FLAG_NEW_LISTENER) and sends
 * that listener in a second message, then closes its copies before exec. */
#define VG_SPAWN_EGRESS 0x20
#define VG_EGRESS_RELAY_PORT 1

/* Mount operation kinds (vg_mount_op.kind), executed in list order. */
#define VG_MOUNT_BIND 1        /* bind host `source` at `target` */
#define VG_MOUNT_TMPFS 2       /* fresh memory-backed directory at `target`: with `data` exactly "mode=NNNN", a
                                * directory of the sandbox's scratch tmpfs (shared by such targets, bounded by
                                * scratch_size); with other options (e.g. "size=64m,mode=1777") a tmpfs of its own */
#define VG_MOUNT_PROC 3        /* new proc for the sandbox pid namespace at `target` */
#define VG_MOUNT_DEV 4         /* minimal /dev at `target`: null zero full random urandom tty, pts, ptmx, shm, fd links */
#define VG_MOUNT_OVERLAY 5     /* overlay: lowerdir host `source`, throwaway upper in the scratch tmpfs, at `target` */
#define VG_MOUNT_DIR 6         /* create directory `target` (and parents) */
#define VG_MOUNT_SYMLINK 7     /* symlink at `target` pointing to `data` */
#define VG_MOUNT_REMOUNT_RO 8  /* make the mount at `target` (recursively) read-only */
#define VG_MOUNT_MASK 9        /* hide `target`: /dev/null over a file, an empty read-only directory over a directory */
/* overlay: lowerdir host `source`, upper and work dirs `upper` and `work` made in the empty host
 * directory `data` (on a filesystem with user xattrs), at `target`. What the sandbox writes stays
 * in `data/upper` for the caller, after the sandbox. */
#define VG_MOUNT_OVERLAY_KEEP 10

/* Mount flags (vg_mount_op.flags). Every mount is nosuid and nodev. */
#define VG_MF_READONLY 0x1  /* read-only, recursively */
#define VG_MF_OPTIONAL 0x2  /* skip silently when `source` (or `target` for MASK/REMOUNT_RO) does not exist */
#define VG_MF_NOEXEC 0x4    /* noexec */
#define VG_MF_NO_SYMLINKS 0x8 /* BIND: `source` is resolved without following any symlink (ELOOP when one is
                               * met), so the path the caller checked is the path mounted */

/* Error report of every function. `detail` names the operation and path,
 * e.g. "bind /home/u/.npm", NUL-terminated. */
typedef struct vg_error {
    int32_t step;
    int32_t errnum;
    char detail[248];
} vg_error;

/* Kernel features, probed (never assumed). Each field is 0 when absent. */
typedef struct vg_features {
    int32_t kernel_major;
    int32_t kernel_minor;
    int32_t landlock_abi;       /* 0 = no Landlock */
    int32_t seccomp_filter;     /* 1 = SECCOMP_SET_MODE_FILTER usable */
    int32_t seccomp_kill_process; /* 1 = SECCOMP_RET_KILL_PROCESS available */
    int32_t user_namespaces;    /* 1 = this caller can create a user namespace (really tried) */
    int32_t pidfd;              /* 1 = pidfd_open works */
    int32_t close_range;        /* 1 = close_range works */
    int32_t overlay_in_userns;  /* 1 = overlayfs mountable inside a user namespace (really tried) */
    int32_t mount_setattr;      /* 1 = mount_setattr available */
} vg_features;

typedef struct vg_mount_op {
    int32_t kind;
    uint32_t flags;
    const char *source;
    const char *target;
    const char *data;
} vg_mount_op;

/* A Landlock filesystem rule: `access` (LANDLOCK_ACCESS_FS_* bits) below
 * `path`, a path as seen inside the sandbox. Missing paths are skipped. */
typedef struct vg_landlock_path_rule {
    const char *path;
    uint64_t access;
} vg_landlock_path_rule;

/* A Landlock network rule (ABI >= 4): `access` (LANDLOCK_ACCESS_NET_*) on TCP `port`. */
typedef struct vg_landlock_port_rule {
    uint64_t port;
    uint64_t access;
} vg_landlock_port_rule;

typedef struct vg_rlimit {
    int32_t resource; /* RLIMIT_* */
    int32_t reserved;
    uint64_t soft;
    uint64_t hard;
} vg_rlimit;

/* One seccomp argument comparison (libseccomp semantics). */
/* For op 7 (MASKED_EQ): `value` is the MASK and `value_two` the DATUM; the rule
 * matches when (arg & value) == value_two (libseccomp datum_a/datum_b, and the
 * OCI/Docker JSON `value`/`valueTwo`). Other ops compare arg with `value` only. */
typedef struct vg_seccomp_arg {
    uint32_t index;  /* 0..5 */
    uint32_t op;     /* SCMP_CMP_* value: 1 NE, 2 LT, 3 LE, 4 EQ, 5 GE, 6 GT, 7 MASKED_EQ */
    uint64_t value;
    uint64_t value_two; /* second operand of MASKED_EQ (value & value_two == ... see libseccomp) */
} vg_seccomp_arg;

/* One seccomp rule: `action` (raw SECCOMP_RET_* value, e.g. 0x00050001 for
 * ERRNO(EPERM), 0x80000000 KILL_PROCESS) for `syscall` when all args match.
 * Syscall names unknown on this architecture are skipped. */
typedef struct vg_seccomp_rule {
    const char *syscall;
    uint32_t action;
    uint32_t arg_count;
    vg_seccomp_arg args[6];
} vg_seccomp_rule;

/* Everything the sandbox is. Paths in mounts, landlock rules and cwd are
 * paths inside the sandbox (vg keeps host paths, so usually the same). */
typedef struct vg_spawn_spec {
    const char *const *argv;    /* NULL-terminated; argv[0] looked up in search_path unless it has a '/' */
    const char *const *envp;    /* NULL-terminated; the complete environment */
    const char *search_path;    /* PATH used to find argv[0] */
    const char *cwd;            /* working directory inside the sandbox */
    const char *hostname;       /* set when VG_NS_UTS; NULL keeps it */
    uint32_t namespaces;        /* VG_NS_* */
    uint32_t flags;             /* VG_SPAWN_* */
    uint32_t uid;               /* uid inside the sandbox, mapped to the caller's real uid */
    uint32_t gid;               /* gid inside the sandbox, mapped to the caller's real gid */
    const vg_mount_op *mounts;  /* executed in order in a fresh tmpfs root, then pivot_root */
    uint32_t mount_count;
    uint32_t landlock_path_rule_count;
    const vg_landlock_path_rule *landlock_path_rules;
    uint64_t landlock_handled_fs;   /* 0 = no Landlock filesystem restriction */
    uint64_t landlock_handled_net;  /* 0 = no Landlock network restriction */
    const vg_landlock_port_rule *landlock_port_rules;
    uint32_t landlock_port_rule_count;
    uint32_t rlimit_count;
    uint64_t landlock_scoped;       /* LANDLOCK_SCOPE_* (ABI >= 6), 0 = none */
    const vg_rlimit *rlimits;
    const int32_t *cgroup_procs_fds; /* open cgroup.procs (v2) or tasks (v1) files: the init writes "0" to each first */
    uint32_t cgroup_procs_fd_count;
    uint32_t seccomp_filter_len;    /* bytes; a multiple of 8 (struct sock_filter) */
    const uint8_t *seccomp_filter;  /* compiled by vg_seccomp_compile; NULL = none */
    uint64_t capabilities_keep;     /* bit N keeps capability N; 0 drops all */
    int32_t stdin_fd;               /* caller fds that become 0, 1, 2 */
    int32_t stdout_fd;
    int32_t stderr_fd;
    int32_t userns_fd;              /* with VG_SPAWN_PREPARED_NAMESPACES: the pair from vg_prepare_namespaces */
    int32_t netns_fd;
    int32_t nice;                   /* the command's nice value is raised to this (never lowered); 0 = unchanged */
    /* The sandbox's scratch tmpfs: the memory that the "mode=NNNN" tmpfs targets, /dev/shm and the
     * overlay uppers share. Its size in bytes and its number of inodes; 0 = the kernel's default
     * (half of the host's RAM, unbounded for the sandbox). */
    uint64_t scratch_size;
    uint64_t scratch_inodes;
    int32_t egress_fd;              /* with VG_SPAWN_EGRESS: where the egress sockets are sent */
    int32_t reserved_egress;
} vg_spawn_spec;

/* A running sandbox: the pid (in the caller's namespace) of its init, a pidfd on it, and the
 * read end of the pipe on which the init reports the command's status (-1: none). */
typedef struct vg_process {
    int32_t pid;
    int32_t pidfd;
    int32_t status_fd;
} vg_process;

/* The socket calls a sandbox with restricted networking has held (vg_connect_request.call). */
#define VG_NET_CONNECT 1
#define VG_NET_BIND 2
#define VG_NET_LISTEN 3
#define VG_NET_IOCTL 4 /* a socket ioctl (SIOC* 0x89xx, wireless 0x8bxx) */

/* A connect(), bind(), listen() or socket ioctl() of the sandbox, held by its seccomp filter until answered (vg_connect_next). */
typedef struct vg_connect_request {
    uint64_t id;          /* the notification's id */
    int32_t pid;          /* the calling thread, in the caller's pid namespace */
    int32_t family;       /* AF_INET or AF_INET6 with address and port read; 0 for any other family, an unreadable address and listen() */
    int32_t socket_fd;    /* a copy (pidfd_getfd) of the socket, for the caller to close: with AF_INET/AF_INET6 and for listen(); else -1 */
    int32_t socket_type;  /* SO_TYPE of that socket (SOCK_STREAM, SOCK_DGRAM, ...) */
    uint32_t port;        /* connect: destination port; bind: local port; host order */
    uint32_t call;        /* VG_NET_CONNECT, VG_NET_BIND or VG_NET_LISTEN */
    uint8_t address[16];  /* connect: destination; bind: local address; 4 bytes for AF_INET, 16 for AF_INET6 */
    uint64_t netns_cookie; /* SO_NETNS_COOKIE of the socket: whose network namespace it lives in (0: unknown) */
    int32_t socket_protocol; /* SO_PROTOCOL of the socket (IPPROTO_TCP, ...) */
    int32_t backlog;      /* listen(): its backlog argument */
    int32_t fd_number;    /* the socket's descriptor number in the caller */
    uint32_t ioctl_cmd;   /* ioctl(): its request */
    uint64_t ioctl_arg;   /* ioctl(): its argument (an address in the caller) */
} vg_connect_request;

/* VG_CORE_ABI_VERSION of the loaded library. */
int32_t vg_abi_version(void);

/* Fills `out` with what this kernel offers to this caller. */
int32_t vg_probe(vg_features *out, vg_error *err);

/* Compiles rules for the native architecture into a classic BPF program
 * (array of struct sock_filter) in `out`; `*out_len` receives its size in bytes. */
int32_t vg_seccomp_compile(const vg_seccomp_rule *rules, uint32_t rule_count, uint32_t default_action,
                           uint8_t *out, uint32_t out_capacity, uint32_t *out_len, vg_error *err);

/* Creates a pipe with O_CLOEXEC on both ends: fds[0] read, fds[1] write. */
int32_t vg_pipe(int32_t *fds, vg_error *err);

/* Closes a file descriptor. */
int32_t vg_close(int32_t fd);

/* Copies bytes from `from_fd` to `to_fd` until `from_fd` reaches EOF: a command's stream handed
 * through a pipe of the caller's where the command cannot have the stream itself. The descriptors
 * may be of any kind (socket, pipe, terminal, file) and shared with other processes: their flags
 * are never changed (a socket is read and written with MSG_DONTWAIT, a pipe written at most
 * PIPE_BUF bytes at a time once poll says it has room). Once `end_fd` is readable or hung up (the
 * command ended), each further read of `from_fd` is waited for at most end_wait_ms; once
 * `abandon_fd` is, it returns at once (-1: no such descriptor). A socket is written with
 * MSG_NOSIGNAL; a write to a pipe without a reader raises SIGPIPE, which the caller ignores (the
 * JVM does). *bytes (when not NULL) receives the count copied. Returns 0 at EOF, when ended or
 * abandoned, -1 when a read or write failed (EPIPE: `to_fd` has no reader any more). */
int32_t vg_copy(int32_t from_fd, int32_t to_fd, int32_t end_fd, int32_t end_wait_ms, int32_t abandon_fd,
                uint64_t *bytes, vg_error *err);

/* Sets FS_TOPDIR_FL (chattr +T) on the directory `path`: ext4 then spreads its new subdirectories
 * over the block groups, as it does top-level directories, instead of packing them beside `path`.
 * For a directory whose subtrees are made and removed all the time (vg's cache layers): on ext4
 * without a journal, every inode allocated in a block group scans past the inodes freed there in
 * the last seconds. 1: the flag is set; 0: the filesystem has no such flag; -1: error. */
int32_t vg_spread_subdirectories(const char *path, vg_error *err);

/* Makes, ahead of time, the user and network namespaces of a later sandbox:
 * a user namespace mapping `uid` and `gid` to the caller's real ids (as
 * vg_spawn does) and, owned by it, a network namespace with its loopback up.
 * fds[0] receives the user namespace, fds[1] the network namespace and fds[2]
 * that network namespace's /proc/net/sockstat, open for vg_netns_sockets (all
 * O_CLOEXEC); give fds[0] and fds[1] to a vg_spawn_spec
 * (VG_SPAWN_PREPARED_NAMESPACES) with the same uid and gid. A network
 * namespace is the most expensive part of a sandbox to make and to free (the
 * kernel registers every sysctl of the network stack in it): a caller that
 * starts many sandboxes makes the next pair off its spawn path, and may give a
 * pair to another sandbox once the one that used it is gone and
 * vg_netns_sockets says that it holds nothing. Close the three fds when done.
 * Needs a dumpable caller (fails with EPERM otherwise). */
int32_t vg_prepare_namespaces(uint32_t uid, uint32_t gid, int32_t *fds, vg_error *err);

/* What is left in the network namespace of a vg_prepare_namespaces pair, read
 * from its fds[2]: the number of open sockets plus TCP connections in
 * TIME_WAIT. 0 means that no socket of any sandbox that used the namespace
 * survives it (nothing bound, listening, connected or closing); -1 on error. */
int32_t vg_netns_sockets(int32_t sockstat_fd, vg_error *err);

/* Starts the sandbox: returns once the command has been exec'd (0) or setup
 * failed (-1, with the step, errno and detail of the failure in `err`;
 * step VG_STEP_EXEC with ENOENT / EACCES means not found / not executable).
 * The caller gets one SIGCHLD per sandbox, when its pid 1 (the caller's child)
 * ends; the short-lived processes before it end without an exit signal. */
int32_t vg_spawn(const vg_spawn_spec *spec, vg_process *out, vg_error *err);

/* Waits up to timeout_ms (-1 = forever) for the sandbox to end. Returns 1 and
 * sets *status (exit code, or 128+N when killed by signal N) and, when not NULL,
 * *peak_rss_kib (the largest resident set any process of the sandbox had, in
 * KiB; 0 when unknown) when it ended, 0 on timeout. "Ended": the command and every other process in the sandbox
 * are gone. The init reports that before it exits itself, so the kernel's
 * teardown of the sandbox (its mounts, namespaces) is not waited for here;
 * vg_release waits for it and reaps the init. (An init killed before it could
 * report is waited for and reaped here.) */
int32_t vg_wait(const vg_process *proc, int32_t timeout_ms, int32_t *status, uint32_t *peak_rss_kib, vg_error *err);

/* Sends `signal` to the command (the init forwards it); SIGKILL ends the
 * whole sandbox at once. */
int32_t vg_kill(const vg_process *proc, int32_t signal, vg_error *err);

/* Ends the sandbox if it is still running (SIGKILL), waits until its init has
 * exited and reaps it, then closes the descriptors. Usually a fraction of a
 * millisecond after vg_wait; a caller in a hurry runs it on another thread. */
int32_t vg_release(vg_process *proc);

/* Creates a SOCK_SEQPACKET unix socket pair with O_CLOEXEC on both ends (for VG_SPAWN_EGRESS). */
int32_t vg_socketpair(int32_t *fds, vg_error *err);

/* Receives, without waiting, one message of file descriptors (SCM_RIGHTS) from `socket_fd` into
 * fds (O_CLOEXEC). Returns how many were received (0: none waiting). */
int32_t vg_receive_fds(int32_t socket_fd, int32_t *fds, uint32_t capacity, vg_error *err);

/* Waits up to timeout_ms (-1 = forever) for the next connect(), bind() or listen() held by the
 * seccomp listener and fills `out`: the address is read once from the caller's memory and checked
 * to still belong to the pending notification. Returns 1 with a request, 0 on timeout, 2 when no process of the
 * sandbox is left. Every request must be answered (vg_connect_answer, vg_connect_redirect or vg_net_perform). */
int32_t vg_connect_next(int32_t listener_fd, int32_t timeout_ms, vg_connect_request *out, vg_error *err);

/* Waits up to timeout_ms (-1 = forever) until one of `count` fds is readable or hung up (poll
 * POLLIN); revents[i] receives fd i's poll revents. Returns how many are ready (0 on timeout). */
int32_t vg_poll_in(const int32_t *fds, uint32_t count, int32_t timeout_ms, uint32_t *revents, vg_error *err);

/* An epoll instance (EPOLL_CLOEXEC) for vg_epoll_watch/vg_epoll_next: one thread serves the
 * descriptors of every sandbox; a descriptor is removed (vg_epoll_unwatch) from any thread, and
 * may be closed at once after that (epoll holds no reference to it). Returns the fd. */
int32_t vg_epoll_open(vg_error *err);

/* Watches `count` fds for input (level-triggered EPOLLIN; hang-ups and errors are always
 * reported), each reported with its token. All or none: on failure none stays watched. */
int32_t vg_epoll_watch(int32_t epoll_fd, const int32_t *fds, const uint64_t *tokens, uint32_t count, vg_error *err);

/* Stops watching `count` fds; an fd not watched is no error. */
void vg_epoll_unwatch(int32_t epoll_fd, const int32_t *fds, uint32_t count);

/* Waits up to timeout_ms (-1 = forever) for watched fds; fills tokens[i] and events[i] (EPOLLIN,
 * EPOLLHUP, EPOLLERR bits) for up to `capacity` (<= 64) of them. Returns how many (0 on timeout
 * or a signal). */
int32_t vg_epoll_next(int32_t epoll_fd, int32_t timeout_ms, uint64_t *tokens, uint32_t *events, uint32_t capacity,
                      vg_error *err);

/* Answers a request: errnum 0 lets the kernel do the connect as asked (only safe because the
 * sandbox's network namespace reaches nothing else), else connect() fails with errnum. */
int32_t vg_connect_answer(int32_t listener_fd, uint64_t id, int32_t errnum, vg_error *err);

/* Connects the request's socket to 127.0.0.1:relay_port (::ffff:127.0.0.1 for AF_INET6) of the
 * sandbox's network namespace instead, and answers the request with that connect's result
 * (0, or EINPROGRESS for a non-blocking socket) without the kernel running the held call again. Returns the socket's local port (> 0), or 0 when
 * the connect failed and the request was answered with its errno. */
int32_t vg_connect_redirect(int32_t listener_fd, const vg_connect_request *request, uint32_t relay_port,
                            vg_error *err);

/* Makes the request's call itself, on its copy of the socket, as the sandbox asked it (connect
 * or bind to the address read once, listen with its backlog), and answers the request with the
 * call's result without the kernel running the held call again. A bind to a port below 1024
 * fails with EACCES unless the calling thread has CAP_NET_BIND_SERVICE, as in the kernel. A
 * blocking socket's connect blocks here. */
int32_t vg_net_perform(int32_t listener_fd, const vg_connect_request *request, vg_error *err);

/* Hands an allowed TCP connect over instead of relaying it: opens a TCP socket of the request
 * socket's family in the caller's (vg's) network namespace, carries over the socket options of
 * the request's socket that shape the connection (TCP_NODELAY, SO_KEEPALIVE and the TCP keepalive
 * times, TCP_USER_TIMEOUT, SO_RCVTIMEO, SO_SNDTIMEO, SO_LINGER, IPV6_V6ONLY), connects it to the
 * request's destination within timeout_ms, gives it the request socket's file status flags
 * (O_NONBLOCK) and installs it in the sandbox at the request's descriptor number
 * (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SETFD, close-on-exec as the number had it).
 * The request is answered: 0 (EINPROGRESS for a non-blocking socket, already writable) when handed
 * over, else the connect's errno. Returns 1 when handed over, 0 when answered with an error,
 * 2 without answering when the request's socket cannot be handed over (bound to a port, O_ASYNC,
 * not TCP): the caller relays it instead. */
int32_t vg_connect_handover(int32_t listener_fd, const vg_connect_request *request, int32_t timeout_ms, vg_error *err);

/* Answers a held socket ioctl (VG_NET_IOCTL) so that it shows only the sandbox's own network:
 * the socket-local requests (0x8900-0x890f: SIOCATMARK, SIOCGSTAMP, FIOSETOWN...) go to the kernel;
 * on a socket of another network namespace than `sandbox_cookie` every other request fails with
 * EPERM; on the sandbox's own sockets vg makes the interface queries itself on its copy (SIOCGIFCONF
 * and the SIOCGIF* queries of one struct ifreq), reading and writing the caller's memory, and the
 * rest fails with EPERM (0x89xx) or EOPNOTSUPP (wireless). Not a socket: ENOTTY. */
int32_t vg_net_ioctl(int32_t listener_fd, const vg_connect_request *request, uint64_t sandbox_cookie, vg_error *err);

/* SO_NETNS_COOKIE of socket `fd` into *cookie. */
int32_t vg_netns_cookie(int32_t fd, uint64_t *cookie, vg_error *err);

/* Opens a TCP connection (in the caller's network namespace) to address:port, family AF_INET or
 * AF_INET6, within timeout_ms. Returns the socket (O_CLOEXEC). */
int32_t vg_tcp_connect(int32_t family, const uint8_t *address, uint32_t port, int32_t timeout_ms, vg_error *err);

/* Accepts a connection on a listening socket within timeout_ms (-1 = forever; -1 with EAGAIN on
 * timeout); *peer_port receives the peer's port. Returns the socket (O_CLOEXEC). */
int32_t vg_accept(int32_t listener_fd, int32_t timeout_ms, uint32_t *peer_port, vg_error *err);

/* Copies bytes both ways between two connected sockets until both directions ended (each end's
 * EOF is passed on as a shutdown of the other's writing side) or either failed. bytes[0] receives
 * the count from a to b, bytes[1] from b to a. The caller closes the sockets. */
int32_t vg_relay(int32_t fd_a, int32_t fd_b, uint64_t *bytes, vg_error *err);

/* Peeks at up to `capacity` bytes the peer has sent on `fd`, waiting up to timeout_ms for at
 * least `wanted` bytes (or EOF). Returns how many are there. */
int32_t vg_peek(int32_t fd, int32_t timeout_ms, uint32_t wanted, uint8_t *buf, uint32_t capacity, vg_error *err);

/* Receives one datagram within timeout_ms (-1 with EAGAIN on timeout); `peer` (28 bytes) receives
 * the sender's address for vg_datagram_send. Returns its length. */
int32_t vg_datagram_receive(int32_t fd, int32_t timeout_ms, uint8_t *buf, uint32_t capacity, uint8_t *peer,
                            vg_error *err);

/* Sends one datagram to `peer` (as filled by vg_datagram_receive). */
int32_t vg_datagram_send(int32_t fd, const uint8_t *buf, uint32_t len, const uint8_t *peer, vg_error *err);

/* Symbolic name of an errno value ("EACCES"), or "E?" when unknown. */
const char *vg_errno_name(int32_t errnum);

#endif
