/*
 * egress_test.c - tests of the restricted-networking mechanism in egress.c: descriptor passing,
 * held connect() calls of a real sandbox (seccomp user notifications), the redirect to the relay
 * listener, upstream connections, the byte relay and datagrams. Peers are this test's own sockets
 * on loopback (of the host, or of the sandbox's own network namespace); nothing else is reached.
 * Usage: vg_egress_test NAME [nobody]. Exit 0 pass, 1 fail.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

#define RET_ALLOW 0x7fff0000U
#define RET_USER_NOTIF 0x7fc00000U

/* A TCP listener on 127.0.0.1 with a kernel-chosen port, written to *port. */
static int listen_loopback(uint32_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 8) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        perror("listen on loopback");
        exit(1);
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static const uint8_t LOOPBACK4[4] = {127, 0, 0, 1};

/* Reads until EOF (or cap) with a poll timeout; returns the count, -1 on error or timeout. */
static ssize_t read_all(int fd, char *buf, size_t cap, int timeout_ms)
{
    size_t got = 0;
    while (got < cap) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) <= 0)
            return -1;
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EAGAIN)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            poll(&p, 1, 1000);
            continue;
        }
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One message of `count` descriptors (SCM_RIGHTS), as the sandbox's side sends them. */
static int send_fds(int socket_fd, const int *fds, int count)
{
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(8 * sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = CMSG_SPACE((size_t)count * sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN((size_t)count * sizeof(int));
    memcpy(CMSG_DATA(c), fds, (size_t)count * sizeof(int));
    return sendmsg(socket_fd, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static void test_fds_roundtrip(void)
{
    int32_t pair[2];
    vg_error e;
    CHECK(vg_socketpair(pair, &e) == 0, "socketpair: %s", e.detail);
    int32_t none[2];
    CHECK(vg_receive_fds(pair[0], none, 2, &e) == 0, "nothing waiting is 0, not a wait");

    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0, "pipe");
    CHECK(send_fds(pair[1], pipe_fds, 2) == 0, "send: %s", e.detail);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    int32_t got[4] = {-1, -1, -1, -1};
    CHECK(vg_receive_fds(pair[0], got, 4, &e) == 2, "two received");
    CHECK((fcntl(got[0], F_GETFD) & FD_CLOEXEC) && (fcntl(got[1], F_GETFD) & FD_CLOEXEC), "received with O_CLOEXEC");
    char byte = 0;
    CHECK(write(got[1], "x", 1) == 1 && read(got[0], &byte, 1) == 1 && byte == 'x', "they are the pipe's ends");
    close(got[0]);
    close(got[1]);

    int more[3];
    CHECK(pipe(more) == 0 && (more[2] = dup(more[0])) >= 0, "pipe");
    CHECK(send_fds(pair[1], more, 3) == 0, "send three");
    for (int i = 0; i < 3; i++)
        close(more[i]);
    int32_t one[1] = {-1};
    CHECK(vg_receive_fds(pair[0], one, 1, &e) == -1 && e.errnum == EMSGSIZE, "more than capacity fails: %d %s", e.errnum,
          e.detail);
    CHECK(vg_receive_fds(pair[0], one, 0, &e) == -1 && e.errnum == EINVAL, "capacity 0 refused");
    CHECK(vg_receive_fds(pair[0], one, 17, &e) == -1 && e.errnum == EINVAL, "capacity 17 refused");
    close(pair[0]);
    close(pair[1]);
}

static void test_fds_truncated_are_closed(void)
{
    /* The descriptors beyond capacity, and all of a truncated message, must not leak into vg. */
    int32_t pair[2];
    vg_error e;
    CHECK(vg_socketpair(pair, &e) == 0, "socketpair");
    int fds[4];
    CHECK(pipe(fds) == 0 && pipe(fds + 2) == 0, "pipes");
    CHECK(send_fds(pair[1], fds, 4) == 0, "send four");
    for (int i = 0; i < 4; i++)
        close(fds[i]);
    int32_t got[2] = {-1, -1};
    int rc = vg_receive_fds(pair[0], got, 2, &e);
    /* The kernel delivers what fits the control buffer (MSG_CTRUNC) and drops the rest. */
    CHECK(rc == -1 && e.errnum == EMSGSIZE, "rc %d errnum %d", rc, e.errnum);
    int open_count = 0;
    for (int fd = 3; fd < 64; fd++) {
        if (fd == pair[0] || fd == pair[1] || fcntl(fd, F_GETFD) < 0)
            continue;
        char link[64], target[128] = "";
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0 && strncmp(target, "pipe:", 5) == 0)
            open_count++;
    }
    CHECK(open_count == 0, "%d pipe fds left open", open_count);
    close(pair[0]);
    close(pair[1]);
}

static void test_tcp_connect_accept(void)
{
    uint32_t port = 0;
    int listener = listen_loopback(&port);
    vg_error e;
    int client = vg_tcp_connect(AF_INET, LOOPBACK4, port, 2000, &e);
    CHECK(client >= 0, "connect: %s %s", vg_errno_name(e.errnum), e.detail);
    uint32_t peer_port = 0;
    int server = vg_accept(listener, 2000, &peer_port, &e);
    CHECK(server >= 0, "accept: %s", e.detail);
    struct sockaddr_in local;
    socklen_t len = sizeof local;
    getsockname(client, (struct sockaddr *)&local, &len);
    CHECK(peer_port == ntohs(local.sin_port), "peer port %u is the client's %u", peer_port, ntohs(local.sin_port));
    CHECK(fcntl(client, F_GETFD) & FD_CLOEXEC, "upstream socket O_CLOEXEC");
    CHECK(vg_accept(listener, 50, NULL, &e) == -1 && e.errnum == EAGAIN, "no second connection: EAGAIN after timeout");
    close(client);
    close(server);
    close(listener);
    /* Nothing listens on the port any more. */
    CHECK(vg_tcp_connect(AF_INET, LOOPBACK4, port, 2000, &e) == -1 && e.errnum == ECONNREFUSED,
          "closed port: %s", vg_errno_name(e.errnum));
    CHECK(vg_tcp_connect(AF_INET, LOOPBACK4, 0, 2000, &e) == -1 && e.errnum == EINVAL, "port 0 refused");
    CHECK(vg_tcp_connect(AF_UNIX, LOOPBACK4, port, 2000, &e) == -1 && e.errnum == EINVAL, "family refused");
}

struct relay_args {
    int a, b;
    uint64_t bytes[2];
    int rc;
};

static void *relay_thread(void *arg)
{
    struct relay_args *r = arg;
    vg_error e;
    r->rc = vg_relay(r->a, r->b, r->bytes, &e);
    return NULL;
}

/* A TCP pair over loopback: *near is connected to *far. */
static void tcp_pair(int *near, int *far)
{
    uint32_t port = 0;
    int listener = listen_loopback(&port);
    vg_error e;
    *near = vg_tcp_connect(AF_INET, LOOPBACK4, port, 2000, &e);
    *far = vg_accept(listener, 2000, NULL, &e);
    close(listener);
    if (*near < 0 || *far < 0) {
        printf("tcp pair: %s\n", e.detail);
        exit(1);
    }
}

static void test_relay_both_ways(void)
{
    /* client <-> relay_a ... relay_b <-> upstream: what each end writes arrives whole at the other,
     * each EOF is passed on as a shutdown, and the counts are the bytes moved each way. */
    int client, relay_a, relay_b, upstream;
    tcp_pair(&client, &relay_a);
    tcp_pair(&relay_b, &upstream);
    struct relay_args r = {.a = relay_a, .b = relay_b, .rc = -1};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, relay_thread, &r) == 0, "thread");

    size_t up_len = 3 * 1024 * 1024 + 17, down_len = 1024 * 1024 + 5;
    char *up = malloc(up_len), *down = malloc(down_len), *got_up = malloc(up_len + 1), *got_down = malloc(down_len + 1);
    for (size_t i = 0; i < up_len; i++)
        up[i] = (char)(i * 31 + 7);
    for (size_t i = 0; i < down_len; i++)
        down[i] = (char)(i * 17 + 3);
    fcntl(client, F_SETFL, fcntl(client, F_GETFL) & ~O_NONBLOCK);
    fcntl(upstream, F_SETFL, fcntl(upstream, F_GETFL) & ~O_NONBLOCK);

    /* The client sends everything and closes its writing side; the upstream reads it to EOF. */
    pid_t writer = fork();
    if (writer == 0) {
        int ok = write_all(client, up, up_len) == 0 && shutdown(client, SHUT_WR) == 0;
        _exit(ok ? 0 : 1);
    }
    ssize_t n_up = read_all(upstream, got_up, up_len + 1, 10000);
    int status = -1;
    waitpid(writer, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "client wrote and shut down");
    CHECK(n_up == (ssize_t)up_len && memcmp(up, got_up, up_len) == 0, "upstream got %zd of %zu bytes, equal", n_up, up_len);

    /* The other way: the upstream answers and closes; the client reads to EOF. */
    CHECK(write_all(upstream, down, down_len) == 0 && shutdown(upstream, SHUT_WR) == 0, "upstream wrote");
    ssize_t n_down = read_all(client, got_down, down_len + 1, 10000);
    CHECK(n_down == (ssize_t)down_len && memcmp(down, got_down, down_len) == 0, "client got %zd of %zu bytes, equal",
          n_down, down_len);

    pthread_join(thread, NULL);
    CHECK(r.rc == 0, "relay returned %d", r.rc);
    CHECK(r.bytes[0] == up_len && r.bytes[1] == down_len, "counted %llu up, %llu down",
          (unsigned long long)r.bytes[0], (unsigned long long)r.bytes[1]);
    free(up);
    free(down);
    free(got_up);
    free(got_down);
    close(client);
    close(relay_a);
    close(relay_b);
    close(upstream);
}

