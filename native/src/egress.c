/*
 * egress.c - the mechanism of restricted networking, called by the parent (vg), never between
 * clone and execve: held connect() calls of the sandbox (seccomp user notifications), the
 * redirect of the sandbox's own socket to vg's relay listener in the sandbox's network
 * namespace, upstream connections, the byte relay and the datagrams of vg's DNS server.
 * Which destination is allowed is decided by the caller; nothing here has a policy.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "internal.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

#define RELAY_BUFFER (1024 * 1024)

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

VG_API int32_t vg_socketpair(int32_t *fds, vg_error *err)
{
    if (fds == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "socketpair", "fds is NULL");
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "socketpair", NULL);
    fds[0] = pair[0];
    fds[1] = pair[1];
    return 0;
}

VG_API int32_t vg_receive_fds(int32_t socket_fd, int32_t *fds, uint32_t capacity, vg_error *err)
{
    if (fds == NULL || capacity == 0 || capacity > 16)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "receive fds", "capacity");
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(16 * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = CMSG_SPACE(capacity * sizeof(int))};
    ssize_t n = recvmsg(socket_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "recvmsg", "egress socket");
    int count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int in_message = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < in_message; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if ((uint32_t)count < capacity)
                fds[count++] = fd;
            else
                close(fd);
        }
    }
    if (msg.msg_flags & MSG_CTRUNC) {
        for (int i = 0; i < count; i++)
            close(fds[i]);
        return vg_fail(err, VG_STEP_EGRESS, EMSGSIZE, "recvmsg", "more fds than expected");
    }
    return count;
}

/* A copy of the socket `fd` of thread `tid`, or -1. */
static int copy_socket(pid_t tid, int fd)
{
    __attribute__((cleanup(close_fd))) int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
    if (pidfd < 0 && errno == EINVAL)
        pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
    if (pidfd < 0)
        return -1;
    return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

VG_API int32_t vg_connect_next(int32_t listener_fd, int32_t timeout_ms, vg_connect_request *out, vg_error *err)
{
    if (out == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "connect request", "out is NULL");
    struct pollfd p = {.fd = listener_fd, .events = POLLIN};
    int ready;
    do
        ready = poll(&p, 1, timeout_ms);
    while (ready < 0 && errno == EINTR);
    if (ready < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "poll", "seccomp listener");
    if (ready == 0)
        return 0;
    if (!(p.revents & POLLIN))
        return 2; /* POLLHUP: every process of the filter is gone */

    struct seccomp_notif notif;
    memset(&notif, 0, sizeof notif);
    if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_RECV, &notif) < 0) {
        if (errno == ENOENT || errno == EINTR)
            return 0; /* the caller of that connect was interrupted before we took it */
        return vg_fail(err, VG_STEP_EGRESS, errno, "receive", "seccomp notification");
    }
    memset(out, 0, sizeof *out);
    out->id = notif.id;
    out->pid = (int32_t)notif.pid;
    out->socket_fd = -1;
    if ((int)notif.data.nr == __NR_ioctl) {
        out->call = VG_NET_IOCTL;
        out->fd_number = (int32_t)notif.data.args[0];
        out->ioctl_cmd = (uint32_t)notif.data.args[1];
        out->ioctl_arg = notif.data.args[2];
        if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &notif.id) < 0)
            return 0;
        out->socket_fd = copy_socket((pid_t)notif.pid, out->fd_number);
        if (out->socket_fd >= 0) {
            int type = 0;
            socklen_t type_len = sizeof type;
            uint64_t cookie = 0;
            socklen_t cookie_len = sizeof cookie;
            if (getsockopt(out->socket_fd, SOL_SOCKET, SO_TYPE, &type, &type_len) == 0)
                out->socket_type = type;
            if (getsockopt(out->socket_fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &cookie_len) == 0)
                out->netns_cookie = cookie;
        }
        return 1;
    }
    if ((int)notif.data.nr == __NR_listen)
        out->call = VG_NET_LISTEN;
    else if ((int)notif.data.nr == __NR_bind)
        out->call = VG_NET_BIND;
    else
        out->call = VG_NET_CONNECT;

    struct sockaddr_in6 addr;
    memset(&addr, 0, sizeof addr);
    ssize_t got = -1;
    uint64_t len = 0;
    if (out->call == VG_NET_LISTEN) {
        out->backlog = (int32_t)notif.data.args[1];
    } else {
        len = notif.data.args[2];
        if (len > sizeof addr)
            len = sizeof addr;
        struct iovec local = {.iov_base = &addr, .iov_len = (size_t)len};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)notif.data.args[1], .iov_len = (size_t)len};
        got = len >= sizeof(sa_family_t) ? process_vm_readv((pid_t)notif.pid, &local, 1, &remote, 1, 0) : -1;
    }
    /* Read once; from here on only our copy counts. Still the same pending call (not a recycled pid)? */
    if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &notif.id) < 0)
        return 0;
    if (out->call != VG_NET_LISTEN) {
        if (got != (ssize_t)len)
            return 1; /* family 0: the kernel's own call will fail or reach only the sandbox */
        if (addr.sin6_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
            const struct sockaddr_in *in4 = (const struct sockaddr_in *)&addr;
            out->family = AF_INET;
            out->port = ntohs(in4->sin_port);
            memcpy(out->address, &in4->sin_addr, 4);
        } else if (addr.sin6_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
            out->family = AF_INET6;
            out->port = ntohs(addr.sin6_port);
            memcpy(out->address, &addr.sin6_addr, 16);
        } else {
            return 1;
        }
    }
    out->fd_number = (int32_t)notif.data.args[0];
    int fd = copy_socket((pid_t)notif.pid, (int)notif.data.args[0]);
    if (fd < 0) {
        out->family = 0; /* cannot act on it: the caller answers with an error */
        return 1;
    }
    int value = 0;
    socklen_t value_len = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &value_len) == 0)
        out->socket_type = value;
    value_len = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &value, &value_len) == 0)
        out->socket_protocol = value;
    uint64_t cookie = 0;
    socklen_t cookie_len = sizeof cookie;
    if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &cookie_len) == 0)
        out->netns_cookie = cookie;
    out->socket_fd = fd;
    return 1;
}

