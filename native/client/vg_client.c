/* vg_client.c - the `vg` command's fast path: hands the command line to the per-user vg server
 * (a warm JVM, dev.vectraguard.server.VgServer) over a unix socket instead of starting a JVM.
 *
 * It sends its arguments, environment, working directory and its own stdin/stdout/stderr
 * (SCM_RIGHTS), passes signals on, runs host commands the server orders as its own children, and
 * exits with the status the server sends. The socket lives in a directory only this user can use
 * ($XDG_RUNTIME_DIR/vectra-guard or /tmp/vectra-guard-UID, owned by the user, mode 0700); the
 * server's uid is checked with SO_PEERCRED. When no server can run (VG_NO_SERVER=1, the directory
 * is unusable, the server does not start), the client runs vg in-process by exec'ing the launcher
 * with VG_IN_PROCESS=1. The launcher is $VG_LAUNCHER, else VG_CLIENT_LAUNCHER compiled in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef VG_CLIENT_LAUNCHER
#define VG_CLIENT_LAUNCHER ""
#endif

#define PROTOCOL "vg-server-1"
#define VG_FAILURE 125
#define START_TIMEOUT_MS 30000

extern char **environ;

static int signal_pipe[2] = {-1, -1};

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

static void free_ptr(void *p)
{
    free(*(void **)p);
}

#define AUTO_FD __attribute__((cleanup(close_fd))) int
#define AUTO_FREE __attribute__((cleanup(free_ptr)))

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vg: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The launcher that runs vg in a JVM: in-process (VG_IN_PROCESS=1) or as the server (VG_SERVER_DIR). */
static const char *launcher(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("VG_LAUNCHER");
    if (env != NULL && env[0] != '\0') {
        snprintf(path, sizeof path, "%s", env);
        unsetenv("VG_LAUNCHER"); /* vg's own plumbing is not the command's environment */
        return path;
    }
    return VG_CLIENT_LAUNCHER[0] != '\0' ? VG_CLIENT_LAUNCHER : NULL;
}

/* Runs vg in-process: never returns. */
static void run_in_process(const char *jvm_launcher, char **argv)
{
    if (jvm_launcher == NULL) {
        warn("no vg launcher: set VG_LAUNCHER or build the client with -DVG_CLIENT_LAUNCHER=PATH");
        exit(VG_FAILURE);
    }
    if (setenv("VG_IN_PROCESS", "1", 1) < 0) {
        warn("setenv VG_IN_PROCESS: %s", strerror(errno));
        exit(VG_FAILURE);
    }
    argv[0] = (char *)jvm_launcher;
    execv(jvm_launcher, argv);
    warn("cannot run %s: %s", jvm_launcher, strerror(errno));
    exit(VG_FAILURE);
}

