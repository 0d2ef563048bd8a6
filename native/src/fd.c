/* fd.c - pipes and descriptors for the caller. */
#include <fcntl.h>

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
