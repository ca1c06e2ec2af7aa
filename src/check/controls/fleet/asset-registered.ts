/** lcm-asset-registered: every machine that reports is in the asset register. */
import type { FleetCheck } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { findAsset, indexRegister, registerFile } from "./asset-match.js";

export const assetRegistered: FleetCheck = {
  requires: ["assets"],
  create(ctx) {
    const index = indexRegister(ctx.data.assets?.entries ?? []);
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
              expected: `an asset tag or serial number to find the machine in ${file}`,
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