VG_API int32_t vg_poll_in(const int32_t *fds, uint32_t count, int32_t timeout_ms, uint32_t *revents, vg_error *err)
{
    if (fds == NULL || revents == NULL || count == 0 || count > 8)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "poll", "fds");
    struct pollfd p[8];
    for (uint32_t i = 0; i < count; i++)
        p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    int ready;
    do
        ready = poll(p, count, timeout_ms);
    while (ready < 0 && errno == EINTR);
    if (ready < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "poll", NULL);
    for (uint32_t i = 0; i < count; i++)
        revents[i] = (uint32_t)(uint16_t)p[i].revents;
    return ready;
}

VG_API int32_t vg_epoll_open(vg_error *err)
{
    int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "epoll_create1", NULL);
    return fd;
}

VG_API int32_t vg_epoll_watch(int32_t epoll_fd, const int32_t *fds, const uint64_t *tokens, uint32_t count, vg_error *err)
{
    if (fds == NULL || tokens == NULL || count == 0)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "epoll watch", "fds");
    for (uint32_t i = 0; i < count; i++) {
        struct epoll_event event = {.events = EPOLLIN, .data.u64 = tokens[i]};
        if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fds[i], &event) < 0) {
            int saved = errno;
            while (i-- > 0)
                epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fds[i], NULL);
            return vg_fail(err, VG_STEP_EGRESS, saved, "epoll_ctl", "add");
        }
    }
    return 0;
}

VG_API void vg_epoll_unwatch(int32_t epoll_fd, const int32_t *fds, uint32_t count)
{
    for (uint32_t i = 0; fds != NULL && i < count; i++)
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fds[i], NULL); /* ENOENT: not watched (any more) */
}

VG_API int32_t vg_epoll_next(int32_t epoll_fd, int32_t timeout_ms, uint64_t *tokens, uint32_t *events, uint32_t capacity,
                             vg_error *err)
{
    if (tokens == NULL || events == NULL || capacity == 0 || capacity > 64)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "epoll wait", "buffers");
    struct epoll_event ready[64];
    int n = epoll_wait(epoll_fd, ready, (int)capacity, timeout_ms);
    if (n < 0 && errno == EINTR)
        return 0;
    if (n < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "epoll_wait", NULL);
    for (int i = 0; i < n; i++) {
        tokens[i] = ready[i].data.u64;
        events[i] = ready[i].events;
    }
    return n;
}