/* A directory only this user can use: not a symlink, owned by uid, mode 0700. */
static int private_directory(const char *dir)
{
    struct stat st;
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        warn("not using the vg server: mkdir %s: %s", dir, strerror(errno));
        return -1;
    }
    if (lstat(dir, &st) < 0) {
        warn("not using the vg server: %s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 07777) != 0700) {
        warn("not using the vg server: %s must be a directory owned by uid %u with mode 0700 (it is owned by uid %u, mode %04o)",
             dir, (unsigned)getuid(), (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    return 0;
}

static int runtime_directory(char *out, size_t size)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    struct stat st;
    int n;
    /* $XDG_RUNTIME_DIR only when it is this user's alone (others could rename a directory in it) */
    if (xdg != NULL && xdg[0] == '/' && stat(xdg, &st) == 0 && st.st_uid == getuid() && (st.st_mode & 022) == 0)
        n = snprintf(out, size, "%s/vectra-guard", xdg);
    else
        n = snprintf(out, size, "/tmp/vectra-guard-%u", (unsigned)getuid());
    if (n < 0 || (size_t)n >= size - sizeof "/server.sock") {
        warn("not using the vg server: runtime directory path too long");
        return -1;
    }
    return private_directory(out);
}

/* A connection to the server, or -1 (errno set) when none listens, -2 for a peer of another uid
 * (refused, said). *peer_pid: the server's pid, when not NULL. */
static int connect_server(const char *dir, pid_t *peer_pid)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int n = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/server.sock", dir);
    if (n < 0 || (size_t)n >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    struct ucred peer;
    socklen_t len = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0 || peer.uid != getuid()) {
        warn("not using the vg server: %s is served by uid %d, not this user", addr.sun_path,
             len == sizeof peer ? (int)peer.uid : -1);
        close(fd);
        errno = EPERM;
        return -2;
    }
    if (peer_pid != NULL)
        *peer_pid = peer.pid;
    return fd;
}

/* Starts the server detached (own session, stdio to DIR/server.log); its pid, or -1. */
static pid_t start_server(const char *dir, const char *jvm_launcher)
{
    char log[PATH_MAX + 16];
    snprintf(log, sizeof log, "%s/server.log", dir);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (null < 0 || out < 0 || setsid() < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 || chdir("/") < 0)
        _exit(VG_FAILURE);
    closefrom(3);
    if (setenv("VG_SERVER_DIR", dir, 1) < 0)
        _exit(VG_FAILURE);
    unsetenv("VG_IN_PROCESS");
    execl(jvm_launcher, jvm_launcher, (char *)NULL);
    _exit(VG_FAILURE);
}

/* Connects, starting the server when none listens; -1 when no server can run. */
static int server_connection(const char *dir, const char *jvm_launcher, int fresh)
{
    int fd = fresh ? -1 : connect_server(dir, NULL);
    if (fd >= 0 || fd == -2)
        return fd >= 0 ? fd : -1;
    if (jvm_launcher == NULL)
        return -1;
    pid_t server = start_server(dir, jvm_launcher);
    if (server < 0) {
        warn("not using the vg server: fork: %s", strerror(errno));
        return -1;
    }
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
    for (int waited = 0; waited < START_TIMEOUT_MS; waited += 5) {
        nanosleep(&pause, NULL);
        fd = connect_server(dir, NULL);
        if (fd >= 0 || fd == -2)
            return fd >= 0 ? fd : -1;
        int status;
        if (waitpid(server, &status, WNOHANG) == server) {
            /* exit 0: another client's server won the socket; it will answer soon */
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                warn("the vg server did not start (see %s/server.log): running in-process", dir);
                return -1;
            }
            server = -1;
        }
    }
    warn("the vg server did not answer within %d s (see %s/server.log): running in-process", START_TIMEOUT_MS / 1000, dir);
    return -1;
}

