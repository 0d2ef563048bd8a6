/* seccomp.c - compiles rules with libseccomp (parent) and loads the program (child). */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"

static void release_ctx(scmp_filter_ctx *ctx)
{
    if (*ctx != NULL)
        seccomp_release(*ctx);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

/*
 * Argument comparisons are passed to libseccomp unchanged:
 *   scmp_arg_cmp{ .arg = index, .op = op, .datum_a = value, .datum_b = value_two }.
 * For SCMP_CMP_MASKED_EQ libseccomp matches when (arg & datum_a) == datum_b, so
 *   value     = the MASK,
 *   value_two = the DATUM compared with the masked argument:
 *   match  <=>  (arg & value) == value_two.
 * This is the OCI/Docker convention too (runc hands `value` as datum_a and
 * `valueTwo` as datum_b), so a Docker profile maps field by field.
 */
VG_API int32_t vg_seccomp_compile(const vg_seccomp_rule *rules, uint32_t rule_count, uint32_t default_action,
                                  uint8_t *out, uint32_t out_capacity, uint32_t *out_len, vg_error *err)
{
    __attribute__((cleanup(release_ctx))) scmp_filter_ctx ctx = NULL;
    __attribute__((cleanup(close_fd))) int memfd = -1;

    if ((rules == NULL && rule_count > 0) || out_len == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "seccomp", "rules or out_len is NULL");
    ctx = seccomp_init(default_action);
    if (ctx == NULL)
        return vg_fail(err, VG_STEP_SECCOMP_COMPILE, EINVAL, "seccomp_init", "default action");
    /* vg sets PR_SET_NO_NEW_PRIVS itself (VG_SPAWN_NO_NEW_PRIVS). */
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (rc < 0)
        return vg_fail(err, VG_STEP_SECCOMP_COMPILE, -rc, "seccomp_attr_set", "CTL_NNP");
    /* Syscall numbers in a binary tree instead of one long chain of comparisons. Besides each
     * syscall's check, this shortens what the kernel does when the filter is loaded: it runs
     * the filter once per syscall number of every architecture to find those it always allows
     * (its action cache), with interrupts off. */
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (rc < 0)
        return vg_fail(err, VG_STEP_SECCOMP_COMPILE, -rc, "seccomp_attr_set", "CTL_OPTIMIZE");

    for (uint32_t i = 0; i < rule_count; i++) {
        const vg_seccomp_rule *r = &rules[i];
        if (r->syscall == NULL || r->arg_count > 6)
            return vg_fail(err, VG_STEP_ARGS, EINVAL, "seccomp rule", r->syscall ? r->syscall : "(null)");
        int nr = seccomp_syscall_resolve_name(r->syscall);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not a syscall of this architecture */
        struct scmp_arg_cmp cmp[6];
        for (uint32_t a = 0; a < r->arg_count; a++) {
            if (r->args[a].index > 5 || r->args[a].op < SCMP_CMP_NE || r->args[a].op > SCMP_CMP_MASKED_EQ)
                return vg_fail(err, VG_STEP_ARGS, EINVAL, "seccomp rule argument", r->syscall);
            cmp[a].arg = r->args[a].index;
            cmp[a].op = (enum scmp_compare)r->args[a].op;
            cmp[a].datum_a = r->args[a].value;
            cmp[a].datum_b = r->args[a].value_two;
        }
        rc = seccomp_rule_add_array(ctx, r->action, nr, r->arg_count, cmp);
        if (rc < 0)
            return vg_fail(err, VG_STEP_SECCOMP_COMPILE, -rc, "seccomp rule", r->syscall);
    }

    /* libseccomp 2.5 has no seccomp_export_bpf_mem: export into a memfd and read back. */
    memfd = (int)syscall(SYS_memfd_create, "vg-seccomp", MFD_CLOEXEC);
    if (memfd < 0)
        return vg_fail(err, VG_STEP_SECCOMP_COMPILE, errno, "memfd_create", NULL);
    rc = seccomp_export_bpf(ctx, memfd);
    if (rc < 0)
        return vg_fail(err, VG_STEP_SECCOMP_COMPILE, -rc, "seccomp_export_bpf", NULL);
    off_t size = lseek(memfd, 0, SEEK_END);
    if (size < 0)
        return vg_fail(err, VG_STEP_SECCOMP_COMPILE, errno, "lseek", "seccomp memfd");
    *out_len = (uint32_t)size;
    if (out == NULL || (uint64_t)size > out_capacity)
        return vg_fail(err, VG_STEP_SECCOMP_COMPILE, ENOSPC, "seccomp program larger than buffer", NULL);
    off_t done = 0;
    while (done < size) {
        ssize_t n = pread(memfd, out + done, (size_t)(size - done), done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return vg_fail(err, VG_STEP_SECCOMP_COMPILE, n < 0 ? errno : EIO, "read", "seccomp memfd");
        done += n;
    }
    return 0;
}

int vg_apply_seccomp(const uint8_t *filter, uint32_t len, int with_listener, vg_error *err)
{
    if (filter == NULL || len == 0)
        return with_listener ? vg_fail(err, VG_STEP_SECCOMP, EINVAL, "seccomp", "a listener needs a filter") : 0;
    if (len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > 0xffff)
        return vg_fail(err, VG_STEP_SECCOMP, EINVAL, "seccomp", "program length");
    struct sock_fprog prog = {
        .len = (unsigned short)(len / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)(uintptr_t)filter,
    };
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, with_listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &prog);
    if (rc < 0)
        return vg_fail(err, VG_STEP_SECCOMP, errno, "seccomp", with_listener ? "set filter with listener" : "set filter");
    return (int)rc;
}