static void test_relay_ends_on_reset(void)
{
    /* A peer that resets (close with unread data, or SO_LINGER 0) ends the relay: it returns. */
    int client, relay_a, relay_b, upstream;
    tcp_pair(&client, &relay_a);
    tcp_pair(&relay_b, &upstream);
    struct relay_args r = {.a = relay_a, .b = relay_b, .rc = -1};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, relay_thread, &r) == 0, "thread");
    struct linger hard = {.l_onoff = 1, .l_linger = 0};
    setsockopt(upstream, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(upstream);
    CHECK(write_all(client, "data", 4) == 0, "client writes");
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    CHECK(pthread_timedjoin_np(thread, NULL, &deadline) == 0, "relay returned after the reset");
    /* The caller closes both sockets: the client sees its connection end instead of hanging. */
    close(relay_a);
    close(relay_b);
    char buf[16];
    struct pollfd p = {.fd = client, .events = POLLIN};
    CHECK(poll(&p, 1, 10000) == 1 && read(client, buf, sizeof buf) <= 0, "client side ended, no data");
    close(client);
}

static void test_peek_waits_for_wanted(void)
{
    int a, b;
    tcp_pair(&a, &b);
    vg_error e;
    uint8_t buf[64];
    CHECK(vg_peek(b, 30, 5, buf, sizeof buf, &e) == 0, "nothing sent: 0 after the timeout");
    pid_t sender = fork();
    if (sender == 0) {
        int ok = write(a, "he", 2) == 2;
        usleep(100 * 1000);
        ok = ok && write(a, "llo!", 4) == 4;
        _exit(ok ? 0 : 1);
    }
    int got = vg_peek(b, 3000, 6, buf, sizeof buf, &e);
    waitpid(sender, NULL, 0);
    CHECK(got == 6 && memcmp(buf, "hello!", 6) == 0, "peeked %d bytes across two segments", got);
    char again[8] = "";
    CHECK(read(b, again, sizeof again) == 6, "peek left the bytes in the socket");
    CHECK(vg_peek(b, 10, 1, NULL, 4, &e) == -1 && e.errnum == EINVAL, "NULL buffer refused");
    close(a);
    close(b);
}

