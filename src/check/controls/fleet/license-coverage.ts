/** aup-commercial-software-licensed: every commercial title installed has a current license. */
import type { FleetCheck } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { commercialTitles, inventoryOf } from "../software.js";
import { licensesByProduct, registerLines, type TitleLicenses } from "../licenses.js";
import { itemPointer } from "../item-pointer.js";

export const licenseCoverage: FleetCheck = {
  requires: ["licenses"],
  create(ctx) {
    const licenses = licensesByProduct(ctx.data.licenses, ctx.at);
    const file = ctx.data.licenses?.file ?? "the license register";
    const failures = new Map<number, readonly Evidence[]>();
    // Thousands of machines lack the same few licenses: word each title's finding once.
    const expectedTexts = new Map<string, string>();
    const expectedFor = (key: string, title: string, entries: TitleLicenses | undefined) => {
      let text = expectedTexts.get(key);
      if (text === undefined) {
        const expired =
          entries === undefined ? "" : `; ${registerLines(file, entries.expired)} expired`;
        text = `a current license for ${title} in ${file}${expired}`;
        expectedTexts.set(key, text);
      }
      return text;
    };
    return {
      observe(machine, handle) {
        const inventory = inventoryOf(machine, `a software inventory to check against ${file}`);
        if (!inventory.known) {
          failures.set(handle, [inventory.evidence]);
          return;
        }
        const evidence: Evidence[] = [];
        for (const [key, { title, index }] of commercialTitles(inventory.items, ctx.data)) {
          const entries = licenses.get(key);
          if (entries !== undefined && entries.current.length > 0) continue;
          evidence.push({
            pointer: itemPointer("/software", index),
            actual: inventory.items[index]?.name,
            expected: expectedFor(key, title.title, entries),
          });
        }
        if (evidence.length > 0) failures.set(handle, evidence);
      },
      finish: () => ({ failures }),
    };
  },
};