/* Answers notification `id`: with `flags` SECCOMP_USER_NOTIF_FLAG_CONTINUE the kernel runs the call
 * as asked, else the call returns 0 (errnum 0) or fails with errnum without being run. */
static int32_t answer(int32_t listener_fd, uint64_t id, int32_t errnum, uint32_t flags, vg_error *err)
{
    struct seccomp_notif_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.id = id;
    resp.flags = flags;
    resp.error = -errnum;
    if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
        return vg_fail(err, VG_STEP_EGRESS, errno, "answer", "seccomp notification");
    return 0;
}

VG_API int32_t vg_connect_answer(int32_t listener_fd, uint64_t id, int32_t errnum, vg_error *err)
{
    return answer(listener_fd, id, errnum, errnum == 0 ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0, err);
}

VG_API int32_t vg_connect_redirect(int32_t listener_fd, const vg_connect_request *request, uint32_t relay_port,
                                   vg_error *err)
{
    if (request == NULL || request->socket_fd < 0 || relay_port == 0 || relay_port > 65535)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "redirect", "request");
    struct sockaddr_in6 relay6;
    struct sockaddr_in relay4;
    const struct sockaddr *target;
    socklen_t target_len;
    if (request->family == AF_INET6) {
        memset(&relay6, 0, sizeof relay6);
        relay6.sin6_family = AF_INET6;
        relay6.sin6_port = htons((uint16_t)relay_port);
        relay6.sin6_addr.s6_addr[10] = 0xff;
        relay6.sin6_addr.s6_addr[11] = 0xff;
        relay6.sin6_addr.s6_addr[12] = 127;
        relay6.sin6_addr.s6_addr[15] = 1;
        target = (const struct sockaddr *)&relay6;
        target_len = sizeof relay6;
    } else {
        memset(&relay4, 0, sizeof relay4);
        relay4.sin_family = AF_INET;
        relay4.sin_port = htons((uint16_t)relay_port);
        relay4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        target = (const struct sockaddr *)&relay4;
        target_len = sizeof relay4;
    }
    int rc = connect(request->socket_fd, target, target_len);
    int result = rc == 0 ? 0 : errno;
    if (result != 0 && result != EINPROGRESS) {
        if (vg_connect_answer(listener_fd, request->id, result, err) < 0)
            return -1;
        return 0;
    }
    struct sockaddr_in6 local;
    socklen_t local_len = sizeof local;
    if (getsockname(request->socket_fd, (struct sockaddr *)&local, &local_len) < 0) {
        int saved = errno;
        vg_connect_answer(listener_fd, request->id, ECONNREFUSED, NULL);
        return vg_fail(err, VG_STEP_EGRESS, saved, "getsockname", "redirected socket");
    }
    uint16_t port = local.sin6_family == AF_INET6 ? local.sin6_port : ((struct sockaddr_in *)&local)->sin_port;
    /* The connect is done (or under way): the caller's connect() returns its result without being
     * run again (run again, a blocking socket's connect would fail with EISCONN). */
    if (answer(listener_fd, request->id, result, 0, err) < 0)
        return -1;
    return ntohs(port);
}

static int wait_for(int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    int ready;
    do
        ready = poll(&p, 1, timeout_ms);
    while (ready < 0 && errno == EINTR);
    if (ready == 0)
        errno = EAGAIN;
    return ready > 0 ? 0 : -1;
}

/* The request's address as a sockaddr in *storage; its length. */
static socklen_t request_address(const vg_connect_request *request, struct sockaddr_in6 *storage)
{
    memset(storage, 0, sizeof *storage);
    if (request->family == AF_INET) {
        struct sockaddr_in *in4 = (struct sockaddr_in *)storage;
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)request->port);
        memcpy(&in4->sin_addr, request->address, 4);
        return sizeof *in4;
    }
    storage->sin6_family = AF_INET6;
    storage->sin6_port = htons((uint16_t)request->port);
    memcpy(&storage->sin6_addr, request->address, 16);
    return sizeof *storage;
}

/* Whether thread `tid` has CAP_NET_BIND_SERVICE in its effective set (from /proc/TID/status). */
static int may_bind_low_port(pid_t tid)
{
    char path[64] = "/proc/";
    vg_utoa((uint64_t)tid, path + strlen(path));
    strcat(path, "/status");
    char text[4096];
    if (vg_read_text(path, text, sizeof text) < 0)
        return 0;
    const char *eff = strstr(text, "\nCapEff:\t");
    if (eff == NULL)
        return 0;
    unsigned long long caps = strtoull(eff + strlen("\nCapEff:\t"), NULL, 16);
    return (caps >> 10) & 1; /* CAP_NET_BIND_SERVICE */
}

