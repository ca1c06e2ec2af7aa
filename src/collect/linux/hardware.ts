/**
 * Hardware identity from DMI (/sys/class/dmi/id): vendor and product are world-readable, the
 * serial number is root-only. Firmware placeholders ("To Be Filled By O.E.M.") are not facts:
 * the list covers the lifecycle baseline's placeholder serials (a test keeps the two agreeing).
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** Hardware identity facts. */
export interface HardwareFacts {
  readonly manufacturer: Fact<string>;
  readonly model: Fact<string>;
  readonly serialNumber: Fact<string>;
  readonly assetTag: Fact<string>;
}

const PLACEHOLDERS =
  /^(|none|n\/a|na|null|0+|default string|to be filled by o\.e\.m\.|not specified|not applicable|system (product name|serial number|manufacturer)|chassis serial number|asset tag|no asset tag|no asset information|unknown|invalid|\(null string\)|0123456789|123456789|1234567890|o\.e\.m\.|oem)$/i;

/** Reads the dmi probe (key=value, or key!unreadable). */
export function parseHardware(output: ProbeOutput | undefined): HardwareFacts {
  if (output?.rc !== 0) {
    const reason =
      output?.rc === 127
        ? "the host exposes no DMI data (/sys/class/dmi/id)"
        : probeFailure(output, "DMI");
    const missing = unknown(reason);
    return { manufacturer: missing, model: missing, serialNumber: missing, assetTag: missing };
  }
  const read = new Map<string, Fact<string>>();
  for (const line of lines(output.stdout)) {
    const ok = /^([a-z_]+)=(.*)$/.exec(line);
    const failed = /^([a-z_]+)!/.exec(line);
    if (ok) {
      const value = ok[2]!.trim();
      read.set(
        ok[1]!,
        PLACEHOLDERS.test(value) || value.length > 256
          ? unknown(`the firmware reports a placeholder ("${value.slice(0, 40)}")`)
          : known(value),
      );
    } else if (failed) {
      read.set(failed[1]!, unknown(`${failed[1]} is readable by root only: rerun with --sudo`));
    }
  }
  const get = (key: string) => read.get(key) ?? unknown(`the firmware has no ${key}`);
  return {
    manufacturer: get("sys_vendor"),
    model: get("product_name"),
    serialNumber: get("product_serial"),
    assetTag: get("chassis_asset_tag"),
  };
}
