/**
 * Removable media on Linux: USB mass storage is blocked when the usb-storage driver is disabled in
 * modprobe.d (`install usb-storage /bin/false` or `blacklist usb-storage`) and not loaded, or when
 * the kernel has no such driver at all.
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
  if (values.get("modules") !== "yes")
    return unknown(
      "the kernel's module tree is missing, so whether usb-storage can load is unknown",
    );
  const modinfo = values.get("modinfo") ?? "";
  if (modinfo === "") return known("blocked"); // this kernel has no USB storage driver
  return known("allowed");
}
