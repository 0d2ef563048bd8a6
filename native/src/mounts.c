/*
 * mounts.c - builds the sandbox root from the mount list (runs in the sandbox init,
 * between clone and execve: raw syscalls only).
 *
 * Layout while the list runs:
 *   /          a staging tmpfs (mounted over the host's /tmp, then pivoted into), of
 *              spec->scratch_size bytes and spec->scratch_inodes inodes
 *   /oldroot   the host root: sources are resolved here, with RESOLVE_IN_ROOT, so
 *              absolute symlinks and ".." behave as on the host
 *   /newroot   the sandbox root tmpfs: targets are resolved here, with RESOLVE_IN_ROOT
 *   /ovlN      overlay N's upper and work dirs (throwaway, on the staging tmpfs; those of a
 *              VG_MOUNT_OVERLAY_KEEP are in the caller's host directory instead)
 *   /scratchN  a plain tmpfs target ("mode=..." only): a directory of the staging tmpfs,
 *              bound at the target (one filesystem serves /tmp, /run, home...: making and
 *              tearing down a superblock per target cost more than the bind)
 *   /empty     an empty directory, bound read-only over each masked directory
 * Mounts are built detached (open_tree / fsmount), get their attributes
 * (nosuid, nodev, ro, noexec) while detached, then move_mount onto the target.
 * Finally /newroot becomes / and the staging root goes, with the host's tree in it.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "internal.h"

#define VG_BASE_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

struct mount_ctx {
    int oldroot;  /* O_PATH fd of the host root */
    int newroot;  /* O_PATH fd of the sandbox root */
    int devnull;  /* O_PATH fd of the host /dev/null, -1 when absent */
    unsigned scratch; /* /scratchN directories made so far */
    const vg_mount_op *ops; /* the whole mount list */
    uint32_t op_count;
    uint64_t overlay_owned; /* bit N: the lower directory of overlay N is the caller's */
    unsigned overlays;      /* overlay ops seen so far */
    vg_error *err;
};

static int open_resolved(int root, const char *path, int flags, uint64_t resolve)
{
    struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | resolve};
    return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
}

static int open_in(int root, const char *path, int flags)
{
    return open_resolved(root, path, flags, 0);
}

static void close_keep_errno(int fd)
{
    int saved = errno;
    if (fd >= 0)
        close(fd);
    errno = saved;
}

static int copy_path(char *buf, size_t cap, const char *path)
{
    buf[0] = '\0';
    if (vg_strappend(buf, cap, path) == (size_t)-1) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

/* Makes sure the directory `p` (absolute, inside root) exists. `p` is modified and restored. */
static int ensure_dir(int root, char *p)
{
    int fd = open_in(root, p, O_PATH | O_DIRECTORY);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    if (errno != ENOENT)
        return -1;
    char *slash = NULL;
    for (char *c = p; *c != '\0'; c++)
        if (*c == '/')
            slash = c;
    if (slash == NULL) {
        errno = EINVAL;
        return -1;
    }
    *slash = '\0';
    int parent = open_in(root, slash == p ? "/" : p, O_PATH | O_DIRECTORY);
    *slash = '/';
    if (parent < 0)
        return -1;
    int rc = mkdirat(parent, slash + 1, 0755);
    close_keep_errno(parent);
    return rc < 0 && errno != EEXIST ? -1 : 0;
}

/* mkdir -p inside root; with `parent_only` the last component is left alone. */
static int mkdir_p(int root, const char *path, int parent_only)
{
    char buf[PATH_MAX];
    if (copy_path(buf, sizeof buf, path) < 0)
        return -1;
    size_t len = vg_strlen(buf);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = '\0';
    if (parent_only) {
        while (len > 0 && buf[len - 1] != '/')
            len--;
        while (len > 1 && buf[len - 1] == '/')
            len--;
        buf[len] = '\0';
    }
    if (len <= 1)
        return 0; /* "/" always exists */
    for (size_t i = 1; i < len; i++) {
        if (buf[i] == '/' && buf[i - 1] != '/') {
            buf[i] = '\0';
            int rc = ensure_dir(root, buf);
            buf[i] = '/';
            if (rc < 0)
                return -1;
        }
    }
    return ensure_dir(root, buf);
}

/* O_PATH fd of the mount point `target` inside root, created as a directory or an empty file. */
static int make_target(int root, const char *target, int as_dir)
{
    if (mkdir_p(root, target, !as_dir) < 0)
        return -1;
    if (!as_dir) {
        int fd = open_in(root, target, O_WRONLY | O_CREAT | O_NOCTTY | O_NONBLOCK);
        if (fd < 0 && errno != EISDIR && errno != EACCES && errno != EROFS && errno != ENXIO)
            return -1;
        close_keep_errno(fd);
    }
    return open_in(root, target, O_PATH);
}

static int set_attrs(int fd, uint64_t attrs, int recursive)
{
    struct mount_attr attr = {.attr_set = attrs};
    return mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr);
}