VG_API int32_t vg_net_perform(int32_t listener_fd, const vg_connect_request *request, vg_error *err)
{
    if (request == NULL || request->socket_fd < 0)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "perform", "request");
    struct sockaddr_in6 addr;
    socklen_t len;
    int rc;
    switch (request->call) {
    case VG_NET_CONNECT:
    case VG_NET_BIND:
        if (request->family != AF_INET && request->family != AF_INET6)
            return vg_fail(err, VG_STEP_ARGS, EINVAL, "perform", "family");
        len = request_address(request, &addr);
        if (request->call == VG_NET_CONNECT) {
            rc = connect(request->socket_fd, (const struct sockaddr *)&addr, len);
        } else if (request->port > 0 && request->port < 1024 && !may_bind_low_port((pid_t)request->pid)) {
            rc = -1;
            errno = EACCES;
        } else {
            rc = bind(request->socket_fd, (const struct sockaddr *)&addr, len);
        }
        break;
    case VG_NET_LISTEN:
        rc = listen(request->socket_fd, request->backlog);
        break;
    default:
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "perform", "call");
    }
    return answer(listener_fd, request->id, rc == 0 ? 0 : errno, 0, err);
}

/* Connects `fd` (non-blocking) to addr within timeout_ms; 0 or an errno. */
static int connect_within(int fd, const struct sockaddr *addr, socklen_t len, int timeout_ms)
{
    if (connect(fd, addr, len) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return errno;
    if (wait_for(fd, POLLOUT, timeout_ms) < 0)
        return errno == EAGAIN ? ETIMEDOUT : errno;
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len) < 0)
        return errno;
    return so_error;
}

/* Whether descriptor `number` of process `pid` is close-on-exec (from /proc/PID/fdinfo/NUMBER). */
static int close_on_exec(pid_t pid, int number)
{
    char path[64] = "/proc/";
    vg_utoa((uint64_t)pid, path + strlen(path));
    strcat(path, "/fdinfo/");
    vg_utoa((uint64_t)number, path + strlen(path));
    char text[512];
    if (vg_read_text(path, text, sizeof text) < 0)
        return 1;
    const char *flags = strstr(text, "flags:\t");
    return flags == NULL ? 1 : (strtoul(flags + strlen("flags:\t"), NULL, 8) & O_CLOEXEC) != 0;
}

/* The options a command sets on a TCP socket before connect() that shape the connection. */
static const struct {
    int level;
    int name;
} carried_options[] = {
    {IPPROTO_TCP, TCP_NODELAY},   {SOL_SOCKET, SO_KEEPALIVE},  {IPPROTO_TCP, TCP_KEEPIDLE},
    {IPPROTO_TCP, TCP_KEEPINTVL}, {IPPROTO_TCP, TCP_KEEPCNT},  {IPPROTO_TCP, TCP_USER_TIMEOUT},
    {SOL_SOCKET, SO_RCVTIMEO_NEW}, {SOL_SOCKET, SO_SNDTIMEO_NEW}, {SOL_SOCKET, SO_LINGER},
};

