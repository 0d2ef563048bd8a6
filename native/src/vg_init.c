/*
 * vg_init.c - vg-init, the reaper that the sandbox init becomes (pid 1 of the sandbox).
 *
 *   vg-init COMMAND-PID [CALLER-PIDFD|-] [STATUS-FD]
 *
 * Never run by hand: libvgcore's sandbox init execs it (execveat on an fd opened before
 * pivot_root) once the sandbox is set up, so the init stops being a copy of the caller.
 * It starts with every signal blocked, no capabilities and no_new_privs. The command was
 * started by the init and is waiting, stopped (SIGSTOP), until this process is no longer
 * dumpable: nothing in the sandbox can ptrace it, not even right after the exec.
 *
 * Then it forwards every signal it receives to the command, reaps every child, and when the
 * command ends exits with its status: the exit code, or 128+N when killed by signal N. In a
 * pid namespace the kernel then kills whatever is left in it.
 *
 * With STATUS-FD (the write end of a pipe to the caller) and as pid 1 of its own pid namespace,
 * it first kills and reaps everything left in the sandbox itself, then writes the status there
 * (two native int32: the status, and the largest resident set in KiB that any process of the
 * sandbox had, which every reaped process passed on to its parent) and exits: the caller learns that the sandbox is empty without waiting for
 * the kernel to unmount and free the namespaces, which happens after this process exits.
 *
 * With CALLER-PIDFD (VG_SPAWN_DIE_WITH_CALLER), an fd kept open across the exec: a pidfd of the
 * process that called vg_spawn, readable once that whole process has exited. Then vg-init
 * kills the command and everything else in the sandbox and exits. A caller that died before
 * vg-init got here is seen at once (the pidfd stays readable).
 *
 * Freestanding (no libc, static, a few KiB): it is exec'd once per sandbox, and a static
 * glibc start-up costs several times the exec itself.
 */
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/poll.h>
#include <linux/prctl.h>
#include <linux/resource.h>
#include <linux/signal.h>
#include <linux/signalfd.h>
#include <linux/wait.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#define VG_EXIT_SETUP 125
#define KERNEL_SIGSET_BYTES 8

long vg_syscall(long nr, long a, long b, long c, long d, long e);
void vg_init_start(void);
_Noreturn void vg_init_main(long *sp);

#if defined(__x86_64__)
__asm__(".text\n"
        ".global vg_init_start\n"
        "vg_init_start:\n"
        "  xor %rbp, %rbp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call vg_init_main\n"
        "  hlt\n"
        ".global vg_syscall\n"
        "vg_syscall:\n"
        "  mov %rdi, %rax\n"
        "  mov %rsi, %rdi\n"
        "  mov %rdx, %rsi\n"
        "  mov %rcx, %rdx\n"
        "  mov %r8, %r10\n"
        "  mov %r9, %r8\n"
        "  syscall\n"
        "  ret\n");
#elif defined(__aarch64__)
__asm__(".text\n"
        ".global vg_init_start\n"
        "vg_init_start:\n"
        "  mov x29, #0\n"
        "  mov x30, #0\n"
        "  mov x0, sp\n"
        "  bl vg_init_main\n"
        "  brk #0\n"
        ".global vg_syscall\n"
        "vg_syscall:\n"
        "  mov x8, x0\n"
        "  mov x0, x1\n"
        "  mov x1, x2\n"
        "  mov x2, x3\n"
        "  mov x3, x4\n"
        "  mov x4, x5\n"
        "  svc #0\n"
        "  ret\n");
#else
#error "vg-init: add the entry point and syscall convention of this architecture"
#endif

static _Noreturn void exit_now(int code)
{
    for (;;)
        vg_syscall(SYS_exit_group, code, 0, 0, 0, 0);
}

static void say(const char *msg)
{
    size_t len = 0;
    while (msg[len] != '\0')
        len++;
    vg_syscall(SYS_write, 2, (long)msg, (long)len, 0, 0);
}

