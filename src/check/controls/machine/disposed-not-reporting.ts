/** lcm-disposed-not-reporting: no config comes from a machine that has been disposed of. */
import type { MachineCheck } from "../types.js";
import { parseInstant } from "../dates.js";

const DAY_MS = 86_400_000;

export const disposedNotReporting: MachineCheck = (machine) => {
  const { status, disposedAt } = machine.lifecycle;
  if (status === "disposed") {
    return {
      status: "fail",
      evidence: [
        {
          pointer: "/lifecycle/status",
          actual: status,
          expected: "no config from a disposed machine: it was reused, stolen or wrongly recorded",
        },
      ],
    };
  }
  if (disposedAt === undefined) return { status: "pass" };
  const disposed = parseInstant(disposedAt);
  const collected = parseInstant(machine.collectedAt);
  if (disposed === undefined) {
    return {
      status: "fail",
      evidence: [
        { pointer: "/lifecycle/disposedAt", actual: disposedAt, expected: "a disposal date" },
      ],
    };
  }
  // Collected on the disposal day is the last inventory before it left; a later day is not.
  if (collected !== undefined && collected.getTime() < disposed.getTime() + DAY_MS) {
    return { status: "pass" };
  }
  return {
    status: "fail",
    evidence: [
      {
        pointer: "/collectedAt",
        actual: machine.collectedAt,
        expected: `collected no later than the disposal date ${disposedAt}`,
      },
    ],
  };
};
