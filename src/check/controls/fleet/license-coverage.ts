/** aup-commercial-software-licensed: every commercial title installed has a current license. */
import type { FleetCheck } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { commercialTitles, inventoryOf } from "../software.js";
import { licensesByProduct, registerLines } from "../licenses.js";

export const licenseCoverage: FleetCheck = {
  requires: ["licenses"],
  create(ctx) {
    const licenses = licensesByProduct(ctx.data.licenses, ctx.at);
    const file = ctx.data.licenses?.file ?? "the license register";
    const failures = new Map<number, readonly Evidence[]>();
    return {
      observe(machine, handle) {
        const inventory = inventoryOf(machine, `a software inventory to check against ${file}`);
        if (!inventory.known) {
          failures.set(handle, [inventory.evidence]);
          return;
        }
        const evidence: Evidence[] = [];
        for (const [key, { title, index }] of commercialTitles(
          inventory.items,
          ctx.data.softwareCatalog,
        )) {
          const entries = licenses.get(key);
          if (entries !== undefined && entries.current.length > 0) continue;
          const expired =
            entries === undefined ? "" : `; ${registerLines(file, entries.expired)} expired`;
          evidence.push({
            pointer: `/software/${index}`,
            actual: inventory.items[index]?.name,
            expected: `a current license for ${title.title} in ${file}${expired}`,
          });
        }
        if (evidence.length > 0) failures.set(handle, evidence);
      },
      finish: () => ({ failures }),
    };
  },
};