static int attach(int mnt, int target_fd)
{
    return move_mount(mnt, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* A detached recursive copy of the mount tree at src_fd, with attrs set; -1 on error. */
static int clone_tree(int src_fd, uint64_t attrs, int recursive)
{
    int tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                         (recursive ? AT_RECURSIVE : 0));
    if (tree < 0)
        return -1;
    if (set_attrs(tree, attrs, recursive) < 0) {
        close_keep_errno(tree);
        return -1;
    }
    return tree;
}

/* A detached new filesystem of `type`; `data` is "key=value,flag,..." (may be NULL). */
static int new_fs(const char *type, const char *data, uint64_t attrs)
{
    int fsfd = fsopen(type, FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return -1;
    if (data != NULL && data[0] != '\0') {
        char buf[1024];
        if (copy_path(buf, sizeof buf, data) < 0)
            goto fail;
        char *opt = buf;
        while (opt != NULL) {
            char *next = opt;
            while (*next != '\0' && *next != ',')
                next++;
            if (*next == ',')
                *next++ = '\0';
            else
                next = NULL;
            if (*opt != '\0') {
                char *eq = opt;
                while (*eq != '\0' && *eq != '=')
                    eq++;
                int rc;
                if (*eq == '=') {
                    *eq = '\0';
                    rc = fsconfig(fsfd, FSCONFIG_SET_STRING, opt, eq + 1, 0);
                } else {
                    rc = fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
                }
                if (rc < 0)
                    goto fail;
            }
            opt = next;
        }
    }
    if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        goto fail;
    int mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)attrs);
    close_keep_errno(fsfd);
    return mnt;
fail:
    close_keep_errno(fsfd);
    return -1;
}

static uint64_t op_attrs(const vg_mount_op *op)
{
    uint64_t attrs = VG_BASE_ATTRS;
    if (op->flags & VG_MF_READONLY)
        attrs |= MOUNT_ATTR_RDONLY;
    if (op->flags & VG_MF_NOEXEC)
        attrs |= MOUNT_ATTR_NOEXEC;
    return attrs;
}

static int do_bind(struct mount_ctx *m, const vg_mount_op *op)
{
    int src = open_resolved(m->oldroot, op->source, O_PATH, (op->flags & VG_MF_NO_SYMLINKS) ? RESOLVE_NO_SYMLINKS : 0);
    if (src < 0) {
        if (errno == ENOENT && (op->flags & VG_MF_OPTIONAL))
            return 0;
        return vg_fail(m->err, VG_STEP_MOUNT, errno, "bind", op->source);
    }
    struct stat st;
    int rc = -1;
    int tree = -1, target = -1;
    if (fstat(src, &st) < 0) {
        vg_fail(m->err, VG_STEP_MOUNT, errno, "bind", op->source);
        goto out;
    }
    target = make_target(m->newroot, op->target, S_ISDIR(st.st_mode));
    if (target < 0) {
        vg_fail(m->err, VG_STEP_MOUNT, errno, "bind target", op->target);
        goto out;
    }
    tree = clone_tree(src, op_attrs(op), 1);
    if (tree < 0 || attach(tree, target) < 0) {
        vg_fail(m->err, VG_STEP_MOUNT, errno, "bind", op->source);
        goto out;
    }
    rc = 0;
out:
    close_keep_errno(tree);
    close_keep_errno(target);
    close_keep_errno(src);
    return rc;
}

