/* helper.c - tiny probe run INSIDE test sandboxes (things /bin/sh cannot do), and
 * "without-landlock CMD...": runs CMD as on a kernel without Landlock, and "no-id-maps CMD...": as where
 * a new user namespace is given but no ids may be mapped in it (for the Java tests). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>
#include <time.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/sockios.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* Execs argv[0] with the three Landlock syscalls failing with ENOSYS, as on a kernel before 5.13
 * (or one built without Landlock): a seccomp filter, inherited by everything CMD starts. */
/* A TCP listener on 127.0.0.1 at a port the kernel picks, its address in *a; -1 (errno set) on failure. */
static int loopback_listener(struct sockaddr_in *a)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    *a = (struct sockaddr_in){.sin_family = AF_INET};
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof *a;
    if (l < 0 || bind(l, (struct sockaddr *)a, sizeof *a) < 0 || listen(l, 1) < 0 ||
        getsockname(l, (struct sockaddr *)a, &alen) < 0)
        return -1;
    return l;
}

static int without_landlock(char **argv)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, SYS_landlock_create_ruleset, 0, 2),
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, SYS_landlock_restrict_self, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) < 0) {
        fprintf(stderr, "without-landlock: %s\n", strerror(errno));
        return 2;
    }
    execvp(argv[0], argv);
    fprintf(stderr, "without-landlock: exec %s: %s\n", argv[0], strerror(errno));
    return 127;
}

/* Execs argv[0] where nothing may write under /proc (so no process can map ids in a user namespace
 * it made, as Ubuntu's AppArmor restriction of unprivileged user namespaces does): a Landlock
 * domain that lets files be written beneath every top-level directory but /proc. */
static int no_id_maps(char **argv)
{
    struct landlock_ruleset_attr attr = {.handled_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE};
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    DIR *top = opendir("/");
    if (ruleset < 0 || top == NULL) {
        fprintf(stderr, "no-id-maps: %s\n", strerror(errno));
        return 2;
    }
    for (struct dirent *entry; (entry = readdir(top)) != NULL;) {
        if (entry->d_name[0] == '.' || strcmp(entry->d_name, "proc") == 0)
            continue;
        int fd = openat(dirfd(top), entry->d_name, O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
        if (fd < 0)
            continue; /* a file or a symlink in /: nothing beneath it */
        struct landlock_path_beneath_attr beneath = {.allowed_access = LANDLOCK_ACCESS_FS_WRITE_FILE, .parent_fd = fd};
        if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0) < 0) {
            fprintf(stderr, "no-id-maps: rule for /%s: %s\n", entry->d_name, strerror(errno));
            return 2;
        }
        close(fd);
    }
    closedir(top);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_landlock_restrict_self, ruleset, 0) < 0) {
        fprintf(stderr, "no-id-maps: %s\n", strerror(errno));
        return 2;
    }
    close(ruleset);
    execvp(argv[0], argv);
    fprintf(stderr, "no-id-maps: exec %s: %s\n", argv[0], strerror(errno));
    return 127;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int signal)
{
    (void)signal;
    alarms++;
}

struct race {
    int tcp, udp, target, rounds;
    atomic_int done;
};

