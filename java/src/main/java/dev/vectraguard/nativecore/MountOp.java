package dev.vectraguard.nativecore;

/**
 * One mount operation of the sandbox root, executed in list order ({@code vg_mount_op}).
 *
 * @param kind one of the {@code MOUNT_*} kinds here (VG_MOUNT_*)
 * @param flags {@code READONLY | OPTIONAL | NOEXEC} bits (VG_MF_*)
 * @param source host path for BIND, OVERLAY and OVERLAY_KEEP, else null
 * @param target path inside the sandbox
 * @param data tmpfs options, symlink target, or the host directory of OVERLAY_KEEP's layers, else null
 */
public record MountOp(int kind, int flags, String source, String target, String data) {

    public static final int BIND = vg_core_h.VG_MOUNT_BIND();
    public static final int TMPFS = vg_core_h.VG_MOUNT_TMPFS();
    public static final int PROC = vg_core_h.VG_MOUNT_PROC();
    public static final int DEV = vg_core_h.VG_MOUNT_DEV();
    public static final int OVERLAY = vg_core_h.VG_MOUNT_OVERLAY();
    public static final int DIR = vg_core_h.VG_MOUNT_DIR();
    public static final int SYMLINK = vg_core_h.VG_MOUNT_SYMLINK();
    public static final int REMOUNT_RO = vg_core_h.VG_MOUNT_REMOUNT_RO();
    public static final int MASK = vg_core_h.VG_MOUNT_MASK();
    public static final int OVERLAY_KEEP = vg_core_h.VG_MOUNT_OVERLAY_KEEP();
    public static final int READONLY = vg_core_h.VG_MF_READONLY();
    public static final int OPTIONAL = vg_core_h.VG_MF_OPTIONAL();
    public static final int NOEXEC = vg_core_h.VG_MF_NOEXEC();

    public MountOp {
        if (kind < BIND || kind > OVERLAY_KEEP) {
            throw new IllegalArgumentException("unknown mount kind: " + kind);
        }
        NativeStrings.check("mount target", target);
        NativeStrings.checkNullable("mount source", source);
        NativeStrings.checkNullable("mount data", data);
    }

    public static MountOp bind(String source, String target, int flags) {
        return new MountOp(BIND, flags, source, target, null);
    }

    public static MountOp tmpfs(String target, String options) {
        return new MountOp(TMPFS, 0, null, target, options);
    }

    public static MountOp proc(String target) {
        return new MountOp(PROC, 0, null, target, null);
    }

    public static MountOp dev(String target) {
        return new MountOp(DEV, 0, null, target, null);
    }

    public static MountOp overlay(String lowerDir, String target, int flags) {
        return new MountOp(OVERLAY, flags, lowerDir, target, null);
    }

    /** An overlay of {@code lowerDir} whose upper layer stays in {@code layerDir} (empty; made by the caller). */
    public static MountOp overlayKeep(String lowerDir, String target, String layerDir, int flags) {
        return new MountOp(OVERLAY_KEEP, flags, lowerDir, target, layerDir);
    }

    public static MountOp dir(String target) {
        return new MountOp(DIR, 0, null, target, null);
    }

    public static MountOp symlink(String target, String pointsTo) {
        return new MountOp(SYMLINK, 0, null, target, pointsTo);
    }

    public static MountOp remountReadOnly(String target, int flags) {
        return new MountOp(REMOUNT_RO, flags, null, target, null);
    }

    public static MountOp mask(String target, int flags) {
        return new MountOp(MASK, flags, null, target, null);
    }
}
