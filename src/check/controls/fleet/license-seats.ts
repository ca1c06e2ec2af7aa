/** aup-license-seats-within-owned: installations of a licensed title do not exceed its seats. */
import type { FleetCheck } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { commercialTitles, inventoryOf } from "../software.js";
import { licensesByProduct, registerLines } from "../licenses.js";
import { appendTo } from "../../../support/group.js";
import { itemPointer } from "../item-pointer.js";
import { InternTable, itself } from "../../../support/intern-table.js";
import { joinShared, sharedEvidence } from "../../evaluation/shared-failures.js";

interface Installation {
  readonly handle: number;
  readonly index: number;
  readonly name: string;
}

export const licenseSeats: FleetCheck = {
  requires: ["licenses"],
  create(ctx) {
    const licenses = licensesByProduct(ctx.data.licenses, ctx.at);
    const file = ctx.data.licenses?.file ?? "the license register";
    const failures = new Map<number, readonly Evidence[]>();
    const installed = new Map<string, Installation[]>();
    // Kept per installation until the fleet concludes: one copy of each spelling of a title.
    const names = new InternTable<string>(10_000);
    return {
      observe(machine, handle) {
        const inventory = inventoryOf(
          machine,
          `a software inventory to count seats against ${file}`,
        );
        if (!inventory.known) {
          failures.set(handle, [inventory.evidence]);
          return;
        }
        for (const [key, { index }] of commercialTitles(inventory.items, ctx.data)) {
          // Titles with no current license at all are aup-commercial-software-licensed's finding.
          if ((licenses.get(key)?.current.length ?? 0) === 0) continue;
          const name = names.get(inventory.items[index]?.name ?? key, itself);
          appendTo(installed, key, { handle, index, name });
        }
      },
      finish() {
        for (const [key, installations] of installed) {
          const current = licenses.get(key)?.current ?? [];
          const owned = current.reduce((sum, entry) => sum + entry.seats, 0);
          if (installations.length <= owned) continue;
          // One text per title, shared by all its installations.
          const expected = `≤ ${owned} seats owned (${registerLines(file, current)})`;
          // Installations at the same place in the inventory under the same name fail alike:
          // one frozen evidence list for all of them, which the run's failures know by identity.
          const alike = new Map<number, Map<string, readonly Evidence[]>>();
          for (const { handle, index, name } of installations) {
            let byName = alike.get(index);
            if (byName === undefined)
              alike.set(index, (byName = new Map<string, readonly Evidence[]>()));
            let evidence = byName.get(name);
            if (evidence === undefined) {
              const actual = `${name}: installed on ${installations.length} machines`;
              evidence = sharedEvidence([
                { pointer: itemPointer("/software", index), actual, expected },
              ]);
              byName.set(name, evidence);
            }
            const earlier = failures.get(handle);
            failures.set(handle, earlier === undefined ? evidence : joinShared(earlier, evidence));
          }
        }
        return { failures };
      },
    };
  },
};