static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int recv_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = recv(fd, p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The descriptors 0, 1 and 2 with one byte. */
static int send_stdio(int fd)
{
    char byte = 'V';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(3 * sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(3 * sizeof(int));
    int fds[3] = {0, 1, 2};
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t n;
    do
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : -1;
}

typedef struct buffer {
    char *data;
    size_t len, cap;
} buffer;

static int append(buffer *b, const char *s)
{
    size_t n = strlen(s) + 1;
    if (b->len + n > b->cap) {
        size_t cap = (b->cap + n) * 2;
        char *grown = realloc(b->data, cap);
        if (grown == NULL)
            return -1;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

/* Whether stdin and stdout are a terminal (a person can answer an approval). */
static int interactive(void)
{
    return isatty(0) && isatty(1);
}

static int send_request(int fd, int argc, char **argv)
{
    AUTO_FREE char *cwd = getcwd(NULL, 0);
    if (cwd == NULL) {
        warn("getcwd: %s", strerror(errno));
        return -1;
    }
    AUTO_FREE buffer body = {0};
    char count[16];
    snprintf(count, sizeof count, "%d", argc - 1);
    int failed = append(&body, PROTOCOL) || append(&body, cwd) || append(&body, interactive() ? "interactive" : "")
                 || append(&body, count);
    for (int i = 1; i < argc && !failed; i++)
        failed = append(&body, argv[i]);
    for (char **e = environ; *e != NULL && !failed; e++)
        failed = append(&body, *e);
    if (failed) {
        warn("out of memory");
        return -1;
    }
    uint32_t length = htonl((uint32_t)body.len);
    if (send_stdio(fd) < 0 || send_all(fd, &length, sizeof length) < 0 || send_all(fd, body.data, body.len) < 0)
        return -1;
    return 0;
}

static void on_signal(int signo, siginfo_t *info, void *context)
{
    (void)context;
    int saved = errno;
    char message[2] = {(char)signo, (char)(info->si_code == SI_KERNEL)};
    if (write(signal_pipe[1], message, sizeof message) < 0) {
        /* the pipe is full: the signal is dropped, as a pending one would be merged */
    }
    errno = saved;
}

static const int FORWARDED[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGCHLD};

static int install_signals(void)
{
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return -1;
    struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof FORWARDED / sizeof FORWARDED[0]; i++)
        if (sigaction(FORWARDED[i], &sa, NULL) < 0)
            return -1;
    return 0;
}

/* Whether this process's group is its terminal's foreground group, as /proc/self/stat says (like the CLI). */
static int in_terminal_foreground(void)
{
    char stat[1024];
    AUTO_FD fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, stat, sizeof stat - 1);
    if (n <= 0)
        return 0;
    stat[n] = '\0';
    char *end = strrchr(stat, ')');
    int pgrp, tpgid;
    char state;
    int ppid, session, tty;
    if (end == NULL || sscanf(end + 2, "%c %d %d %d %d %d", &state, &ppid, &pgrp, &session, &tty, &tpgid) != 6)
        return 0;
    return pgrp == tpgid;
}

static int send_frame(int fd, char type, int32_t value)
{
    char frame[5];
    uint32_t v = htonl((uint32_t)value);
    frame[0] = type;
    memcpy(frame + 1, &v, 4);
    return send_all(fd, frame, sizeof frame);
}

/* A host command the server ordered: the client's own child, with its stdio, environment and directory. */
typedef struct host_child {
    pid_t pid;
    int exec_errno_fd;
} host_child;

static int start_host(host_child *child, char *payload, uint32_t len)
{
    size_t count = 0;
    for (uint32_t i = 0; i < len; i++)
        count += payload[i] == '\0';
    if (count == 0 || payload[len - 1] != '\0')
        return -1;
    AUTO_FREE char **argv = calloc(count + 1, sizeof *argv);
    if (argv == NULL)
        return -1;
    for (size_t i = 0, at = 0; i < count; i++, at += strlen(payload + at) + 1)
        argv[i] = payload + at;
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(errpipe[0]);
        close(errpipe[1]);
        return -1;
    }
    if (pid == 0) {
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        for (size_t i = 0; i < sizeof FORWARDED / sizeof FORWARDED[0]; i++)
            sigaction(FORWARDED[i], &dfl, NULL);
        execvp(argv[0], argv);
        int err = errno;
        if (write(errpipe[1], &err, sizeof err) < 0)
            _exit(127);
        _exit(127);
    }
    close(errpipe[1]);
    child->pid = pid;
    child->exec_errno_fd = errpipe[0];
    return 0;
}

/* The host child's status for the server: its wait status, or -errno when exec failed. */
static int32_t host_status(host_child *child, int status)
{
    int err = 0;
    ssize_t n = read(child->exec_errno_fd, &err, sizeof err);
    close(child->exec_errno_fd);
    child->exec_errno_fd = -1;
    child->pid = 0;
    return n == (ssize_t)sizeof err ? -err : status;
}

/* Follows the server's frames until it sends the exit status; returns it, or -1 on RESTART, -2 on FALLBACK. */
static int follow(int fd)
{
    host_child child = {.pid = 0, .exec_errno_fd = -1};
    for (;;) {
        struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = signal_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            warn("poll: %s", strerror(errno));
            return VG_FAILURE;
        }
        if (fds[1].revents & POLLIN) {
            char message[2];
            while (read(signal_pipe[0], message, sizeof message) == (ssize_t)sizeof message) {
                int signo = message[0], from_terminal = message[1];
                int status;
                if (signo == SIGCHLD) {
                    if (child.pid > 0 && waitpid(child.pid, &status, WNOHANG) == child.pid)
                        if (send_frame(fd, 'w', host_status(&child, status)) < 0)
                            return VG_FAILURE;
                    continue;
                }
                int stop = signo == SIGTERM || signo == SIGHUP || (signo == SIGINT && !in_terminal_foreground());
                if (!stop && (child.pid > 0 || !from_terminal))
                    continue; /* a host child got the terminal's signal itself; a kill(2)'d INT/QUIT is vg's own (the CLI's JVM takes it) */
                if (signo == SIGWINCH && child.pid > 0)
                    continue;
                if (send_frame(fd, stop ? 's' : 'p', signo) < 0 && stop)
                    return 128 + signo;
            }
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        char header[5];
        if (recv_all(fd, header, sizeof header) < 0) {
            warn("the vg server closed the connection before the command's status");
            return VG_FAILURE;
        }
        uint32_t len;
        memcpy(&len, header + 1, 4);
        len = ntohl(len);
        if (len > (16u << 20)) {
            warn("the vg server sent a frame of %u bytes", len);
            return VG_FAILURE;
        }
        AUTO_FREE char *payload = malloc(len + 1);
        if (payload == NULL || recv_all(fd, payload, len) < 0) {
            warn("the vg server closed the connection before the command's status");
            return VG_FAILURE;
        }
        int32_t value = 0;
        if (len >= 4) {
            uint32_t raw;
            memcpy(&raw, payload, 4);
            value = (int32_t)ntohl(raw);
        }
        switch (header[0]) {
        case 'x':
            return value & 0xff;
        case 'r':
            return -1;
        case 'f':
            return -2;
        case 'h':
            if (start_host(&child, payload, len) < 0 && send_frame(fd, 'w', -ENOMEM) < 0)
                return VG_FAILURE;
            break;
        case 'k':
            if (child.pid > 0 && kill(child.pid, value) < 0 && errno != ESRCH)
                warn("kill %d: %s", (int)child.pid, strerror(errno));
            break;
        default:
            warn("the vg server sent an unknown frame '%c'", header[0]);
            return VG_FAILURE;
        }
    }
}

/* Waits until process `pid` has exited (it was alive when the connection to it was made); a
 * signal (Ctrl-C) ends the wait, not the stop. */
static void await_exit(pid_t pid)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    for (size_t i = 0; i < sizeof FORWARDED / sizeof FORWARDED[0]; i++)
        sigaction(FORWARDED[i], &dfl, NULL);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        while (kill(pid, 0) == 0) {
            struct timespec pause = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
        return;
    }
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    while (poll(&p, 1, -1) < 0 && errno == EINTR)
        ;
    close(pidfd);
}

