/**
 * sec-netdev-secure-management and sec-netdev-vendor-supported: a network device's management
 * interfaces and its vendor's end of support, from the networkDevice facts written by hand.
 */
import type { MachineCheck } from "../types.js";
import { isoDay } from "../dates.js";

export const secureManagement: MachineCheck = (machine, ctx) => {
  const forbidden = ctx.params["forbidden"] as readonly string[];
  const expected = `management over encrypted protocols only (none of ${forbidden.join(", ")})`;
  const protocols = machine.networkDevice?.managementProtocols;
  if (protocols === undefined || protocols === "unknown")
    return {
      status: "fail",
      evidence: [
        {
          pointer: "/networkDevice/managementProtocols",
          ...(protocols === undefined ? {} : { actual: protocols }),
          expected,
        },
      ],
    };
  const evidence = protocols.flatMap((p, i) =>
    forbidden.includes(p)
      ? [{ pointer: `/networkDevice/managementProtocols/${i}`, actual: p, expected }]
      : [],
  );
  return evidence.length === 0 ? { status: "pass" } : { status: "fail", evidence };
};

export const vendorSupported: MachineCheck = (machine, ctx) => {
  const end = machine.networkDevice?.vendorEndOfSupport;
  if (end === "not-announced") return { status: "pass" };
  // The end of support is the last day with fixes.
  if (end !== undefined && end !== "unknown" && end >= isoDay(ctx.at)) return { status: "pass" };
  return {
    status: "fail",
    evidence: [
      {
        pointer: "/networkDevice/vendorEndOfSupport",
        ...(end === undefined ? {} : { actual: end }),
        expected:
          end === undefined || end === "unknown"
            ? 'the vendor\'s end-of-support date, or "not-announced"'
            : `a model the vendor still supports (support ended ${end})`,
      },
    ],
  };
};