VG_API int32_t vg_connect_handover(int32_t listener_fd, const vg_connect_request *request, int32_t timeout_ms, vg_error *err)
{
    if (request == NULL || request->socket_fd < 0 || (request->family != AF_INET && request->family != AF_INET6))
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "hand over", "request");
    int sandbox_socket = request->socket_fd;
    int domain = 0, protocol = 0;
    socklen_t opt_len = sizeof domain;
    if (getsockopt(sandbox_socket, SOL_SOCKET, SO_DOMAIN, &domain, &opt_len) < 0)
        return 2;
    opt_len = sizeof protocol;
    if (getsockopt(sandbox_socket, SOL_SOCKET, SO_PROTOCOL, &protocol, &opt_len) < 0 || protocol != IPPROTO_TCP)
        return 2;
    int status = fcntl(sandbox_socket, F_GETFL);
    struct sockaddr_in6 local;
    socklen_t local_len = sizeof local;
    if (status < 0 || (status & O_ASYNC) || getsockname(sandbox_socket, (struct sockaddr *)&local, &local_len) < 0)
        return 2;
    if ((domain == AF_INET6 ? local.sin6_port : ((struct sockaddr_in *)&local)->sin_port) != 0)
        return 2; /* bound to a port of the sandbox's own: relayed */
    if (domain != request->family)
        return 2;

    __attribute__((cleanup(close_fd))) int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
    if (fd < 0)
        return answer(listener_fd, request->id, errno, 0, err) < 0 ? -1 : 0;
    for (size_t i = 0; i < sizeof carried_options / sizeof carried_options[0]; i++) {
        char value[64];
        socklen_t value_len = sizeof value;
        if (getsockopt(sandbox_socket, carried_options[i].level, carried_options[i].name, value, &value_len) == 0)
            setsockopt(fd, carried_options[i].level, carried_options[i].name, value, value_len); /* as the kernel allows */
    }
    if (domain == AF_INET6) {
        int v6only = 0;
        opt_len = sizeof v6only;
        if (getsockopt(sandbox_socket, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &opt_len) == 0)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    struct sockaddr_in6 destination;
    socklen_t destination_len = request_address(request, &destination);
    int result = connect_within(fd, (const struct sockaddr *)&destination, destination_len, timeout_ms);
    if (result != 0)
        return answer(listener_fd, request->id, result, 0, err) < 0 ? -1 : 0;
    if (fcntl(fd, F_SETFL, status) < 0)
        return answer(listener_fd, request->id, errno, 0, err) < 0 ? -1 : 0;
    struct seccomp_notif_addfd addfd = {
        .id = request->id,
        .flags = SECCOMP_ADDFD_FLAG_SETFD,
        .srcfd = (uint32_t)fd,
        .newfd = (uint32_t)request->fd_number,
        .newfd_flags = close_on_exec((pid_t)request->pid, request->fd_number) ? O_CLOEXEC : 0,
    };
    if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0) {
        if (errno == ENOENT)
            return 0; /* the caller was interrupted: nothing was installed */
        int saved = errno;
        answer(listener_fd, request->id, ECONNREFUSED, 0, NULL);
        return vg_fail(err, VG_STEP_EGRESS, saved, "install", "hand-over socket");
    }
    if (answer(listener_fd, request->id, (status & O_NONBLOCK) ? EINPROGRESS : 0, 0, err) < 0)
        return -1;
    return 1;
}

/* Copies `len` bytes between vg and the caller's memory at `remote` (to_caller: vg's into the caller's). */
static int caller_memory(pid_t pid, void *local, uint64_t remote, size_t len, int to_caller)
{
    struct iovec mine = {.iov_base = local, .iov_len = len};
    struct iovec theirs = {.iov_base = (void *)(uintptr_t)remote, .iov_len = len};
    ssize_t n = to_caller ? process_vm_writev(pid, &mine, 1, &theirs, 1, 0) : process_vm_readv(pid, &mine, 1, &theirs, 1, 0);
    return n == (ssize_t)len ? 0 : -1;
}

/* The interface queries of one struct ifreq (in and out). */
static int interface_query(uint32_t cmd)
{
    switch (cmd) {
    case SIOCGIFNAME: case SIOCGIFFLAGS: case SIOCGIFADDR: case SIOCGIFDSTADDR: case SIOCGIFBRDADDR:
    case SIOCGIFNETMASK: case SIOCGIFMETRIC: case SIOCGIFMTU: case SIOCGIFHWADDR: case SIOCGIFINDEX:
    case SIOCGIFTXQLEN: case SIOCGIFPFLAGS: case SIOCGIFMAP:
        return 1;
    default:
        return 0;
    }
}

#define IFCONF_MAX (64 * 1024)

