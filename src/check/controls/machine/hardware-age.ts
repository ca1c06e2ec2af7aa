/** lcm-hardware-age: the machine is younger than the refresh cycle of its role. */
import type { MachineCheck, Outcome } from "../types.js";
import { ageInDays } from "../dates.js";
import { Memo } from "../../memo.js";
import { sharedEvidence } from "../../evaluation/shared-failures.js";

/** Years of service per role before replacement, from the control's `refreshYears` parameter. */
export type RefreshYears = Readonly<Partial<Record<string, number>>>;

// The machines past their cycle were bought on a few thousand days: one outcome per role,
// purchase date and age in days, its evidence one frozen list the run's failures know by identity.
// Bounded: a process keeping one policy across nights gets new ages each night.
const failures = new Memo<RefreshYears, Outcome>(50_000);

export const hardwareAge: MachineCheck = (machine, ctx) => {
  const refreshYears = ctx.params["refreshYears"] as RefreshYears;
  const { role } = machine;
  const years = refreshYears[role];
  if (years === undefined) {
    return { status: "not-applicable", reason: `no refresh cycle set for role ${role}` };
  }
  const maxDays = years * 365;
  const purchased = machine.hardware?.purchaseDate;
  const age = purchased === undefined ? undefined : ageInDays(purchased, ctx.at);
  if (age !== undefined && age <= maxDays) return { status: "pass" };
  const days = age === undefined ? undefined : Math.floor(age);
  // The outcome is the role's cycle, the date as reported and the age: the key names all three.
  const key = `${days ?? "-"}\u0000${role}\u0000${purchased === undefined ? "u" : `s${purchased}`}`;
  return failures.get(refreshYears, key, () => {
    const expected = `≤ ${maxDays} days old (${years} years for ${role})`;
    return {
      status: "fail",
      evidence: sharedEvidence([
        {
          pointer: "/hardware/purchaseDate",
          actual: purchased,
          expected:
            days === undefined
              ? `a purchase date ${expected}`
              : `${expected}; it is ${days} days old`,
        },
      ]),
    };
  });
};