static void *swap_sockets(void *arg)
{
    struct race *race = arg;
    while (!atomic_load(&race->done)) {
        dup2(race->tcp, race->target);
        dup2(race->udp, race->target);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "no-id-maps") == 0)
        return no_id_maps(argv + 2);
    if (argc >= 3 && strcmp(argv[1], "without-landlock") == 0)
        return without_landlock(argv + 2);
    if (argc >= 3 && strcmp(argv[1], "connect") == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
            printf("connect: %s\n", strerror(errno));
            return 1;
        }
        printf("connected\n");
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "exchange") == 0) {
        /* Sends "ping" to 127.0.0.1:PORT, closes its writing side and prints the whole answer. */
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
            printf("connect: %s\n", strerror(errno));
            return 1;
        }
        char reply[128];
        size_t got = 0;
        ssize_t n;
        if (write(s, "ping", 4) != 4 || shutdown(s, SHUT_WR) < 0)
            return 2;
        while (got < sizeof reply - 1 && (n = read(s, reply + got, sizeof reply - 1 - got)) > 0)
            got += (size_t)n;
        reply[got] = '\0';
        printf("reply: %s\n", reply);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "loopback") == 0) {
        struct sockaddr_in a;
        int l = loopback_listener(&a);
        if (l < 0) {
            printf("listen: %s\n", strerror(errno));
            return 2;
        }
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
            printf("connect: %s\n", strerror(errno));
            return 1;
        }
        printf("connected\n");
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "timewait") == 0) {
        /* A loopback connection that the accepting side closes first: it stays in TIME_WAIT. */
        struct sockaddr_in a;
        int l = loopback_listener(&a);
        int c = -1, s = -1;
        char byte;
        if (l < 0 || (c = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
            connect(c, (struct sockaddr *)&a, sizeof a) < 0 || (s = accept(l, NULL, NULL)) < 0 || close(s) < 0 ||
            read(c, &byte, 1) != 0 || close(c) < 0) {
            printf("timewait: %s\n", strerror(errno));
            return 1;
        }
        printf("closed\n");
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "fds") == 0) {
        DIR *d = opendir("/proc/self/fd");
        if (d == NULL)
            return 2;
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
                printf("%s\n", e->d_name);
        closedir(d);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "alloc") == 0) {
        size_t mb = (size_t)atol(argv[2]);
        char *p = malloc(mb << 20);
        if (p == NULL) {
            printf("alloc failed\n");
            return 1;
        }
        memset(p, 1, mb << 20);
        printf("alloc ok\n");
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "remount") == 0) {
        if (mount(NULL, argv[2], NULL, MS_REMOUNT | MS_BIND, NULL) < 0) {
            printf("remount: %s\n", strerror(errno));
            return 1;
        }
        printf("REMOUNT-OK\n");
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "syscalls") == 0) {
        /* One line per probe: name and errno name (or "ok"). */
        char c = 0;
        long rc;
#define PROBE(label, expr)                                                                         \
    do {                                                                                           \
        errno = 0;                                                                                 \
        rc = (expr);                                                                               \
        printf("%s %s\n", label, rc < 0 ? strerrorname_np(errno) : "ok");                          \
        if (rc == 0 && strncmp(label, "clone", 5) == 0)                                            \
            _exit(0); /* the clone child */                                                        \
        if (rc >= 0 && strncmp(label, "socket", 6) == 0)                                           \
            close((int)rc);                                                                        \
    } while (0)
        PROBE("tiocsti64", syscall(SYS_ioctl, 0, 0x100005412UL, &c));
        PROBE("tioclinux", syscall(SYS_ioctl, 0, 0x541CUL, &c));
        PROBE("clone_newuser", syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
        PROBE("clone3", syscall(SYS_clone3, NULL, 0));
        PROBE("unshare", syscall(SYS_unshare, CLONE_NEWUSER));
        PROBE("personality_query", syscall(SYS_personality, 0xffffffffUL));
        PROBE("personality_set", syscall(SYS_personality, 0x0040000UL));
        PROBE("socket_packet", syscall(SYS_socket, 17, SOCK_RAW, 0));
        PROBE("socket_raw", syscall(SYS_socket, AF_INET, SOCK_RAW | SOCK_CLOEXEC, 1));
        PROBE("socket_tcp", syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
        PROBE("io_uring", syscall(SYS_io_uring_setup, 1, NULL));
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "fastopen") == 0) {
        /* Ways to open a TCP connection to ADDR:PORT, or to pick an interface, without a connect()
         * that vg holds; one line each: name and errno name (or "ok"). */
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
        if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
            return 2;
        static const char request[] = "GET / HTTP/1.0\r\n\r\n";
        struct iovec iov = {.iov_base = (void *)request, .iov_len = sizeof request - 1};
        struct msghdr msg = {.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &iov, .msg_iovlen = 1};
        struct mmsghdr mmsg = {.msg_hdr = msg};
        int one = 1;
        long rc;
#define NET_PROBE(label, expr)                                                                     \
    do {                                                                                           \
        int s = socket(AF_INET, SOCK_STREAM, 0);                                                   \
        errno = 0;                                                                                 \
        rc = s < 0 ? -1 : (expr);                                                                  \
        printf("%s %s\n", label, rc < 0 ? strerrorname_np(errno) : "ok");                          \
        close(s);                                                                                  \
    } while (0)
        NET_PROBE("sendto", sendto(s, request, sizeof request - 1, MSG_FASTOPEN, (struct sockaddr *)&a, sizeof a));
        NET_PROBE("sendmsg", sendmsg(s, &msg, MSG_FASTOPEN));
        NET_PROBE("sendmmsg", sendmmsg(s, &mmsg, 1, MSG_FASTOPEN));
        /* high bits the kernel ignores must not slip past the filter */
        NET_PROBE("sendto_high", syscall(SYS_sendto, s, request, sizeof request - 1, 0xffffffff00000000UL | MSG_FASTOPEN,
                                         &a, sizeof a));
        NET_PROBE("fastopen_connect", setsockopt(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof one));
        NET_PROBE("fastopen_connect_high", syscall(SYS_setsockopt, s, 0xffffffff00000000UL | IPPROTO_TCP,
                                                   0xffffffff00000000UL | TCP_FASTOPEN_CONNECT, &one, sizeof one));
        NET_PROBE("bindtodevice", setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3));
        NET_PROBE("bindtoifindex", setsockopt(s, SOL_SOCKET, SO_BINDTOIFINDEX, &one, sizeof one));
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "loopback-nonblock") == 0) {
        /* A non-blocking connect to a listener of its own: EINPROGRESS (or 0), then writable, SO_ERROR 0. */
        struct sockaddr_in a;
        int l = loopback_listener(&a);
        if (l < 0) {
            printf("listen: %s\n", strerrorname_np(errno));
            return 2;
        }
        int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int rc = connect(c, (struct sockaddr *)&a, sizeof a);
        printf("connect %s\n", rc == 0 ? "ok" : strerrorname_np(errno));
        struct pollfd p = {.fd = c, .events = POLLOUT};
        int so_error = -1;
        socklen_t so_len = sizeof so_error;
        if (poll(&p, 1, 5000) != 1 || getsockopt(c, SOL_SOCKET, SO_ERROR, &so_error, &so_len) < 0 || so_error != 0) {
            printf("not connected: %s\n", strerrorname_np(so_error > 0 ? so_error : errno));
            return 1;
        }
        int s = accept(l, NULL, NULL);
        char byte = 0;
        if (s < 0 || write(s, "y", 1) != 1 || poll(&(struct pollfd){.fd = c, .events = POLLIN}, 1, 5000) != 1 ||
            read(c, &byte, 1) != 1 || byte != 'y') {
            printf("exchange failed\n");
            return 1;
        }
        printf("connected\n");
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "bind") == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        errno = 0;
        int rc = s < 0 ? -1 : bind(s, (struct sockaddr *)&a, sizeof a);
        printf("bind %s\n", rc == 0 ? "ok" : strerrorname_np(errno));
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "connect-signal") == 0) {
        /* A blocking connect to ADDR:PORT interrupted after 300 ms by a SIGALRM handler, with
         * SA_RESTART ("restart") or without: the connect's errno name and how long it took. */
        struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = argc >= 5 && strcmp(argv[4], "restart") == 0 ? SA_RESTART : 0};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
        if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
            return 2;
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct itimerval timer = {.it_value = {.tv_sec = 0, .tv_usec = 300000}};
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        setitimer(ITIMER_REAL, &timer, NULL);
        errno = 0;
        int rc = connect(s, (struct sockaddr *)&a, sizeof a);
        int saved = errno;
        clock_gettime(CLOCK_MONOTONIC, &end);
        long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
        printf("%s %ld alarms %d\n", rc == 0 ? "ok" : strerrorname_np(saved), ms, (int)alarms);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "race-connect") == 0) {
        /* Connects descriptor N to 127.0.0.1:PORT ROUNDS times while a second thread keeps swapping a
         * UDP and a TCP socket under N: vg lets a UDP connect through to the kernel, which then finds
         * the TCP socket. Prints how many connects ended in each errno name (ok for success). */
        struct race race = {.rounds = atoi(argv[3])};
        race.tcp = socket(AF_INET, SOCK_STREAM, 0);
        race.udp = socket(AF_INET, SOCK_DGRAM, 0);
        race.target = socket(AF_INET, SOCK_DGRAM, 0);
        if (race.tcp < 0 || race.udp < 0 || race.target < 0)
            return 2;
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        pthread_t swapper;
        if (pthread_create(&swapper, NULL, swap_sockets, &race) != 0)
            return 2;
        int counts[4] = {0}; /* ok, ECONNREFUSED, EACCES, other */
        for (int i = 0; i < race.rounds; i++) {
            int rc = connect(race.target, (struct sockaddr *)&a, sizeof a);
            counts[rc == 0 ? 0 : errno == ECONNREFUSED ? 1 : errno == EACCES ? 2 : 3]++;
            if (counts[2] > 0 && i >= 100)
                break;
        }
        atomic_store(&race.done, 1);
        pthread_join(swapper, NULL);
        printf("ok %d ECONNREFUSED %d EACCES %d other %d\n", counts[0], counts[1], counts[2], counts[3]);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "ifconf") == 0) {
        /* The network interfaces a socket connected to ADDR:PORT shows: SIOCGIFCONF's names, the
         * name of interface index 2 (SIOCGIFNAME), and what an ethtool request gets. */
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
        if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
            return 2;
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
            printf("connect %s\n", strerrorname_np(errno));
            return 1;
        }
        printf("connect ok\n");
        struct ifreq list[32];
        struct ifconf conf = {.ifc_len = sizeof list, .ifc_req = list};
        if (ioctl(s, SIOCGIFCONF, &conf) < 0)
            printf("ifconf %s\n", strerrorname_np(errno));
        else
            for (size_t i = 0; i < (size_t)conf.ifc_len / sizeof list[0]; i++)
                printf("interface %s\n", list[i].ifr_name);
        struct ifreq ifr = {.ifr_ifindex = 2};
        printf("index2 %s\n", ioctl(s, SIOCGIFNAME, &ifr) < 0 ? strerrorname_np(errno) : ifr.ifr_name);
        struct ifreq eth = {.ifr_name = "lo"};
        printf("ethtool %s\n", ioctl(s, SIOCETHTOOL, &eth) < 0 ? strerrorname_np(errno) : "ok");
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "reaim") == 0) {
        /* Connects to ADDR:PORT (an allowed destination), then tries to aim that socket elsewhere:
         * disconnect (AF_UNSPEC) and connect to 127.0.0.1:LOCAL, bind to LOCAL+1, listen, Fast
         * Open, and connects of a UDP descriptor a second thread keeps swapping the socket into.
         * One line each: what was tried and its errno name (or "ok"). */
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
        if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
            return 2;
        int local_port = atoi(argv[4]);
        struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((uint16_t)local_port)};
        local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(local_port + 1))};
        struct sockaddr unspec = {.sa_family = AF_UNSPEC};
        int s = socket(AF_INET, SOCK_STREAM, 0);
        long rc;