/* SIOCGIFCONF on `fd` for the caller: its struct ifconf and buffer read, filled, written back. */
static int interface_list(pid_t pid, int fd, uint64_t arg)
{
    struct ifconf conf;
    if (caller_memory(pid, &conf, arg, sizeof conf, 0) < 0)
        return EFAULT;
    uint64_t caller_buffer = (uint64_t)(uintptr_t)conf.ifc_buf;
    if (caller_buffer == 0) {
        if (ioctl(fd, SIOCGIFCONF, &conf) < 0)
            return errno;
    } else {
        if (conf.ifc_len < 0)
            return EINVAL;
        char *buffer = calloc(1, conf.ifc_len > IFCONF_MAX ? IFCONF_MAX : (size_t)conf.ifc_len + 1);
        if (buffer == NULL)
            return ENOMEM;
        if (conf.ifc_len > IFCONF_MAX)
            conf.ifc_len = IFCONF_MAX;
        conf.ifc_buf = buffer;
        int failed = ioctl(fd, SIOCGIFCONF, &conf) < 0 ? errno : 0;
        if (!failed && conf.ifc_len > 0 && caller_memory(pid, buffer, caller_buffer, (size_t)conf.ifc_len, 1) < 0)
            failed = EFAULT;
        free(buffer);
        if (failed)
            return failed;
        conf.ifc_buf = (char *)(uintptr_t)caller_buffer;
    }
    return caller_memory(pid, &conf, arg, sizeof conf, 1) < 0 ? EFAULT : 0;
}

VG_API int32_t vg_net_ioctl(int32_t listener_fd, const vg_connect_request *request, uint64_t sandbox_cookie, vg_error *err)
{
    if (request == NULL || request->call != VG_NET_IOCTL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "ioctl", "request");
    uint32_t cmd = request->ioctl_cmd;
    pid_t pid = (pid_t)request->pid;
    if ((cmd & 0xfffffff0U) == 0x8900U) /* the socket's own state (SIOCATMARK, SIOCGSTAMP, FIOSETOWN...) */
        return answer(listener_fd, request->id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE, err);
    int result;
    if (request->socket_fd < 0)
        result = EBADF;
    else if (request->socket_type == 0)
        result = ENOTTY;
    else if (request->netns_cookie != sandbox_cookie)
        result = EPERM;
    else if (cmd == SIOCGIFCONF)
        result = interface_list(pid, request->socket_fd, request->ioctl_arg);
    else if (interface_query(cmd)) {
        struct ifreq ifr;
        if (caller_memory(pid, &ifr, request->ioctl_arg, sizeof ifr, 0) < 0)
            result = EFAULT;
        else if (ioctl(request->socket_fd, cmd, &ifr) < 0)
            result = errno;
        else
            result = caller_memory(pid, &ifr, request->ioctl_arg, sizeof ifr, 1) < 0 ? EFAULT : 0;
    } else {
        result = (cmd & 0xffffff00U) == 0x8b00U ? EOPNOTSUPP : EPERM;
    }
    return answer(listener_fd, request->id, result, 0, err);
}

VG_API int32_t vg_netns_cookie(int32_t fd, uint64_t *cookie, vg_error *err)
{
    if (cookie == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "netns cookie", "cookie is NULL");
    socklen_t len = sizeof *cookie;
    if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len) < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "getsockopt", "SO_NETNS_COOKIE");
    return 0;
}

VG_API int32_t vg_tcp_connect(int32_t family, const uint8_t *address, uint32_t port, int32_t timeout_ms, vg_error *err)
{
    if (address == NULL || port == 0 || port > 65535 || (family != AF_INET && family != AF_INET6))
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "connect", "address");
    struct sockaddr_in6 addr6;
    struct sockaddr_in addr4;
    memset(&addr6, 0, sizeof addr6);
    memset(&addr4, 0, sizeof addr4);
    const struct sockaddr *target;
    socklen_t target_len;
    if (family == AF_INET) {
        addr4.sin_family = AF_INET;
        addr4.sin_port = htons((uint16_t)port);
        memcpy(&addr4.sin_addr, address, 4);
        target = (const struct sockaddr *)&addr4;
        target_len = sizeof addr4;
    } else {
        addr6.sin6_family = AF_INET6;
        addr6.sin6_port = htons((uint16_t)port);
        memcpy(&addr6.sin6_addr, address, 16);
        target = (const struct sockaddr *)&addr6;
        target_len = sizeof addr6;
    }
    __attribute__((cleanup(close_fd))) int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "socket", "upstream");
    if (connect(fd, target, target_len) < 0) {
        if (errno != EINPROGRESS)
            return vg_fail(err, VG_STEP_EGRESS, errno, "connect", "upstream");
        if (wait_for(fd, POLLOUT, timeout_ms) < 0)
            return vg_fail(err, VG_STEP_EGRESS, errno == EAGAIN ? ETIMEDOUT : errno, "connect", "upstream");
        int so_error = 0;
        socklen_t so_len = sizeof so_error;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len) < 0)
            so_error = errno;
        if (so_error != 0)
            return vg_fail(err, VG_STEP_EGRESS, so_error, "connect", "upstream");
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int result = fd;
    fd = -1;
    return result;
}