/* Attaches a fresh filesystem at `target` (a directory, created). Returns the mount fd. */
static int mount_fs_at(struct mount_ctx *m, const char *type, const char *data, uint64_t attrs,
                       const char *target, const char *what)
{
    int tfd = make_target(m->newroot, target, 1);
    if (tfd < 0)
        return vg_fail(m->err, VG_STEP_MOUNT, errno, what, target);
    int mnt = new_fs(type, data, attrs);
    if (mnt < 0 || attach(mnt, tfd) < 0) {
        vg_fail(m->err, VG_STEP_MOUNT, errno, what, target);
        close_keep_errno(mnt);
        close(tfd);
        return -1;
    }
    close(tfd);
    return mnt;
}

/* Attaches `mnt_or_tree` over `name` below the directory fd `dir` (skipped when missing). */
static int cover(int dir, const char *name, int mnt)
{
    int tfd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (tfd < 0)
        return errno == ENOENT ? 0 : -1;
    int rc = attach(mnt, tfd);
    close_keep_errno(tfd);
    return rc;
}

static const char *const proc_readonly[] = {"sys", "sysrq-trigger", "irq", "bus", "fs", "asound"};
static const char *const proc_masked[] = {"kcore", "keys", "timer_list", "timer_stats", "sched_debug",
                                          "latency_stats", "acpi", "scsi"};

/* A detached bind of the staging root's directory `dir` (made with exactly `mode` if missing). */
static int staging_dir_tree(const char *dir, mode_t mode, uint64_t attrs)
{
    if (mkdir(dir, 0700) == 0) {
        if (chmod(dir, mode) < 0)
            return -1;
    } else if (errno != EEXIST) {
        return -1;
    }
    int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int tree = clone_tree(fd, attrs, 0);
    close_keep_errno(fd);
    return tree;
}

/* Hides what tfd points at: /dev/null over a file, an empty read-only directory over a directory. */
static int cover_masked(struct mount_ctx *m, int tfd)
{
    struct stat st;
    int mnt = -1;
    if (fstat(tfd, &st) < 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        mnt = staging_dir_tree("/empty", 0555, VG_BASE_ATTRS | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC);
    } else if (m->devnull >= 0) {
        mnt = clone_tree(m->devnull, MOUNT_ATTR_NOSUID | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC, 0);
    } else {
        errno = ENOENT;
    }
    int rc = mnt < 0 ? -1 : attach(mnt, tfd);
    close_keep_errno(mnt);
    return rc;
}

static int mask_at(struct mount_ctx *m, int dir, const char *name)
{
    int tfd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (tfd < 0)
        return errno == ENOENT ? 0 : -1;
    int rc = cover_masked(m, tfd);
    close_keep_errno(tfd);
    return rc;
}

/* "mode=NNNN" and nothing else: the octal mode in *mode. */
static int only_mode(const char *data, mode_t *mode)
{
    static const char key[] = "mode=";
    if (data == NULL)
        return 0;
    for (size_t i = 0; i < sizeof key - 1; i++)
        if (data[i] != key[i])
            return 0;
    const char *digits = data + sizeof key - 1;
    mode_t value = 0;
    size_t n = 0;
    for (; digits[n] != '\0'; n++) {
        if (digits[n] < '0' || digits[n] > '7' || n >= 4)
            return 0;
        value = value * 8 + (mode_t)(digits[n] - '0');
    }
    if (n == 0)
        return 0;
    *mode = value;
    return 1;
}

