/** lcm-unique-serial: no two machines report the same manufacturer serial number. */
import { uniquenessCheck } from "./uniqueness.js";
import { placeholderTest } from "./placeholder-serials.js";
import { assetKey } from "../../input/registers.js";

export const uniqueSerials = uniquenessCheck(
  "a serial number",
  "/serialNumber",
  (machine, ctx, visit) => {
    const serial = machine.serialNumber;
    const isPlaceholder = placeholderTest(ctx.params["placeholders"] as readonly string[]);
    // Whitebox boards and VMs ship placeholder serials; they identify nothing.
    const key = assetKey(serial);
    if (key === undefined || isPlaceholder(key)) {
      return {
        pointer: "/serialNumber",
        actual: serial,
        expected: "the manufacturer's serial number (not unknown or a firmware placeholder)",
      };
    }
    visit(key, serial, -1);
    return undefined;
  },
);