static void test_datagram_roundtrip(void)
{
    int server = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    CHECK(bind(server, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(server, (struct sockaddr *)&a, &len) == 0,
          "bind");
    int client = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    vg_error e;
    uint8_t buf[512], peer[28];
    CHECK(vg_datagram_receive(server, 30, buf, sizeof buf, peer, &e) == -1 && e.errnum == EAGAIN, "timeout is EAGAIN");
    CHECK(sendto(client, "query", 5, 0, (struct sockaddr *)&a, sizeof a) == 5, "client sends");
    int n = vg_datagram_receive(server, 2000, buf, sizeof buf, peer, &e);
    CHECK(n == 5 && memcmp(buf, "query", 5) == 0, "received %d", n);
    CHECK(vg_datagram_send(server, (const uint8_t *)"answer", 6, peer, &e) == 0, "reply: %s", e.detail);
    char reply[16] = "";
    struct pollfd p = {.fd = client, .events = POLLIN};
    CHECK(poll(&p, 1, 2000) == 1 && recv(client, reply, sizeof reply, 0) == 6 && memcmp(reply, "answer", 6) == 0,
          "the reply reached the sender's address");
    CHECK(vg_datagram_receive(server, 10, NULL, 4, peer, &e) == -1 && e.errnum == EINVAL, "NULL buffer refused");
    close(server);
    close(client);
}

/* One epoll instance serves many descriptors: each reported with its token while readable, a
 * hang-up reported, nothing reported once unwatched, and an unwatched fd closes at once. */
static void test_epoll_tokens(void)
{
    vg_error e;
    int ep = vg_epoll_open(&e);
    CHECK(ep >= 0, "open: %s", e.detail);
    int a[2], b[2];
    CHECK(pipe2(a, O_CLOEXEC) == 0 && pipe2(b, O_CLOEXEC) == 0, "pipes");
    int32_t fds[2] = {a[0], b[0]};
    uint64_t watched_tokens[2] = {0x100000001ULL, 0x7ffffffffffffff2ULL};
    CHECK(vg_epoll_watch(ep, fds, watched_tokens, 2, &e) == 0, "watch: %s", e.detail);
    uint64_t tokens[4];
    uint32_t events[4];
    CHECK(vg_epoll_next(ep, 20, tokens, events, 4, &e) == 0, "nothing ready yet");
    CHECK(write(b[1], "x", 1) == 1, "write");
    int n = vg_epoll_next(ep, 2000, tokens, events, 4, &e);
    CHECK(n == 1 && tokens[0] == watched_tokens[1] && (events[0] & EPOLLIN), "the readable one, by its token (%d)", n);
    n = vg_epoll_next(ep, 20, tokens, events, 4, &e);
    CHECK(n == 1 && tokens[0] == watched_tokens[1], "level-triggered: still readable (%d)", n);
    close(a[1]);
    n = vg_epoll_next(ep, 2000, tokens, events, 4, &e);
    int hangup = 0;
    for (int i = 0; i < n; i++)
        hangup |= tokens[i] == watched_tokens[0] && (events[i] & EPOLLHUP);
    CHECK(hangup, "the hang-up of the first, by its token (%d ready)", n);
    vg_epoll_unwatch(ep, fds, 2);
    CHECK(vg_epoll_next(ep, 20, tokens, events, 4, &e) == 0, "nothing reported once unwatched");
    vg_epoll_unwatch(ep, fds, 2); /* again: no error */
    int32_t bad[2] = {b[1], -1};
    uint64_t bad_tokens[2] = {1, 2};
    CHECK(vg_epoll_watch(ep, bad, bad_tokens, 2, &e) == -1 && e.errnum == EBADF, "a bad fd refused (%d)", e.errnum);
    CHECK(write(b[1], "y", 1) == 1 && vg_epoll_next(ep, 20, tokens, events, 4, &e) == 0,
          "all or none: the good fd of a refused watch is not watched");
    CHECK(vg_epoll_next(ep, 10, tokens, events, 0, &e) == -1 && e.errnum == EINVAL, "no capacity refused");
    close(a[0]);
    close(b[0]);
    close(b[1]);
    close(ep);
}

/* ---- A real sandbox whose connect() calls are held by its seccomp filter ---- */

static uint8_t bpf[8192];

enum verdict { REDIRECT, REFUSE, CONTINUE };

struct supervisor {
    int32_t egress_fd;     /* our end of the spec's egress socket pair */
    uint32_t upstream_port; /* the host-side server a redirected connection is relayed to */
    enum verdict verdict;
    /* what it saw */
    int requests;
    int family, socket_type;
    uint32_t port;
    uint8_t address[16];
    int redirected_port;   /* vg_connect_redirect's result */
    uint32_t accepted_peer; /* the peer port the relay listener saw */
    uint64_t relayed[2];
    int hangup;            /* vg_connect_next reported that no sandbox process is left */
    char error[320];
};

/* Receives one message of fds, waiting up to 10 s. */
static int receive_message(int32_t socket_fd, int32_t *fds, uint32_t capacity)
{
    vg_error e;
    for (int waited = 0; waited < 10000; waited += 10) {
        int32_t one[1] = {socket_fd};
        uint32_t revents[1];
        if (vg_poll_in(one, 1, 10, revents, &e) < 0)
            return -1;
        int n = vg_receive_fds(socket_fd, fds, capacity, &e);
        if (n != 0)
            return n;
    }
    return 0;
}

static void *supervise(void *arg)
{
    struct supervisor *s = arg;
    int32_t sockets[2] = {-1, -1}, listener[1] = {-1};
    vg_error e;
    if (receive_message(s->egress_fd, sockets, 2) != 2) {
        snprintf(s->error, sizeof s->error, "no relay/dns sockets from the init");
        return NULL;
    }
    if (receive_message(s->egress_fd, listener, 1) != 1) {
        snprintf(s->error, sizeof s->error, "no seccomp listener from the command");
        close(sockets[0]);
        close(sockets[1]);
        return NULL;
    }
    for (;;) {
        vg_connect_request request;
        int rc = vg_connect_next(listener[0], 10000, &request, &e);
        if (rc == 2) {
            s->hangup = 1;
            break;
        }
        if (rc != 1) {
            snprintf(s->error, sizeof s->error, "connect_next rc %d: %s", rc, e.detail);
            break;
        }
        s->requests++;
        s->family = request.family;
        s->socket_type = request.socket_type;
        s->port = request.port;
        memcpy(s->address, request.address, sizeof s->address);
        if (s->verdict == REFUSE || request.socket_fd < 0) {
            vg_connect_answer(listener[0], request.id, ECONNREFUSED, &e);
        } else if (s->verdict == CONTINUE) {
            vg_connect_answer(listener[0], request.id, 0, &e);
        } else {
            s->redirected_port = vg_connect_redirect(listener[0], &request, VG_EGRESS_RELAY_PORT, &e);
            int inside = vg_accept(sockets[0], 5000, &s->accepted_peer, &e);
            int outside = vg_tcp_connect(AF_INET, LOOPBACK4, s->upstream_port, 5000, &e);
            if (inside >= 0 && outside >= 0)
                vg_relay(inside, outside, s->relayed, &e);
            if (inside >= 0)
                close(inside);
            if (outside >= 0)
                close(outside);
        }
        if (request.socket_fd >= 0)
            close(request.socket_fd);
    }
    close(sockets[0]);
    close(sockets[1]);
    close(listener[0]);
    return NULL;
}

/* The upstream server on the host's loopback: reads a line, answers "pong:<line>", closes. */
static void *serve_once(void *arg)
{
    int listener = *(int *)arg;
    vg_error e;
    int fd = vg_accept(listener, 20000, NULL, &e);
    if (fd < 0)
        return NULL;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    char line[64] = "";
    ssize_t n = read_all(fd, line, sizeof line - 1, 10000);
    char answer[96];
    int len = snprintf(answer, sizeof answer, "pong:%.*s", n > 0 ? (int)n : 0, line);
    write_all(fd, answer, (size_t)len);
    close(fd);
    return NULL;
}

/* Runs `helper exchange PORT` in a sandbox with VG_SPAWN_EGRESS and a filter holding connect(). */
static void run_supervised(t_sandbox *sandbox, struct supervisor *s, uint32_t port)
{
    vg_seccomp_rule rules[1] = {{.syscall = "connect", .action = RET_USER_NOTIF}};
    uint32_t len = 0;
    vg_error e;
    CHECK(vg_seccomp_compile(rules, 1, RET_ALLOW, bpf, sizeof bpf, &len, &e) == 0, "compile: %s", e.detail);
    int32_t pair[2];
    CHECK(vg_socketpair(pair, &e) == 0, "socketpair");
    sandbox->spec.seccomp_filter = bpf;
    sandbox->spec.seccomp_filter_len = len;
    sandbox->spec.flags |= VG_SPAWN_EGRESS;
    sandbox->spec.egress_fd = pair[1];
    s->egress_fd = pair[0];
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, supervise, s) == 0, "supervisor thread");
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%u", port);
    t_run(sandbox, VG_TEST_HELPER, "exchange", port_text, (const char *)NULL);
    close(pair[1]);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 15;
    CHECK(pthread_timedjoin_np(thread, NULL, &deadline) == 0, "supervisor ended");
    close(pair[0]);
    if (s->error[0] != '\0')
        printf("  supervisor: %s\n", s->error);
}

