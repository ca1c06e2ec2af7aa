/** lcm-hardware-age: the machine is younger than the refresh cycle of its role. */
import type { MachineCheck } from "../types.js";
import { ageInDays } from "../dates.js";

/** Years of service per role before replacement, from the control's `refreshYears` parameter. */
export type RefreshYears = Readonly<Partial<Record<string, number>>>;

export const hardwareAge: MachineCheck = (machine, ctx) => {
  const years = (ctx.params["refreshYears"] as RefreshYears)[machine.role];
  if (years === undefined) {
    return { status: "not-applicable", reason: `no refresh cycle set for role ${machine.role}` };
  }
  const maxDays = years * 365;
  const purchased = machine.hardware?.purchaseDate;
  const age = purchased === undefined ? undefined : ageInDays(purchased, ctx.at);
  if (age !== undefined && age <= maxDays) return { status: "pass" };
  const expected = `≤ ${maxDays} days old (${years} years for ${machine.role})`;
  if (age === undefined) {
    return {
      status: "fail",
      evidence: [
        {
          pointer: "/hardware/purchaseDate",
          actual: purchased,
          expected: `a purchase date ${expected}`,
        },
      ],
    };
  }
  return {
    status: "fail",
    evidence: [
      {
        pointer: "/hardware/purchaseDate",
        actual: purchased,
        expected: `${expected}; it is ${Math.floor(age)} days old`,
      },
    ],
  };
};
