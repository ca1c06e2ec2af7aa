/**
 * Disk encryption from the block-device tree (`lsblk -J`): every mounted filesystem except the
 * boot partitions must sit on a dm-crypt device (LUKS or plain) for "encrypted".
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";

/** Encryption of the mounted filesystems, as the machine config records it. */
export interface DiskEncryption {
  readonly status: "encrypted" | "partial" | "none";
  readonly product?: string;
}

interface BlockDevice {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly fstype?: unknown;
  readonly mountpoint?: unknown;
  readonly children?: unknown;
}

/** Boot files cannot be encrypted by LUKS without a bootloader that unlocks it; they are exempt. */
const EXEMPT_MOUNTS = /^\/(boot|efi)(\/|$)/;
/** Read-only images and memory disks hold no data at rest. */
const IGNORED_TYPES = new Set(["loop", "rom", "zram"]);

interface Mounted {
  readonly mountpoint: string;
  readonly encrypted: boolean;
  readonly luks: boolean;
}

function walk(devices: unknown, encrypted: boolean, luks: boolean, out: Mounted[]): void {
  if (!Array.isArray(devices)) return;
  for (const d of devices as BlockDevice[]) {
    const type = typeof d.type === "string" ? d.type : "";
    if (IGNORED_TYPES.has(type) || (typeof d.name === "string" && d.name.startsWith("zram")))
      continue;
    const isLuks = luks || d.fstype === "crypto_LUKS";
    const isEncrypted = encrypted || type === "crypt";
    if (typeof d.mountpoint === "string" && d.mountpoint.startsWith("/")) {
      out.push({ mountpoint: d.mountpoint, encrypted: isEncrypted, luks: isLuks });
    }
    walk(d.children, isEncrypted, isLuks, out);
  }
}

/** Reads `lsblk -J`: encrypted, partial or none. */
export function parseDiskEncryption(output: ProbeOutput | undefined): Fact<DiskEncryption> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "lsblk"));
  let tree: unknown;
  try {
    tree = JSON.parse(output.stdout);
  } catch {
    return unknown("lsblk -J printed something that is not JSON");
  }
  const mounted: Mounted[] = [];
  walk((tree as { blockdevices?: unknown } | null)?.blockdevices, false, false, mounted);
  const data = mounted.filter((m) => !EXEMPT_MOUNTS.test(m.mountpoint));
  if (data.length === 0)
    return unknown("no mounted filesystem is on a block device (a container, or a network root)");
  const encrypted = data.filter((m) => m.encrypted);
  if (encrypted.length === 0) return known({ status: "none" });
  const product = encrypted.some((m) => m.luks) ? "LUKS" : "dm-crypt";
  return known({ status: encrypted.length === data.length ? "encrypted" : "partial", product });
}