static void test_sandbox_redirect(void)
{
    /* The command connects to 127.0.0.1:PORT of its own (empty) network namespace; vg's side sees
     * the destination, redirects the socket to the relay listener, and relays to the test's server
     * on the host's loopback: the command's exchange reaches that server and back. */
    uint32_t upstream_port = 0;
    int upstream = listen_loopback(&upstream_port);
    pthread_t server;
    CHECK(pthread_create(&server, NULL, serve_once, &upstream) == 0, "server thread");
    t_sandbox sandbox;
    t_init(&sandbox);
    struct supervisor s = {.upstream_port = upstream_port, .verdict = REDIRECT};
    run_supervised(&sandbox, &s, 4321);
    pthread_join(server, NULL);
    CHECK(s.requests == 1, "%d connect requests", s.requests);
    CHECK(s.family == AF_INET && s.port == 4321 && memcmp(s.address, LOOPBACK4, 4) == 0, "destination read: family %d port %u",
          s.family, s.port);
    CHECK(s.socket_type == SOCK_STREAM, "socket type %d", s.socket_type);
    CHECK(s.redirected_port > 0 && (uint32_t)s.redirected_port == s.accepted_peer,
          "the relay listener accepted the redirected socket (port %d, accepted %u)", s.redirected_port, s.accepted_peer);
    CHECK(sandbox.status == 0 && strstr(sandbox.out, "reply: pong:ping") != NULL, "exchange through the relay: %s",
          sandbox.out);
    CHECK(s.relayed[0] == 4 && s.relayed[1] == 9, "relayed %llu up, %llu down", (unsigned long long)s.relayed[0],
          (unsigned long long)s.relayed[1]);
    CHECK(s.hangup, "listener hung up once the sandbox was gone");
    close(upstream);
    t_cleanup(&sandbox);
}