#define TRY(label, expr)                                                                           \
    do {                                                                                           \
        errno = 0;                                                                                 \
        rc = (expr);                                                                               \
        printf("%s %s\n", label, rc < 0 ? strerrorname_np(errno) : "ok");                          \
    } while (0)
        TRY("connect", connect(s, (struct sockaddr *)&a, sizeof a));
        if (rc < 0)
            return 1;
        TRY("disconnect", connect(s, &unspec, sizeof unspec));
        TRY("reconnect", connect(s, (struct sockaddr *)&local, sizeof local));
        TRY("bind", bind(s, (struct sockaddr *)&any, sizeof any));
        TRY("listen", listen(s, 5));
        TRY("fastopen", sendto(s, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&local, sizeof local));
        struct race race = {.tcp = s, .udp = socket(AF_INET, SOCK_DGRAM, 0), .target = socket(AF_INET, SOCK_DGRAM, 0)};
        pthread_t swapper;
        if (race.udp < 0 || race.target < 0 || pthread_create(&swapper, NULL, swap_sockets, &race) != 0)
            return 2;
        for (int i = 0; i < 20000; i++)
            connect(race.target, (struct sockaddr *)&local, sizeof local);
        atomic_store(&race.done, 1);
        pthread_join(swapper, NULL);
        struct sockaddr_in peer;
        socklen_t peer_len = sizeof peer;
        TRY("raced", getpeername(s, (struct sockaddr *)&peer, &peer_len));
        return 0;
    }
    fprintf(stderr, "usage: helper connect PORT | loopback | timewait | fds | alloc MB | remount PATH | fastopen ADDR PORT | loopback-nonblock | bind PORT | connect-signal ADDR PORT [restart] | race-connect PORT ROUNDS | ifconf ADDR PORT | reaim ADDR PORT LOCAL | without-landlock CMD...\n");
    return 2;
}
