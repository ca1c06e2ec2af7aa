/**
 * Removable media on Linux: USB mass storage is blocked when the usb-storage driver is disabled in
 * modprobe.d (`install usb-storage /bin/false` or `blacklist usb-storage`) and not loaded, or when
 * the kernel has no such driver at all: none in its module tree, or — on a kernel built without
 * module support (no /proc/modules), where nothing can ever be loaded — none built in (a built-in
 * usb-storage shows as /sys/module/usb_storage, through its parameters).
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { keyValues } from "./key-values.js";

/** What the collector can tell about USB storage on Linux. */
export type RemovableMedia = "blocked" | "allowed";

/** Whether USB mass storage can be used. */
export function parseRemovableMedia(output: ProbeOutput | undefined): Fact<RemovableMedia> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "usb-storage"));
  const values = keyValues(output.stdout);
  if (values.get("loaded") === "yes") return known("allowed");
  const disabled =
    /^\s*install\s+usb[-_]storage\s+\/(usr\/)?bin\/(false|true)\b/m.test(output.stdout) ||
    /^\s*blacklist\s+usb[-_]storage\b/m.test(output.stdout);
  if (disabled) return known("blocked");
  if (values.get("modules") !== "yes") {
    if (values.get("module_support") === "no") {
      if (values.get("sysfs") === "yes") return known("blocked"); // not built in, cannot be loaded
      return unknown(
        "the kernel loads no modules but /sys/module is missing, so whether usb-storage is built in is unknown",
      );
    }
    return unknown(
      "the kernel's module tree is missing, so whether usb-storage can load is unknown",
    );
  }
  const modinfo = values.get("modinfo") ?? "";
  if (modinfo === "") return known("blocked"); // this kernel has no USB storage driver
  return known("allowed");
}