VG_API int32_t vg_accept(int32_t listener_fd, int32_t timeout_ms, uint32_t *peer_port, vg_error *err)
{
    if (wait_for(listener_fd, POLLIN, timeout_ms) < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "poll", "relay listener");
    struct sockaddr_in6 peer;
    socklen_t peer_len = sizeof peer;
    int fd = accept4(listener_fd, (struct sockaddr *)&peer, &peer_len, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno == EWOULDBLOCK ? EAGAIN : errno, "accept", "relay listener");
    if (peer_port != NULL)
        *peer_port = ntohs(peer.sin6_family == AF_INET6 ? peer.sin6_port : ((struct sockaddr_in *)&peer)->sin_port);
    return fd;
}

/* One direction of a relay: bytes spliced from `from` into a pipe, not yet spliced on to `to`
 * (the kernel moves them without a copy through user space). */
struct relay_half {
    int from;
    int to;
    int pipe[2];
    size_t in_pipe;
    int eof;       /* `from` reached EOF (and everything was passed on: `to` was shut down) */
    uint64_t bytes;
};

/* Moves what it can without blocking. Returns -1 on a socket error. */
static int relay_step(struct relay_half *h)
{
    if (h->eof)
        return 0;
    if (h->in_pipe == 0) {
        ssize_t n = splice(h->from, NULL, h->pipe[1], NULL, RELAY_BUFFER, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        if (n == 0) {
            h->eof = 1;
            shutdown(h->to, SHUT_WR);
            return 0;
        }
        h->in_pipe = (size_t)n;
    }
    while (h->in_pipe > 0) {
        ssize_t n = splice(h->pipe[0], NULL, h->to, NULL, h->in_pipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        h->in_pipe -= (size_t)n;
        h->bytes += (uint64_t)n;
    }
    return 0;
}

static void close_pipes(struct relay_half (*half)[2])
{
    for (int i = 0; i < 2; i++)
        for (int e = 0; e < 2; e++)
            if ((*half)[i].pipe[e] >= 0)
                close((*half)[i].pipe[e]);
}

VG_API int32_t vg_relay(int32_t fd_a, int32_t fd_b, uint64_t *bytes, vg_error *err)
{
    for (int i = 0; i < 2; i++) {
        int fd = i == 0 ? fd_a : fd_b;
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
            return vg_fail(err, VG_STEP_EGRESS, errno, "fcntl", "relay socket");
    }
    __attribute__((cleanup(close_pipes))) struct relay_half half[2] = {
        {.from = fd_a, .to = fd_b, .pipe = {-1, -1}}, {.from = fd_b, .to = fd_a, .pipe = {-1, -1}}};
    for (int i = 0; i < 2; i++) {
        if (pipe2(half[i].pipe, O_CLOEXEC | O_NONBLOCK) < 0)
            return vg_fail(err, VG_STEP_EGRESS, errno, "pipe", "relay");
        fcntl(half[i].pipe[1], F_SETPIPE_SZ, RELAY_BUFFER); /* best effort: fewer rounds */
    }
    int failed = 0;
    while (!(half[0].eof && half[1].eof) && !failed) {
        struct pollfd p[2] = {{.fd = fd_a}, {.fd = fd_b}};
        for (int i = 0; i < 2; i++) {
            struct relay_half *h = &half[i];
            if (h->eof)
                continue;
            if (h->in_pipe == 0)
                p[i].events |= POLLIN; /* p[i].fd == h->from */
            else
                p[1 - i].events |= POLLOUT; /* h->to */
        }
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return vg_fail(err, VG_STEP_EGRESS, errno, "poll", "relay");
        }
        for (int i = 0; i < 2 && !failed; i++)
            failed = relay_step(&half[i]) < 0;
    }
    if (bytes != NULL) {
        bytes[0] = half[0].bytes;
        bytes[1] = half[1].bytes;
    }
    return 0; /* a reset by either side ends the relay like an EOF: the caller closes both */
}

VG_API int32_t vg_peek(int32_t fd, int32_t timeout_ms, uint32_t wanted, uint8_t *buf, uint32_t capacity, vg_error *err)
{
    if (buf == NULL || capacity == 0)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "peek", "buffer");
    for (;;) {
        if (wait_for(fd, POLLIN, timeout_ms) < 0) {
            if (errno == EAGAIN)
                break;
            return vg_fail(err, VG_STEP_EGRESS, errno, "poll", "peek");
        }
        ssize_t n = recv(fd, buf, capacity, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0)
            return vg_fail(err, VG_STEP_EGRESS, errno, "recv", "peek");
        if (n == 0 || (uint32_t)n >= wanted || (uint32_t)n == capacity)
            return (int32_t)n;
        /* Fewer than wanted: wait a little for the rest (a ClientHello may span segments). */
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
        if (timeout_ms >= 0) {
            timeout_ms -= 5;
            if (timeout_ms <= 0)
                return (int32_t)n;
        }
    }
    ssize_t n = recv(fd, buf, capacity, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 ? 0 : (int32_t)n;
}

VG_API int32_t vg_datagram_receive(int32_t fd, int32_t timeout_ms, uint8_t *buf, uint32_t capacity, uint8_t *peer,
                                   vg_error *err)
{
    if (buf == NULL || peer == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "datagram", "buffer");
    if (wait_for(fd, POLLIN, timeout_ms) < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "poll", "dns socket");
    struct sockaddr_in6 from;
    socklen_t from_len = sizeof from;
    memset(&from, 0, sizeof from);
    ssize_t n = recvfrom(fd, buf, capacity, MSG_DONTWAIT, (struct sockaddr *)&from, &from_len);
    if (n < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno == EWOULDBLOCK ? EAGAIN : errno, "recvfrom", "dns socket");
    memcpy(peer, &from, sizeof from);
    return (int32_t)n;
}

VG_API int32_t vg_datagram_send(int32_t fd, const uint8_t *buf, uint32_t len, const uint8_t *peer, vg_error *err)
{
    if (buf == NULL || peer == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "datagram", "buffer");
    struct sockaddr_in6 to;
    memcpy(&to, peer, sizeof to);
    socklen_t to_len = to.sin6_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)&to, to_len) < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "sendto", "dns socket");
    return 0;
}