/* A tmpfs at op->target: a directory of the staging tmpfs when only a mode is asked, else its own. */
static int do_tmpfs(struct mount_ctx *m, const vg_mount_op *op)
{
    mode_t mode;
    if (!only_mode(op->data, &mode)) {
        int mnt = mount_fs_at(m, "tmpfs", op->data, op_attrs(op), op->target, "tmpfs");
        if (mnt < 0)
            return -1;
        close(mnt);
        return 0;
    }
    char dir[32] = "/scratch", num[21];
    vg_utoa(m->scratch++, num);
    vg_strappend(dir, sizeof dir, num);
    int tree = staging_dir_tree(dir, mode, op_attrs(op));
    int tfd = tree < 0 ? -1 : make_target(m->newroot, op->target, 1);
    int rc = tfd < 0 ? -1 : attach(tree, tfd);
    if (rc < 0)
        vg_fail(m->err, VG_STEP_MOUNT, errno, "tmpfs", op->target);
    close_keep_errno(tfd);
    close_keep_errno(tree);
    return rc;
}

static int do_proc(struct mount_ctx *m, const vg_mount_op *op)
{
    int proc = mount_fs_at(m, "proc", NULL, VG_BASE_ATTRS | MOUNT_ATTR_NOEXEC | (op_attrs(op) & MOUNT_ATTR_RDONLY),
                           op->target, "proc");
    if (proc < 0)
        return -1;
    /* As OCI runtimes do: kernel knobs read-only, leaky files masked. This is what keeps
     * a root-run sandbox (uid 0 mapped to 0) from writing /proc/sys/kernel/core_pattern. */
    for (size_t i = 0; i < sizeof proc_readonly / sizeof proc_readonly[0]; i++) {
        int fd = openat(proc, proc_readonly[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT)
                continue;
            vg_fail(m->err, VG_STEP_MOUNT, errno, "proc read-only", proc_readonly[i]);
            close(proc);
            return -1;
        }
        int tree = clone_tree(fd, VG_BASE_ATTRS | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY, 1);
        int rc = tree < 0 ? -1 : attach(tree, fd);
        close_keep_errno(tree);
        close_keep_errno(fd);
        if (rc < 0) {
            vg_fail(m->err, VG_STEP_MOUNT, errno, "proc read-only", proc_readonly[i]);
            close(proc);
            return -1;
        }
    }
    for (size_t i = 0; i < sizeof proc_masked / sizeof proc_masked[0]; i++) {
        if (mask_at(m, proc, proc_masked[i]) < 0) {
            vg_fail(m->err, VG_STEP_MOUNT, errno, "proc mask", proc_masked[i]);
            close(proc);
            return -1;
        }
    }
    close(proc);
    return 0;
}

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
static const char *const dev_links[][2] = {
    {"ptmx", "pts/ptmx"},         {"fd", "/proc/self/fd"},         {"stdin", "/proc/self/fd/0"},
    {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
};

static int do_dev(struct mount_ctx *m, const vg_mount_op *op)
{
    int dev = mount_fs_at(m, "tmpfs", "mode=0755,size=64k,nr_inodes=64", VG_BASE_ATTRS | MOUNT_ATTR_NOEXEC, op->target, "dev");
    if (dev < 0)
        return -1;
    const char *what = "dev";
    const char *name = op->target;
    char host[32];
    for (size_t i = 0; i < sizeof dev_nodes / sizeof dev_nodes[0]; i++) {
        host[0] = '\0';
        vg_strappend(host, sizeof host, "/dev/");
        vg_strappend(host, sizeof host, dev_nodes[i]);
        name = host;
        int src = open_in(m->oldroot, host, O_PATH);
        if (src < 0) {
            if (errno == ENOENT || errno == ENXIO)
                continue;
            goto fail;
        }
        int fd = openat(dev, dev_nodes[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        close_keep_errno(fd);
        /* Device nodes need a mount without nodev; nosuid and noexec still apply. */
        int tree = fd < 0 ? -1 : clone_tree(src, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0);
        int rc = tree < 0 ? -1 : cover(dev, dev_nodes[i], tree);
        close_keep_errno(tree);
        close_keep_errno(src);
        if (rc < 0)
            goto fail;
    }
    what = "dev symlink";
    for (size_t i = 0; i < sizeof dev_links / sizeof dev_links[0]; i++) {
        name = dev_links[i][0];
        if (symlinkat(dev_links[i][1], dev, dev_links[i][0]) < 0)
            goto fail;
    }
    what = "dev mount";
    name = "pts";
    if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0)
        goto fail;
    int pts = new_fs("devpts", "newinstance,ptmxmode=0666,mode=620", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
    int rc = pts < 0 ? -1 : cover(dev, "pts", pts);
    close_keep_errno(pts);
    if (rc < 0)
        goto fail;
    name = "shm";
    int shm = staging_dir_tree("/scratch-shm", 01777, VG_BASE_ATTRS);
    rc = shm < 0 ? -1 : cover(dev, "shm", shm);
    close_keep_errno(shm);
    if (rc < 0)
        goto fail;
    close(dev);
    return 0;
fail:
    vg_fail(m->err, VG_STEP_MOUNT, errno, what, name);
    close_keep_errno(dev);
    return -1;
}

/* Sets the overlay layer `key` to the directory `dir`: by fd (`fd_key`: "lowerdir+" since Linux 6.8,
 * "upperdir" and "workdir" where the kernel takes them by fd), else by its /proc/self/fd path
 * (resolved in the old root's /proc). Kernels before 6.5 parse overlay options the legacy way,
 * which refuses an fd with EOPNOTSUPP; 6.5 to 6.7 say EINVAL. */
static int set_overlay_layer(int fsfd, const char *fd_key, const char *key, int dir)
{
    if (fsconfig(fsfd, FSCONFIG_SET_FD, fd_key, NULL, dir) == 0)
        return 0;
    if (errno != EINVAL && errno != EOPNOTSUPP)
        return -1;
    char fdnum[21], path[64] = "/oldroot/proc/self/fd/";
    vg_utoa((uint64_t)dir, fdnum);
    vg_strappend(path, sizeof path, fdnum);
    return fsconfig(fsfd, FSCONFIG_SET_STRING, key, path, 0);
}

/* The root of an overlay shows the owner and mode of the upper directory: give it the lower
 * directory's. When the sandbox's user namespace does not map the lower one's owner (root's
 * /usr, for a user), that owner cannot be given: the upper directory stays the sandbox user's,
 * without write permission for anybody, as the lower one is to that user (else the user could
 * write at the top of /usr). `owned`: the caller's ids own it (vg_spawn checked, from outside:
 * in here an unmapped owner and a user who is "nobody" both read as 65534). */
static int match_lower_root(int lower, int upper, int owned)
{
    struct stat st;
    if (fstat(lower, &st) < 0)
        return -1;
    mode_t mode = st.st_mode & 07777;
    if (!owned || fchown(upper, st.st_uid, st.st_gid) < 0)
        mode &= ~(mode_t)0222;
    return fchmod(upper, mode);
}

/* The entry name of `path` if it lies right below `dir` ("/etc/shadow" below "/etc"), else NULL. */
static const char *child_name(const char *path, const char *dir)
{
    size_t len = vg_strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len <= 1)
        return NULL;
    for (size_t i = 0; i < len; i++)
        if (path[i] != dir[i])
            return NULL;
    if (path[len] != '/')
        return NULL;
    const char *name = path + len + 1;
    if (name[0] == '\0' || (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))))
        return NULL;
    for (const char *c = name; *c != '\0'; c++)
        if (*c == '/')
            return NULL;
    return name;
}

