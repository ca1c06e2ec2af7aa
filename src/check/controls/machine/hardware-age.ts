/** lcm-hardware-age: the machine is younger than the refresh cycle of its role. */
import type { MachineCheck, Outcome } from "../types.js";
import { ageInDays } from "../dates.js";
import { Memo } from "../../memo.js";
import { sharedEvidence } from "../../evaluation/shared-failures.js";

/** Years of service per role before replacement, from the control's `refreshYears` parameter. */
export type RefreshYears = Readonly<Partial<Record<string, number>>>;

// A fleet's machines were bought on a few thousand days: one outcome per role, purchase date and
// day, its evidence one frozen list that the run's failures know by identity.
const outcomes = new Memo<RefreshYears, Outcome>();

export const hardwareAge: MachineCheck = (machine, ctx) => {
  const refreshYears = ctx.params["refreshYears"] as RefreshYears;
  const { role } = machine;
  const purchased = machine.hardware?.purchaseDate;
  const key = `${ctx.at.getTime()}\u0000${role}\u0000${purchased === undefined ? "u" : `s${purchased}`}`;
  return outcomes.get(refreshYears, key, () =>
    judgeAge(refreshYears[role], role, purchased, ctx.at),
  );
};

function judgeAge(
  years: number | undefined,
  role: string,
  purchased: string | undefined,
  at: Date,
): Outcome {
  if (years === undefined) {
    return { status: "not-applicable", reason: `no refresh cycle set for role ${role}` };
  }
  const maxDays = years * 365;
  const age = purchased === undefined ? undefined : ageInDays(purchased, at);
  if (age !== undefined && age <= maxDays) return { status: "pass" };
  const expected = `≤ ${maxDays} days old (${years} years for ${role})`;
  return {
    status: "fail",
    evidence: sharedEvidence([
      {
        pointer: "/hardware/purchaseDate",
        actual: purchased,
        expected:
          age === undefined
            ? `a purchase date ${expected}`
            : `${expected}; it is ${Math.floor(age)} days old`,
      },
    ]),
  };
}
