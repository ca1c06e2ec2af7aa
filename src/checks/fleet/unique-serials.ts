/** lcm-unique-serial: no two machines report the same manufacturer serial number. */
import { uniquenessCheck } from "./uniqueness.js";

export const uniqueSerials = uniquenessCheck("a serial number", (machine, ctx) => {
  const serial = machine.serialNumber;
  const placeholders = (ctx.params["placeholders"] as readonly string[]).map((p) =>
    p.trim().toUpperCase(),
  );
  // Whitebox boards and VMs ship placeholder serials; they identify nothing.
  if (serial === "unknown" || placeholders.includes(serial.trim().toUpperCase())) {
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
