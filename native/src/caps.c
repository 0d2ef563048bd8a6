/* caps.c - drops capabilities in the command child (raw syscalls only). */
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "internal.h"

int vg_drop_caps(uint64_t keep, int cap_last, vg_error *err)
{
    for (int cap = 0; cap <= cap_last && cap < 64; cap++) {
        if (keep & (1ULL << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return vg_fail(err, VG_STEP_CAPS, errno, "capbset drop", NULL);
    }
    /* uid 0 inside gains nothing from execve, and setuid() keeps nothing. */
    unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                         SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED;
    if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
        return vg_fail(err, VG_STEP_CAPS, errno, "securebits", NULL);

    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    for (int i = 0; i < 2; i++) {
        uint32_t half = (uint32_t)(keep >> (32 * i));
        data[i].effective = half;
        data[i].permitted = half;
        data[i].inheritable = half;
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        return vg_fail(err, VG_STEP_CAPS, errno, "capset", NULL);

    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return vg_fail(err, VG_STEP_CAPS, errno, "ambient clear", NULL);
    /* Kept capabilities survive execve (of a non-setuid file) only as ambient ones. */
    for (int cap = 0; cap <= cap_last && cap < 64; cap++) {
        if ((keep & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return vg_fail(err, VG_STEP_CAPS, errno, "ambient raise", NULL);
    }
    return 0;
}