static long parse_number(const char *s)
{
    long v = 0;
    if (s == NULL || *s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || v > 4194304)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* wait4 status: exit code, or 128+N for signal N. */
static int exit_code(int status)
{
    int sig = status & 0x7f;
    if (sig == 0)
        return (status >> 8) & 0xff;
    if (sig != 0x7f)
        return 128 + sig;
    return VG_EXIT_SETUP;
}

/* The command ended with `code`: empty the sandbox, report, exit. Every process left is a
 * child of ours (orphans are reparented to pid 1), so once wait4 finds none, none is left; each
 * round kills again what a dying process may have forked meanwhile. A process that joined the
 * pid namespace from outside is not our child: the kernel kills it when we exit, after the
 * report. */
static _Noreturn void finish(int code, long status_fd)
{
    if (status_fd < 0 || vg_syscall(SYS_getpid, 0, 0, 0, 0, 0) != 1)
        exit_now(code);
    long pid = vg_syscall(SYS_wait4, -1, 0, WNOHANG | __WALL, 0, 0);
    while (pid != -ECHILD) {
        if (pid < 0 && pid != -EINTR)
            exit_now(code); /* cannot tell: leave it to the kernel, and the caller to the pidfd */
        vg_syscall(SYS_kill, -1, SIGKILL, 0, 0, 0);
        pid = vg_syscall(SYS_wait4, -1, 0, __WALL, 0, 0);
    }
    struct rusage usage = {0};
    uint32_t peak = 0;
    if (vg_syscall(SYS_getrusage, RUSAGE_CHILDREN, (long)&usage, 0, 0, 0) == 0 && usage.ru_maxrss > 0)
        peak = usage.ru_maxrss > 0xffffffffL ? 0xffffffffu : (uint32_t)usage.ru_maxrss;
    int32_t report[2] = {code, (int32_t)peak};
    vg_syscall(SYS_write, status_fd, (long)report, sizeof report, 0, 0); /* atomic: < PIPE_BUF */
    exit_now(code);
}

/* Reaps every child that has ended; finishes when the command is one of them (or is no child). */
static void reap_ended(long command, long status_fd)
{
    for (;;) {
        int status = 0;
        long pid = vg_syscall(SYS_wait4, -1, (long)&status, WNOHANG, 0, 0);
        if (pid == -ECHILD)
            exit_now(VG_EXIT_SETUP);
        if (pid <= 0)
            return;
        if (pid == command)
            finish(exit_code(status), status_fd);
    }
}

/* The caller is gone: nothing of the sandbox may outlive it. */
static _Noreturn void kill_sandbox(long command)
{
    vg_syscall(SYS_kill, command, SIGKILL, 0, 0, 0);
    vg_syscall(SYS_kill, -command, SIGKILL, 0, 0, 0); /* its process group, if it made one */
    /* Only as pid 1 of our own pid namespace: there -1 means "everything in the sandbox". */
    if (vg_syscall(SYS_getpid, 0, 0, 0, 0, 0) == 1)
        vg_syscall(SYS_kill, -1, SIGKILL, 0, 0, 0);
    exit_now(128 + SIGKILL);
}

_Noreturn void vg_init_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    uint64_t all = ~(uint64_t)0;
    vg_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, 0, KERNEL_SIGSET_BYTES, 0); /* already so */

    long command = argc >= 2 && argc <= 4 ? parse_number(argv[1]) : -1;
    int no_caller = argc < 3 || (argv[2][0] == '-' && argv[2][1] == '\0');
    long caller = no_caller ? -1 : parse_number(argv[2]);
    long status_fd = argc == 4 ? parse_number(argv[3]) : -1;
    if (command <= 0 || (!no_caller && caller < 0) || (argc == 4 && status_fd < 0)) {
        say("vg-init: the reaper of a vg sandbox, started by libvgcore only\n");
        exit_now(VG_EXIT_SETUP);
    }
    /* Signals are taken from a signalfd, polled together with the caller's pidfd (if any).
     * execve made us dumpable again: undo it before the command runs anything. */
    long sigfd = vg_syscall(SYS_signalfd4, -1, (long)&all, KERNEL_SIGSET_BYTES, O_CLOEXEC, 0);
    if (sigfd < 0 || vg_syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        vg_syscall(SYS_kill, command, SIGKILL, 0, 0, 0);
        exit_now(VG_EXIT_SETUP);
    }
    vg_syscall(SYS_kill, command, SIGCONT, 0, 0, 0);

    /* Signals that arrived before the exec (SIGCHLD too) are still pending. */
    reap_ended(command, status_fd);
    struct pollfd watch[2] = {{.fd = (int)sigfd, .events = POLLIN}, {.fd = (int)caller, .events = POLLIN}};
    for (;;) {
        if (vg_syscall(SYS_ppoll, (long)watch, caller >= 0 ? 2 : 1, 0, 0, 0) < 0)
            continue;
        if (caller >= 0 && watch[1].revents != 0)
            kill_sandbox(command);
        if (!(watch[0].revents & POLLIN))
            continue;
        struct signalfd_siginfo info[8];
        long got = vg_syscall(SYS_read, sigfd, (long)info, sizeof info, 0, 0);
        for (long i = 0; i < got / (long)sizeof info[0]; i++) {
            long sig = (long)info[i].ssi_signo;
            if (sig == SIGCHLD)
                reap_ended(command, status_fd);
            else
                vg_syscall(SYS_kill, command, sig, 0, 0, 0);
        }
    }
}
