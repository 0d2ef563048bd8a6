/* landlock.c - builds and enforces the Landlock ruleset in the command child. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "internal.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* Filesystem rights each ABI knows. */
static uint64_t fs_mask_for_abi(int abi)
{
    uint64_t mask = (1ULL << 13) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */
    if (abi >= 2)
        mask |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        mask |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5)
        mask |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    return mask;
}

/* Rights that make sense on a file (the kernel rejects directory rights there). */
#define VG_LANDLOCK_FILE_RIGHTS                                                                        \
    (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |       \
     LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

struct vg_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

struct vg_net_port_attr {
    uint64_t allowed_access;
    uint64_t port;
};

int vg_landlock_abi(void)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : (int)abi;
}

int vg_apply_landlock(const vg_spawn_spec *spec, vg_error *err)
{
    if (spec->landlock_handled_fs == 0 && spec->landlock_handled_net == 0 && spec->landlock_scoped == 0)
        return 0;
    int abi = vg_landlock_abi();
    if (abi <= 0)
        return vg_fail(err, VG_STEP_LANDLOCK, ENOSYS, "landlock", "not supported by this kernel");

    struct vg_landlock_ruleset_attr attr = {
        .handled_access_fs = spec->landlock_handled_fs & fs_mask_for_abi(abi),
        .handled_access_net = abi >= 4 ? spec->landlock_handled_net &
                                             (LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP)
                                       : 0,
        .scoped = abi >= 6 ? spec->landlock_scoped &
                                 (LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL)
                           : 0,
    };
    size_t attr_size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
    if (ruleset < 0)
        return vg_fail(err, VG_STEP_LANDLOCK, errno, "landlock create ruleset", NULL);

    int rc = 0;
    for (uint32_t i = 0; i < spec->landlock_path_rule_count && attr.handled_access_fs != 0; i++) {
        const vg_landlock_path_rule *r = &spec->landlock_path_rules[i];
        int fd = open(r->path, O_PATH | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT || errno == ENOTDIR)
                continue; /* missing paths are skipped */
            rc = vg_fail(err, VG_STEP_LANDLOCK, errno, "landlock open", r->path);
            break;
        }
        struct stat st;
        uint64_t access = r->access & attr.handled_access_fs;
        if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
            access &= VG_LANDLOCK_FILE_RIGHTS;
        struct vg_path_beneath_attr pb = {.allowed_access = access, .parent_fd = fd};
        if (access != 0 && syscall(SYS_landlock_add_rule, ruleset, VG_LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
            rc = vg_fail(err, VG_STEP_LANDLOCK, errno, "landlock rule", r->path);
        close(fd);
        if (rc < 0)
            break;
    }
    for (uint32_t i = 0; rc == 0 && i < spec->landlock_port_rule_count && attr.handled_access_net != 0; i++) {
        const vg_landlock_port_rule *r = &spec->landlock_port_rules[i];
        struct vg_net_port_attr np = {.allowed_access = r->access & attr.handled_access_net, .port = r->port};
        if (np.allowed_access != 0 && syscall(SYS_landlock_add_rule, ruleset, VG_LANDLOCK_RULE_NET_PORT, &np, 0) < 0) {
            char port[21];
            vg_utoa(r->port, port);
            rc = vg_fail(err, VG_STEP_LANDLOCK, errno, "landlock port rule", port);
        }
    }
    if (rc == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
        rc = vg_fail(err, VG_STEP_LANDLOCK, errno, "landlock restrict self",
                     errno == EPERM ? "(needs VG_SPAWN_NO_NEW_PRIVS)" : NULL);
    close(ruleset);
    return rc;
}
