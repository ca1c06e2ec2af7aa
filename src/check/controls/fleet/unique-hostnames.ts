/** lcm-unique-hostname: no two machines report the same host name. */
import { uniquenessCheck } from "./uniqueness.js";

export const uniqueHostnames = uniquenessCheck(
  "a host name",
  "/hostname",
  (machine, _ctx, visit) => {
    // DNS and NetBIOS names are case-insensitive.
    const key = machine.hostname.toLowerCase();
    if (key === "unknown")
      return { pointer: "/hostname", actual: "unknown", expected: "a known host name" };
    visit(key, machine.hostname, -1);
    return undefined;
  },
);
