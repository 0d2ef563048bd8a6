/* fd.c - pipes, descriptors, stream copies and directory flags for the caller. */
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

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

#define VG_COPY_BUFFER 65536

/* Whether an optional descriptor (fd -1: none) of a poll was signalled. */
static int signalled(const struct pollfd *p)
{
    return p->fd >= 0 && p->revents != 0;
}

VG_API int32_t vg_copy(int32_t from_fd, int32_t to_fd, int32_t end_fd, int32_t end_wait_ms, int32_t abandon_fd,
                       uint64_t *bytes, vg_error *err)
{
    struct stat from_stat;
    struct stat to_stat;
    if (fstat(from_fd, &from_stat) < 0)
        return vg_fail(err, VG_STEP_ARGS, errno, "fstat", "copy source");
    if (fstat(to_fd, &to_stat) < 0)
        return vg_fail(err, VG_STEP_ARGS, errno, "fstat", "copy target");
    int from_socket = S_ISSOCK(from_stat.st_mode);
    int to_socket = S_ISSOCK(to_stat.st_mode);
    /* A blocking pipe with room (POLLOUT: a free page) takes up to PIPE_BUF bytes without waiting. */
    size_t to_chunk = S_ISFIFO(to_stat.st_mode) ? PIPE_BUF : VG_COPY_BUFFER;
    char buf[VG_COPY_BUFFER];
    size_t held = 0;
    size_t sent = 0;
    int ended = 0;
    /* The last send to the socket target took bytes: the next is tried before waiting (poll's
     * POLLOUT on a unix socket waits until three quarters of its buffer are free). */
    int to_ready = 0;
    uint64_t copied = 0;
    int32_t result = 0;
    for (;;) {
        int writing = sent < held;
        if (!writing || !to_ready) {
            struct pollfd p[3] = {
                {.fd = writing ? to_fd : from_fd, .events = writing ? POLLOUT : POLLIN},
                {.fd = ended ? -1 : end_fd, .events = POLLIN},
                {.fd = abandon_fd, .events = POLLIN},
            };
            int ready = poll(p, 3, ended && !writing ? end_wait_ms : -1);
            if (ready < 0) {
                if (errno == EINTR)
                    continue;
                result = vg_fail(err, VG_STEP_PIPE, errno, "poll", "copy");
                break;
            }
            if (signalled(&p[2]))
                break;
            if (signalled(&p[1]))
                ended = 1;
            if (ready == 0)
                break; /* ended, and nothing more came within end_wait_ms */
            if (p[0].revents == 0)
                continue;
        }
        if (!writing) {
            ssize_t n = from_socket ? recv(from_fd, buf, sizeof buf, MSG_DONTWAIT) : read(from_fd, buf, sizeof buf);
            if (n == 0)
                break;
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    continue;
                result = vg_fail(err, VG_STEP_PIPE, errno, "read", "copy source");
                break;
            }
            held = (size_t)n;
            sent = 0;
        } else {
            size_t chunk = held - sent < to_chunk ? held - sent : to_chunk;
            ssize_t n = to_socket ? send(to_fd, buf + sent, chunk, MSG_DONTWAIT | MSG_NOSIGNAL)
                                  : write(to_fd, buf + sent, chunk);
            if (n < 0) {
                to_ready = 0;
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    continue;
                result = vg_fail(err, VG_STEP_PIPE, errno, "write", "copy target");
                break;
            }
            sent += (size_t)n;
            copied += (uint64_t)n;
            to_ready = to_socket;
        }
    }
    if (bytes != NULL)
        *bytes = copied;
    return result;
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