/* ---- Child side (between clone and execve: raw syscalls only) ---- */

int vg_send_fds(int socket_fd, const int *fds, int count, vg_error *err)
{
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } control;
    if (count < 1 || count > 4)
        return vg_fail(err, VG_STEP_EGRESS, EINVAL, "send fds", "count");
    for (size_t i = 0; i < sizeof control.buf; i++)
        control.buf[i] = 0;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = CMSG_SPACE((size_t)count * sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN((size_t)count * sizeof(int));
    unsigned char *data = CMSG_DATA(c);
    for (int i = 0; i < count; i++)
        for (size_t b = 0; b < sizeof(int); b++)
            data[(size_t)i * sizeof(int) + b] = ((const unsigned char *)&fds[i])[b];
    ssize_t n;
    do
        n = sendmsg(socket_fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "send", "egress fds");
    return 0;
}

static int loopback_socket(int type, uint16_t port, vg_error *err)
{
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return vg_fail(err, VG_STEP_EGRESS, errno, "socket", type == SOCK_STREAM ? "relay listener" : "dns");
    struct sockaddr_in addr;
    for (size_t i = 0; i < sizeof addr; i++)
        ((char *)&addr)[i] = 0;
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || (type == SOCK_STREAM && listen(fd, 1024) < 0)) {
        int saved = errno;
        close(fd);
        return vg_fail(err, VG_STEP_EGRESS, saved, "bind", type == SOCK_STREAM ? "relay listener 127.0.0.1:1" : "dns 127.0.0.1:53");
    }
    return fd;
}

int vg_send_egress_sockets(int socket_fd, vg_error *err)
{
    int fds[2];
    fds[0] = loopback_socket(SOCK_STREAM, VG_EGRESS_RELAY_PORT, err);
    if (fds[0] < 0)
        return -1;
    fds[1] = loopback_socket(SOCK_DGRAM, 53, err);
    if (fds[1] < 0) {
        close(fds[0]);
        return -1;
    }
    int rc = vg_send_fds(socket_fd, fds, 2, err);
    close(fds[0]);
    close(fds[1]);
    return rc;
}
