/** lcm-unique-serial: no two machines report the same manufacturer serial number. */
import { uniquenessCheck } from "./uniqueness.js";
import { Memo } from "../../memo.js";

const placeholderSets = new Memo<object, ReadonlySet<string>>();
const placeholderSet = (params: Readonly<Record<string, unknown>>) =>
  placeholderSets.get(params, "", () => {
    const values = params["placeholders"] as readonly string[];
    return new Set(values.map((p) => p.trim().toUpperCase()));
  });

export const uniqueSerials = uniquenessCheck("a serial number", (machine, ctx) => {
  const serial = machine.serialNumber;
  const placeholders = placeholderSet(ctx.params);
  // Whitebox boards and VMs ship placeholder serials; they identify nothing.
  if (serial === "unknown" || placeholders.has(serial.trim().toUpperCase())) {
    return {
      known: false,
      evidence: {
        pointer: "/serialNumber",
        actual: serial,
        expected: "the manufacturer's serial number (not unknown or a firmware placeholder)",
      },
    };
  }
  return {
    known: true,
    ids: [{ key: serial.trim().toUpperCase(), pointer: "/serialNumber", actual: serial }],
  };
});
