import { expect } from "chai";
import fc from "fast-check";
import { loadReferenceData } from "../../../src/check/policy/data.js";
import { resolvePolicy } from "../../../src/check/policy/resolve.js";
import type { FleetCheck } from "../../../src/check/controls/types.js";
import { compliantMachine } from "../../fixtures/machine-factory.js";
import { PROPERTY_CASES } from "../../fixtures/seeded.js";

/**
 * lcm-unique-ip against the plain reading of its rule: an address's holders in the order they
 * were observed, and each holder of a shared address failed at the first place it lists it, the
 * others named; a machine's findings in the order the fleet first showed their addresses.
 */
function byTheRule(machines: readonly { hostname: string; ipAddresses: string[] }[]): string[][] {
  const holders = new Map<string, number[]>();
  machines.forEach((machine, m) => {
    for (const ip of machine.ipAddresses) {
      const list = holders.get(ip) ?? [];
      if (list.at(-1) !== m) list.push(m);
      holders.set(ip, list);
    }
  });
  const findings: string[][] = machines.map(() => []);
  for (const [ip, list] of holders) {
    if (list.length < 2) continue;
    for (const m of list) {
      const others = list
        .filter((o) => o !== m)
        .map((o) => `${machines[o]!.hostname} (asset A-${o})`);
      const shown = others.slice(0, 10).join(", ");
      const rest = others.length > 10 ? ` and ${others.length - 10} more` : "";
      const index = machines[m]!.ipAddresses.indexOf(ip);
      findings[m]!.push(`/ipAddresses/${index} ${ip}: also reported by ${shown}${rest}`);
    }
  }
  return findings;
}

const reference = loadReferenceData();

const fleet = fc.array(
  fc.record({
    hostname: fc.constantFrom("a", "b", "c"),
    ipAddresses: fc.array(fc.constantFrom("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"), {
      maxLength: 3,
    }),
  }),
  { minLength: 1, maxLength: 14 },
);

describe("lcm-unique-ip, any fleet", () => {
  // The control's check as a run compiles it, made once: one accumulator per fleet below.
  let check: FleetCheck;
  let params: Readonly<Record<string, unknown>>;
  const at = new Date("2026-11-20T12:00:00Z");
  before(async () => {
    const control = (await resolvePolicy({ at })).controls.find(
      (c) => c.meta.id === "lcm-unique-ip",
    )!;
    if (control.evaluator.kind !== "fleet") throw new Error("lcm-unique-ip is a fleet control");
    check = control.evaluator.check;
    params = control.meta.parameters;
  });

  it("fails exactly the holders of shared addresses, with the rule's evidence in its order", async () => {
    await fc.assert(
      fc.asyncProperty(fleet, async (machines) => {
        const accumulator = check.create({ at, params, data: await reference });
        machines.forEach((m, i) =>
          accumulator.observe(compliantMachine({ ...m, assetTag: `A-${i}` }), i),
        );
        const { failures } = accumulator.finish();
        const found = machines.map((_, i) =>
          (failures.get(i) ?? []).map(
            (e) => `${e.pointer} ${String(e.actual)}: ${e.expected.split("; ")[1]}`,
          ),
        );
        expect(found).to.deep.equal(byTheRule(machines));
      }),
      { numRuns: PROPERTY_CASES },
    );
  });
});
