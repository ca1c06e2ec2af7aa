/** lcm-asset-registered: every machine that reports is in the asset register. */
import type { FleetCheck } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { findAsset, registerIndex, placeholderSerials, registerFile } from "./asset-match.js";

export const assetRegistered: FleetCheck = {
  requires: ["assets"],
  create(ctx) {
    const index = registerIndex(ctx.data.assets?.entries ?? [], placeholderSerials(ctx.params));
    const file = registerFile(ctx.data.assets);
    const failures = new Map<number, readonly Evidence[]>();
    return {
      observe(machine, handle) {
        const asset = findAsset(machine, index);
        if (asset === "unknown") {
          failures.set(handle, [
            {
              pointer: "/assetTag",
              actual: "unknown",
              expected: `an asset tag, or a serial number other than a firmware placeholder, to find the machine in ${file}`,
            },
          ]);
        } else if (asset === undefined) {
          failures.set(handle, [
            {
              pointer: "/assetTag",
              actual: machine.assetTag,
              expected: `listed in ${file}; no entry has asset tag ${machine.assetTag} or serial number ${machine.serialNumber}`,
            },
          ]);
        }
      },
      finish: () => ({ failures }),
    };
  },
};