static void test_sandbox_refused(void)
{
    /* An answered errno is what the command's connect() returns; the server is never reached. */
    uint32_t upstream_port = 0;
    int upstream = listen_loopback(&upstream_port);
    t_sandbox sandbox;
    t_init(&sandbox);
    struct supervisor s = {.upstream_port = upstream_port, .verdict = REFUSE};
    run_supervised(&sandbox, &s, upstream_port);
    CHECK(s.requests == 1, "%d connect requests", s.requests);
    CHECK(sandbox.status == 1 && strstr(sandbox.out, "connect: Connection refused") != NULL, "refused: %s", sandbox.out);
    vg_error e;
    CHECK(vg_accept(upstream, 50, NULL, &e) == -1 && e.errnum == EAGAIN, "the server saw no connection");
    close(upstream);
    t_cleanup(&sandbox);
}

static void test_sandbox_continue_stays_inside(void)
{
    /* "Continue" lets the kernel connect as asked: in the sandbox's own network namespace, where
     * the host's loopback server (listening on the same port number) does not exist. */
    uint32_t upstream_port = 0;
    int upstream = listen_loopback(&upstream_port);
    t_sandbox sandbox;
    t_init(&sandbox);
    struct supervisor s = {.upstream_port = upstream_port, .verdict = CONTINUE};
    run_supervised(&sandbox, &s, upstream_port);
    CHECK(s.requests == 1, "%d connect requests", s.requests);
    CHECK(sandbox.status == 1 && strstr(sandbox.out, "connect: Connection refused") != NULL,
          "the sandbox's own loopback has no server: %s", sandbox.out);
    vg_error e;
    CHECK(vg_accept(upstream, 50, NULL, &e) == -1 && e.errnum == EAGAIN, "the host's server saw no connection");
    close(upstream);
    t_cleanup(&sandbox);
}

static const t_test tests[] = {
    {"egress_fds_roundtrip", test_fds_roundtrip},
    {"egress_fds_truncated", test_fds_truncated_are_closed},
    {"egress_tcp_connect", test_tcp_connect_accept},
    {"egress_relay", test_relay_both_ways},
    {"egress_relay_reset", test_relay_ends_on_reset},
    {"egress_peek", test_peek_waits_for_wanted},
    {"egress_datagram", test_datagram_roundtrip},
    {"egress_epoll", test_epoll_tokens},
    {"egress_sandbox_redirect", test_sandbox_redirect},
    {"egress_sandbox_refused", test_sandbox_refused},
    {"egress_sandbox_continue", test_sandbox_continue_stays_inside},
};

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    return t_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