/* An optional mask (VG_MF_OPTIONAL) of an entry right below the root of overlay op `index`
 * becomes a whiteout in its upper layer, made before the overlay is: the entry is absent, the
 * mask later finds nothing to cover, and the sandbox has one mount less per hidden entry. What
 * the sandbox creates there in its place is new (over a whiteout, a directory is opaque): the
 * lower entry never shows. A whiteout that cannot be made (a kernel before 5.8 refuses them
 * without CAP_MKNOD) leaves the entry to the mask. */
static void whiteout_masks(struct mount_ctx *m, uint32_t index, int lower, int upper)
{
    for (uint32_t i = index + 1; i < m->op_count; i++) {
        const vg_mount_op *mask = &m->ops[i];
        if (mask->kind != VG_MOUNT_MASK || !(mask->flags & VG_MF_OPTIONAL) || mask->target == NULL)
            continue;
        const char *name = child_name(mask->target, m->ops[index].target);
        struct stat st;
        if (name == NULL || fstatat(lower, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        mknodat(upper, name, S_IFCHR | 0000, 0);
    }
}

/* Makes `upper` and `work` below the directory fd `parent` and opens them (O_RDONLY: fchown and
 * fchmod work on them). */
static int make_layer_dirs(int parent, int *upper, int *work)
{
    if (mkdirat(parent, "upper", 0755) < 0 || mkdirat(parent, "work", 0755) < 0)
        return -1;
    *upper = openat(parent, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (*upper < 0)
        return -1;
    *work = openat(parent, "work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return *work < 0 ? -1 : 0;
}

/* An upper layer on a host disk is not synced when the overlay goes ("volatile", Linux >= 5.10;
 * without it the whole host filesystem is synced at every sandbox's teardown): the caller
 * reads it once the sandbox is gone, and a crash only loses a layer that was never merged. */
static int volatile_upper(int fsfd)
{
    if (fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0) == 0 || errno == EINVAL)
        return 0;
    return -1;
}

/* VG_MOUNT_OVERLAY: the upper and work dirs live in the staging root (a private tmpfs, mode 0700,
 * never visible in the sandbox), gone with the sandbox. VG_MOUNT_OVERLAY_KEEP: in the caller's
 * host directory `data`, kept. */
static int do_overlay(struct mount_ctx *m, const vg_mount_op *op, uint32_t index)
{
    unsigned ordinal = m->overlays++;
    int owned = ordinal < 64 && ((m->overlay_owned >> ordinal) & 1);
    int src = open_in(m->oldroot, op->source, O_PATH | O_DIRECTORY);
    if (src < 0) {
        if (errno == ENOENT && (op->flags & VG_MF_OPTIONAL))
            return 0;
        return vg_fail(m->err, VG_STEP_MOUNT, errno, "overlay", op->source);
    }
    int rc = -1, parent = -1, upper = -1, work = -1, tfd = -1, fsfd = -1, mnt = -1;
    const char *what = op->source;
    if (op->kind == VG_MOUNT_OVERLAY_KEEP) {
        what = op->data;
        parent = open_in(m->oldroot, op->data, O_RDONLY | O_DIRECTORY);
    } else {
        char num[21], dir[64] = "/ovl";
        vg_utoa(index, num);
        vg_strappend(dir, sizeof dir, num);
        if (mkdir(dir, 0700) == 0)
            parent = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (parent < 0 || make_layer_dirs(parent, &upper, &work) < 0)
        goto fail;
    what = op->source;
    if (match_lower_root(src, upper, owned) < 0)
        goto fail;
    whiteout_masks(m, index, src, upper);
    for (int userxattr = 1; userxattr >= 0; userxattr--) {
        fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fsfd < 0)
            goto fail;
        if (set_overlay_layer(fsfd, "lowerdir+", "lowerdir", src) < 0 ||
            set_overlay_layer(fsfd, "upperdir", "upperdir", upper) < 0 ||
            set_overlay_layer(fsfd, "workdir", "workdir", work) < 0 ||
            (op->kind == VG_MOUNT_OVERLAY_KEEP && volatile_upper(fsfd) < 0) ||
            (userxattr && fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) ||
            fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
            close_keep_errno(fsfd);
            fsfd = -1;
            continue;
        }
        break;
    }
    if (fsfd < 0)
        goto fail;
    mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)op_attrs(op));
    if (mnt < 0 || (tfd = make_target(m->newroot, op->target, 1)) < 0 || attach(mnt, tfd) < 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    vg_fail(m->err, VG_STEP_MOUNT, errno, "overlay", what);
out:
    close_keep_errno(mnt);
    close_keep_errno(fsfd);
    close_keep_errno(tfd);
    close_keep_errno(work);
    close_keep_errno(upper);
    close_keep_errno(parent);
    close_keep_errno(src);
    return rc;
}

static int do_symlink(struct mount_ctx *m, const vg_mount_op *op)
{
    if (op->data == NULL)
        return vg_fail(m->err, VG_STEP_ARGS, EINVAL, "symlink without data", op->target);
    char parent[PATH_MAX];
    if (mkdir_p(m->newroot, op->target, 1) < 0 || copy_path(parent, sizeof parent, op->target) < 0)
        return vg_fail(m->err, VG_STEP_MOUNT, errno, "symlink", op->target);
    size_t len = vg_strlen(parent);
    while (len > 1 && parent[len - 1] == '/')
        parent[--len] = '\0';
    size_t cut = len;
    while (cut > 0 && parent[cut - 1] != '/')
        cut--;
    const char *base = parent + cut;
    char name[NAME_MAX + 1];
    if (copy_path(name, sizeof name, base) < 0)
        return vg_fail(m->err, VG_STEP_MOUNT, errno, "symlink", op->target);
    parent[cut] = '\0';
    int dir = open_in(m->newroot, cut == 0 ? "/" : parent, O_PATH | O_DIRECTORY);
    if (dir < 0 || symlinkat(op->data, dir, name) < 0) {
        vg_fail(m->err, VG_STEP_MOUNT, errno, "symlink", op->target);
        close_keep_errno(dir);
        return -1;
    }
    close(dir);
    return 0;
}

static int do_remount_ro(struct mount_ctx *m, const vg_mount_op *op)
{
    int tfd = open_in(m->newroot, op->target, O_PATH);
    if (tfd < 0) {
        if (errno == ENOENT && (op->flags & VG_MF_OPTIONAL))
            return 0;
        return vg_fail(m->err, VG_STEP_MOUNT, errno, "remount-ro", op->target);
    }
    /* mount_setattr (Linux >= 5.12) sets every mount's attributes here: without it the setup
     * fails (ENOSYS), it never goes on with weaker mounts. */
    int rc = set_attrs(tfd, MOUNT_ATTR_RDONLY, 1);
    if (rc < 0)
        vg_fail(m->err, VG_STEP_MOUNT, errno, "remount-ro", op->target);
    close_keep_errno(tfd);
    return rc;
}

static int do_mask(struct mount_ctx *m, const vg_mount_op *op)
{
    int tfd = open_in(m->newroot, op->target, O_PATH);
    if (tfd < 0) {
        if (errno == ENOENT && (op->flags & VG_MF_OPTIONAL))
            return 0;
        return vg_fail(m->err, VG_STEP_MOUNT, errno, "mask", op->target);
    }
    int rc = cover_masked(m, tfd);
    if (rc < 0)
        vg_fail(m->err, VG_STEP_MOUNT, errno, "mask", op->target);
    close_keep_errno(tfd);
    return rc;
}

static int run_op(struct mount_ctx *m, const vg_mount_op *op, uint32_t index)
{
    if (op->target == NULL || op->target[0] != '/')
        return vg_fail(m->err, VG_STEP_ARGS, EINVAL, "mount target must be absolute",
                       op->target ? op->target : "(null)");
    switch (op->kind) {
    case VG_MOUNT_BIND:
        if (op->source == NULL)
            return vg_fail(m->err, VG_STEP_ARGS, EINVAL, "bind without source", op->target);
        return do_bind(m, op);
    case VG_MOUNT_TMPFS:
        return do_tmpfs(m, op);
    case VG_MOUNT_PROC:
        return do_proc(m, op);
    case VG_MOUNT_DEV:
        return do_dev(m, op);
    case VG_MOUNT_OVERLAY:
        if (op->source == NULL)
            return vg_fail(m->err, VG_STEP_ARGS, EINVAL, "overlay without source", op->target);
        return do_overlay(m, op, index);
    case VG_MOUNT_OVERLAY_KEEP:
        if (op->source == NULL || op->data == NULL)
            return vg_fail(m->err, VG_STEP_ARGS, EINVAL, "overlay without source or data", op->target);
        return do_overlay(m, op, index);
    case VG_MOUNT_DIR:
        if (mkdir_p(m->newroot, op->target, 0) < 0)
            return vg_fail(m->err, VG_STEP_MOUNT, errno, "dir", op->target);
        return 0;
    case VG_MOUNT_SYMLINK:
        return do_symlink(m, op);
    case VG_MOUNT_REMOUNT_RO:
        return do_remount_ro(m, op);
    case VG_MOUNT_MASK:
        return do_mask(m, op);
    default:
        return vg_fail(m->err, VG_STEP_ARGS, EINVAL, "unknown mount kind", op->target);
    }
}

static const char *const staging_dirs[] = {"/tmp", "/mnt", "/run", "/var/tmp", "/home"};

int vg_setup_mounts(const vg_spawn_spec *spec, uint64_t overlay_owned, vg_error *err)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return vg_fail(err, VG_STEP_MOUNT, errno, "make-rprivate", "/");
    /* The staging tmpfs is the scratch tmpfs: every "mode=" target, /dev/shm and overlay upper is
     * a directory of it, so its size bounds them all together. */
    char options[96] = "mode=0700", num[21];
    if (spec->scratch_size > 0) {
        vg_utoa(spec->scratch_size, num);
        vg_strappend(options, sizeof options, ",size=");
        vg_strappend(options, sizeof options, num);
    }
    if (spec->scratch_inodes > 0) {
        vg_utoa(spec->scratch_inodes, num);
        vg_strappend(options, sizeof options, ",nr_inodes=");
        vg_strappend(options, sizeof options, num);
    }
    const char *staging = NULL;
    for (size_t i = 0; i < sizeof staging_dirs / sizeof staging_dirs[0]; i++) {
        if (mount("tmpfs", staging_dirs[i], "tmpfs", MS_NOSUID | MS_NODEV, options) == 0) {
            staging = staging_dirs[i];
            break;
        }
    }
    if (staging == NULL)
        return vg_fail(err, VG_STEP_MOUNT, errno, "staging tmpfs", "/tmp");
    if (chdir(staging) < 0 || mkdir("oldroot", 0700) < 0 || mkdir("newroot", 0755) < 0 ||
        mount("tmpfs", "newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        return vg_fail(err, VG_STEP_MOUNT, errno, "staging root", staging);
    if (syscall(SYS_pivot_root, ".", "oldroot") < 0 || chdir("/") < 0)
        return vg_fail(err, VG_STEP_PIVOT, errno, "pivot_root", staging);

    struct mount_ctx m = {.oldroot = -1, .newroot = -1, .devnull = -1, .ops = spec->mounts, .op_count = spec->mount_count,
                          .overlay_owned = overlay_owned, .err = err};
    m.oldroot = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
    m.newroot = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (m.oldroot < 0 || m.newroot < 0)
        return vg_fail(err, VG_STEP_MOUNT, errno, "open", "staging root");
    m.devnull = open_in(m.oldroot, "/dev/null", O_PATH);

    int rc = 0;
    for (uint32_t i = 0; i < spec->mount_count && rc == 0; i++)
        rc = run_op(&m, &spec->mounts[i], i);
    /* Nothing may be created in the sandbox root itself: only in what was mounted there. */
    if (rc == 0 && set_attrs(m.newroot, MOUNT_ATTR_RDONLY, 0) < 0)
        rc = vg_fail(err, VG_STEP_MOUNT, errno, "remount-ro", "/");
    close(m.oldroot);
    close(m.newroot);
    close_keep_errno(m.devnull);
    if (rc < 0)
        return -1;

    /* /newroot becomes /, with the staging root stacked under it (and in it, at /oldroot, the
     * host's tree); one recursive detach drops both: every umount waits for an RCU grace period
     * on every CPU, so there is only this one. */
    if (chdir("/newroot") < 0 || syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 ||
        chdir("/") < 0)
        return vg_fail(err, VG_STEP_PIVOT, errno, "pivot_root", "new root");
    return 0;
}
