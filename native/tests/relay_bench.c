/*
 * relay_bench.c - what vg_relay costs per byte, against the same stream without it.
 *
 *   vg_relay_bench [MB per run] [rounds]
 *
 * Alternates a TCP stream sender -> receiver ("straight") with sender -> vg_relay -> receiver
 * ("relayed"), on the loopback of a network namespace this program makes for itself (as root, or
 * in a user namespace of its own), so no other address is ever used. Prints, per run, the rate and
 * the CPU time per MB of the sender, the relay and the receiver, then the medians. CPU per MB is
 * what a loaded machine blurs least: when the path is CPU-bound, straight CPU ÷ relayed CPU is the
 * best throughput ratio the relay can reach.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vg_core.h"

#define CHUNK (1 << 20)
#define MAX_ROUNDS 64

static double clock_s(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what)
{
    fprintf(stderr, "vg_relay_bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Its own network namespace with loopback up: the only place this program sends anything. */
static void own_network(void)
{
    if (unshare(geteuid() == 0 ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET) < 0)
        die("unshare (a network namespace of its own)");
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        die("loopback flags");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        die("loopback up");
    close(s);
}

static int listen_on(uint16_t port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0
        || listen(s, 8) < 0)
        die("listen");
    return s;
}

static int dial(uint16_t port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0)
        die("connect");
    return s;
}

struct run {
    long long bytes;
    int source_listener, relay_listener;
    double sender_cpu, relay_cpu;
};

static void *sender(void *arg)
{
    struct run *r = arg;
    int fd = accept4(r->source_listener, NULL, NULL, SOCK_CLOEXEC);
    char *buf = calloc(1, CHUNK);
    if (fd < 0 || buf == NULL)
        die("sender");
    for (long long left = r->bytes; left > 0;) {
        ssize_t n = write(fd, buf, left < CHUNK ? (size_t)left : CHUNK);
        if (n <= 0)
            die("send");
        left -= n;
    }
    free(buf);
    close(fd);
    r->sender_cpu = clock_s(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

static void *relay(void *arg)
{
    struct run *r = arg;
    int sandbox_side = accept4(r->relay_listener, NULL, NULL, SOCK_CLOEXEC);
    if (sandbox_side < 0)
        die("accept");
    int upstream = dial(7001);
    uint64_t bytes[2];
    vg_error err;
    if (vg_relay(upstream, sandbox_side, bytes, &err) < 0) {
        fprintf(stderr, "vg_relay_bench: vg_relay: %s\n", err.detail);
        exit(1);
    }
    close(upstream);
    close(sandbox_side);
    r->relay_cpu = clock_s(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

/* One download; returns MB/s and fills cpu[3] with sender, relay, receiver CPU µs per MB. */
static double download(long long bytes, int relayed, double cpu[3])
{
    struct run r = {.bytes = bytes, .source_listener = listen_on(7001), .relay_listener = relayed ? listen_on(7002) : -1};
    pthread_t send_thread, relay_thread;
    pthread_create(&send_thread, NULL, sender, &r);
    if (relayed)
        pthread_create(&relay_thread, NULL, relay, &r);
    double start = clock_s(CLOCK_MONOTONIC), receiver_start = clock_s(CLOCK_THREAD_CPUTIME_ID);
    int fd = dial(relayed ? 7002 : 7001);
    char *buf = malloc(128 * 1024);
    long long got = 0;
    for (ssize_t n; (n = read(fd, buf, 128 * 1024)) > 0;)
        got += n;
    double wall = clock_s(CLOCK_MONOTONIC) - start;
    double receiver_cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - receiver_start;
    close(fd);
    free(buf);
    pthread_join(send_thread, NULL);
    if (relayed)
        pthread_join(relay_thread, NULL);
    close(r.source_listener);
    if (relayed)
        close(r.relay_listener);
    if (got != bytes) {
        fprintf(stderr, "vg_relay_bench: received %lld of %lld bytes\n", got, bytes);
        exit(1);
    }
    double mb = (double)got / 1e6;
    cpu[0] = r.sender_cpu / mb * 1e6;
    cpu[1] = r.relay_cpu / mb * 1e6;
    cpu[2] = receiver_cpu / mb * 1e6;
    return mb / wall;
}

int main(int argc, char **argv)
{
    long long mb = argc > 1 ? atoll(argv[1]) : 1000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (mb <= 0 || rounds <= 0 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: vg_relay_bench [MB per run] [rounds, 1..%d]\n", MAX_ROUNDS);
        return 2;
    }
    own_network();
    double total_cpu[2][MAX_ROUNDS], rate[2][MAX_ROUNDS];
    for (int i = 0; i < rounds; i++) {
        for (int relayed = 0; relayed < 2; relayed++) {
            double cpu[3];
            rate[relayed][i] = download(mb * 1000 * 1000, relayed, cpu);
            total_cpu[relayed][i] = cpu[0] + cpu[1] + cpu[2];
            printf("round %d %-8s %6.0f MB/s, CPU µs/MB: sender %4.0f, relay %4.0f, receiver %4.0f, total %4.0f\n", i + 1,
                   relayed ? "relayed" : "straight", rate[relayed][i], cpu[0], cpu[1], cpu[2], total_cpu[relayed][i]);
        }
    }
    for (int relayed = 0; relayed < 2; relayed++) {
        qsort(total_cpu[relayed], (size_t)rounds, sizeof(double), cmp_double);
        qsort(rate[relayed], (size_t)rounds, sizeof(double), cmp_double);
    }
    double cpu_straight = total_cpu[0][rounds / 2], cpu_relayed = total_cpu[1][rounds / 2];
    printf("median: straight %.0f MB/s, %.0f CPU µs/MB; relayed %.0f MB/s, %.0f CPU µs/MB; CPU straight ÷ relayed %.2f\n",
           rate[0][rounds / 2], cpu_straight, rate[1][rounds / 2], cpu_relayed, cpu_straight / cpu_relayed);
    return 0;
}
