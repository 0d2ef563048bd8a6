#include "internal.h"

VG_API int32_t vg_abi_version(void) { return VG_CORE_ABI_VERSION; }
