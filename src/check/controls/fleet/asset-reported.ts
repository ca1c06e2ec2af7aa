/** lcm-asset-reported: every register asset that should be in service reports a config. */
import type { FleetCheck, UnreportedAsset } from "../types.js";
import type { AssetEntry } from "../../input/registers.js";
import { findAsset, registerIndex, placeholderSerials, registerFile } from "./asset-match.js";

export const assetReported: FleetCheck = {
  requires: ["assets"],
  create(ctx) {
    const statuses = new Set(ctx.params["expectedStatuses"] as readonly string[]);
    const isExpected = (entry: AssetEntry) => statuses.has(entry.status);
    const entries = ctx.data.assets?.entries ?? [];
    const expected = entries.filter(isExpected);
    const index = registerIndex(entries, placeholderSerials(ctx.params));
    const file = registerFile(ctx.data.assets);
    const seen = new Set<AssetEntry>();
    return {
      observe(machine) {
        const asset = findAsset(machine, index, isExpected);
        if (asset !== undefined && asset !== "unknown") seen.add(asset);
      },
      finish() {
        const unreported: UnreportedAsset[] = expected
          .filter((entry) => !seen.has(entry))
          .map((entry) => ({
            assetTag: entry.assetTag,
            hostname: entry.hostname,
            department: entry.department,
            site: entry.site,
            evidence: [
              {
                pointer: "",
                actual: "no machine config",
                expected: `a config from ${entry.status} asset ${entry.assetTag} (${file} line ${entry.line})`,
              },
            ],
          }));
        return { failures: new Map(), unreported };
      },
    };
  },
};