/* `vg server status` and `vg server stop`: about the server that runs, never starting one. */
static int server_control(char **argv, int argc)
{
    int stop = strcmp(argv[2], "stop") == 0;
    char dir[PATH_MAX];
    if (runtime_directory(dir, sizeof dir) < 0)
        return VG_FAILURE;
    pid_t pid = 0;
    AUTO_FD fd = connect_server(dir, &pid);
    if (fd == -2)
        return VG_FAILURE;
    if (fd < 0) {
        printf("vg server: none runs for uid %u (no server at %s/server.sock)%s\n", (unsigned)getuid(), dir,
               stop ? ": nothing to stop" : "");
        return stop ? 0 : 3;
    }
    if (install_signals() < 0 || send_request(fd, argc, argv) < 0) {
        warn("cannot send the request to the vg server: %s", strerror(errno));
        return VG_FAILURE;
    }
    int status = follow(fd);
    if (status == -1) { /* another build's server, or one stopping already: it exits once its commands end */
        printf("vg server: pid %d is %s; it exits once its commands have ended\n", (int)pid,
               stop ? "stopping" : "another build's or stopping");
        if (!stop)
            return 0;
        status = 0;
    } else if (status == -2) {
        warn("the vg server did not take `vg server %s`", argv[2]);
        return VG_FAILURE;
    }
    if (stop && status == 0) {
        fflush(stdout);
        await_exit(pid);
        printf("vg server: pid %d stopped\n", (int)pid);
    }
    return status;
}

int main(int argc, char **argv)
{
    const char *jvm_launcher = launcher();
    if (argc == 3 && strcmp(argv[1], "server") == 0 && (strcmp(argv[2], "stop") == 0 || strcmp(argv[2], "status") == 0))
        return server_control(argv, argc);
    const char *no_server = getenv("VG_NO_SERVER");
    if (no_server != NULL && no_server[0] != '\0' && strcmp(no_server, "0") != 0)
        run_in_process(jvm_launcher, argv);
    char dir[PATH_MAX];
    if (runtime_directory(dir, sizeof dir) < 0 || install_signals() < 0)
        run_in_process(jvm_launcher, argv);
    for (int attempt = 0; attempt < 3; attempt++) {
        AUTO_FD fd = server_connection(dir, jvm_launcher, attempt > 0);
        if (fd < 0)
            break;
        if (send_request(fd, argc, argv) < 0) {
            if (attempt == 0 && errno == EBADF)
                break; /* a closed stdin, stdout or stderr cannot be passed on */
            warn("cannot send the request to the vg server: %s", strerror(errno));
            return VG_FAILURE;
        }
        int status = follow(fd);
        if (status >= 0) {
            fflush(stderr);
            return status;
        }
        if (status == -2)
            break;
    }
    run_in_process(jvm_launcher, argv);
}
