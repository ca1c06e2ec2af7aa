/** lcm-unique-hostname: no two machines report the same host name. */
import { uniquenessCheck } from "./uniqueness.js";

export const uniqueHostnames = uniquenessCheck("a host name", (machine) =>
  machine.hostname.toLowerCase() === "unknown"
    ? {
        known: false,
        evidence: { pointer: "/hostname", actual: "unknown", expected: "a known host name" },
      }
    : {
        known: true,
        // DNS and NetBIOS names are case-insensitive.
        ids: [
          { key: machine.hostname.toLowerCase(), pointer: "/hostname", actual: machine.hostname },
        ],
      },
);
