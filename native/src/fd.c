/* fd.c - pipes, descriptors and directory flags for the caller. */
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include "internal.h"

VG_API int32_t vg_pipe(int32_t *fds, vg_error *err)
{
    int p[2];
    if (fds == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "pipe", "fds is NULL");
    if (pipe2(p, O_CLOEXEC) < 0)
        return vg_fail(err, VG_STEP_PIPE, errno, "pipe2", NULL);
    fds[0] = p[0];
    fds[1] = p[1];
    return 0;
}

VG_API int32_t vg_close(int32_t fd)
{
    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    return close(fd) < 0 && errno != EINTR ? -1 : 0;
}

VG_API int32_t vg_spread_subdirectories(const char *path, vg_error *err)
{
    if (path == NULL)
        return vg_fail(err, VG_STEP_ARGS, EINVAL, "spread subdirectories", "path is NULL");
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return vg_fail(err, VG_STEP_ARGS, errno, "open", path);
    int flags = 0;
    int result = 1;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) {
        result = errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL ? 0
                 : vg_fail(err, VG_STEP_ARGS, errno, "FS_IOC_GETFLAGS", path);
    } else if (!(flags & FS_TOPDIR_FL)) {
        flags |= FS_TOPDIR_FL;
        if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0)
            result = errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL ? 0
                     : vg_fail(err, VG_STEP_ARGS, errno, "FS_IOC_SETFLAGS", path);
    }
    close(fd);
    return result;
}

ssize_t vg_read_text(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return n;
}
