/* error.c - the vg_error convention and string helpers safe after clone. */
#include <string.h>

#include "internal.h"

size_t vg_strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

size_t vg_strappend(char *dst, size_t cap, const char *src)
{
    size_t n = vg_strlen(dst);
    size_t i = 0;
    while (src[i] != '\0') {
        if (n + 1 >= cap) {
            dst[n] = '\0';
            return (size_t)-1;
        }
        dst[n++] = src[i++];
    }
    dst[n] = '\0';
    return n;
}

void vg_utoa(uint64_t v, char *buf)
{
    char tmp[21];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

int vg_fail(vg_error *err, int32_t step, int errnum, const char *what, const char *path)
{
    if (err == NULL)
        return -1;
    err->step = step;
    err->errnum = errnum;
    err->detail[0] = '\0';
    if (what != NULL)
        vg_strappend(err->detail, sizeof err->detail, what);
    if (path != NULL) {
        if (what != NULL)
            vg_strappend(err->detail, sizeof err->detail, " ");
        vg_strappend(err->detail, sizeof err->detail, path);
    }
    return -1;
}

VG_API const char *vg_errno_name(int32_t errnum)
{
    const char *name = strerrorname_np(errnum);
    return name != NULL ? name : "E?";
}
