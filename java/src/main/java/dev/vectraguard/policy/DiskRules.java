package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.Set;

/** Overwriting, formatting, partitioning and erasing block devices and volumes. */
final class DiskRules implements CommandRule {
    private static final Set<String> FORMATTERS = Set.of("mkfs", "mke2fs", "mkswap", "blkdiscard", "shred");
    private static final Set<String> PARTITION_EDITORS = Set.of("fdisk", "gdisk", "cfdisk");
    private static final Set<String> VOLUME_REMOVERS = Set.of("lvremove", "vgremove", "pvremove");

    @Override
    public Set<String> commands() {
        return Set.of("dd", "mkfs", "mke2fs", "mkswap", "blkdiscard", "shred", "wipefs", "fdisk", "gdisk", "cfdisk",
                "parted", "sfdisk", "sgdisk", "lvremove", "vgremove", "pvremove", "cryptsetup", "zpool", "zfs", "diskutil");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        String name = invocation.name();
        String device = firstDevice(invocation);
        String display = " (" + invocation.display() + ")";
        if (name.equals("dd")) {
            for (Word arg : invocation.args()) {
                String value = arg.value();
                if (value.startsWith("of=") && SensitivePaths.isDataDevice(value.substring(3))) {
                    findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "overwrites block device " + value.substring(3) + display);
                }
            }
        } else if (FORMATTERS.contains(name) || name.startsWith("mkfs")) {
            if (device != null) {
                findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "formats or erases block device " + device + display);
            }
        } else if (name.equals("wipefs")) {
            if (device != null && (invocation.hasShortFlag('a') || invocation.hasLong("--all") || invocation.hasShortFlag('o'))) {
                findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "erases filesystem signatures on " + device + display);
            }
        } else if (PARTITION_EDITORS.contains(name)) {
            if (device != null && !invocation.hasShortFlag('l') && !invocation.has("--list")) {
                findings.add(FindingCode.DISK_PARTITION, RiskLevel.HIGH, "edits the partition table of " + device + display);
            }
        } else if (name.equals("parted")) {
            checkParted(invocation, device, display, findings);
        } else if (name.equals("sfdisk")) {
            if (device != null && !invocation.hasShortFlag('l') && !invocation.hasShortFlag('d') && !invocation.hasShortFlag('V')
                    && !invocation.has("--list", "--dump", "--verify")) {
                findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "rewrites the partition table of " + device + display);
            }
        } else if (name.equals("sgdisk")) {
            checkSgdisk(invocation, device, display, findings);
        } else if (VOLUME_REMOVERS.contains(name)) {
            findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "removes an LVM volume" + display);
        } else {
            checkVolumeTool(invocation, display, findings);
        }
    }

    private static void checkParted(Invocation parted, String device, String display, FindingCollector findings) {
        if (device == null) {
            return;
        }
        if (parted.has("mklabel", "mktable", "rm", "mkpart", "resizepart")) {
            findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "rewrites the partition table of " + device + display);
        } else if (!parted.has("print", "-l", "--list")) {
            findings.add(FindingCode.DISK_PARTITION, RiskLevel.HIGH, "edits the partition table of " + device + display);
        }
    }

    private static void checkSgdisk(Invocation sgdisk, String device, String display, FindingCollector findings) {
        if (device == null || sgdisk.hasShortFlag('p') || sgdisk.has("--print")) {
            return;
        }
        if (sgdisk.hasShortFlag('Z') || sgdisk.hasShortFlag('z') || sgdisk.hasShortFlag('o') || sgdisk.hasShortFlag('d')
                || sgdisk.hasLong("--zap-all") || sgdisk.hasLong("--zap") || sgdisk.hasLong("--clear") || sgdisk.hasLong("--delete")) {
            findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "erases the partition table of " + device + display);
        } else {
            findings.add(FindingCode.DISK_PARTITION, RiskLevel.HIGH, "edits the partition table of " + device + display);
        }
    }

    private static void checkVolumeTool(Invocation tool, String display, FindingCollector findings) {
        String sub = tool.subcommand();
        boolean destroys = switch (tool.name()) {
            case "cryptsetup" -> sub.equals("luksFormat") || sub.equals("erase") || sub.equals("luksErase");
            case "zpool", "zfs" -> sub.equals("destroy") || sub.equals("labelclear");
            case "diskutil" -> sub.startsWith("erase") || sub.equals("zeroDisk") || sub.equals("secureErase")
                    || sub.equals("partitionDisk") || sub.equals("randomDisk");
            default -> false;
        };
        if (destroys) {
            findings.add(FindingCode.DISK_WIPE, RiskLevel.CRITICAL, "destroys a disk, volume or pool" + display);
        }
    }

    private static String firstDevice(Invocation invocation) {
        for (Word operand : invocation.operands()) {
            if (SensitivePaths.isDataDevice(operand.value())) {
                return operand.value();
            }
        }
        return null;
    }
}
