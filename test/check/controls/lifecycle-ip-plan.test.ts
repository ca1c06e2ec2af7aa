import { fleetCases } from "../../fixtures/control-cases.js";
import { loadPlanText, PLAN } from "../../fixtures/ip-plan.js";
import {
  compliantKiosk,
  compliantMachine,
  compliantServer,
} from "../../fixtures/machine-factory.js";

// The plan is read from YAML by the real loader; the machines are the factory's.
const { plan } = await loadPlanText(PLAN);
const data = { ipPlan: plan };

const ws = compliantMachine({ ipAssignment: "dhcp" }); // town-hall 10.20.10.21
const server = compliantServer({ ipAssignment: "static", ipAddresses: ["10.20.1.20"] });
const kiosk = compliantKiosk({ ipAssignment: "dhcp", ipAddresses: ["10.20.55.31"] });

describe("lcm-ip-in-site-subnet", () => {
  fleetCases("lcm-ip-in-site-subnet", [
    {
      name: "every address in its site's subnets",
      machines: [ws, server, kiosk],
      data,
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "IPv6 and link-local addresses are not planned",
      machines: [compliantMachine({ ipAddresses: ["10.20.10.21", "2001:db8::21", "169.254.3.4"] })],
      data,
      expect: ["pass"],
    },
    {
      name: "a library address on a town-hall machine",
      machines: [compliantMachine({ ipAddresses: ["10.20.10.21", "10.20.55.40"] })],
      data,
      expect: ["fail"],
      evidence: {
        0: {
          pointer: "/ipAddresses/1",
          actual: "10.20.55.40",
          expected:
            /^an address in town-hall's subnets: servers \(VLAN 100\) 10\.20\.1\.0\/24, staff \(VLAN 10\) 10\.20\.10\.0\/24$/,
        },
      },
    },
    {
      name: "a site the plan does not have",
      machines: [compliantMachine({ site: "fire-station" })],
      data,
      expect: ["fail"],
      evidence: { 0: { pointer: "/site", actual: "fire-station", expected: /town-hall, library/ } },
    },
    {
      name: "site names compare without case",
      machines: [compliantMachine({ site: "Town-Hall" })],
      data,
      expect: ["pass"],
    },
    {
      name: "unknown addresses",
      machines: [compliantMachine({ ipAddresses: "unknown" })],
      data,
      expect: ["fail"],
      evidence: { 0: { pointer: "/ipAddresses", actual: "unknown" } },
    },
    {
      name: "without --ip-plan, not evaluated",
      machines: [ws],
      expect: ["not-applicable"],
    },
  ]);
});

describe("lcm-static-ip-outside-dhcp", () => {
  fleetCases("lcm-static-ip-outside-dhcp", [
    {
      name: "static server in the reserved range, DHCP clients in the scope",
      machines: [ws, server, kiosk],
      data,
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "a static address inside the staff DHCP scope",
      machines: [compliantServer({ ipAssignment: "static", ipAddresses: ["10.20.10.50"] })],
      data,
      expect: ["fail"],
      evidence: {
        0: {
          pointer: "/ipAddresses/0",
          actual: "10.20.10.50",
          expected:
            /^a static address outside the DHCP scope 10\.20\.10\.20-10\.20\.10\.199 of staff \(VLAN 10\) 10\.20\.10\.0\/24$/,
        },
      },
    },
    {
      name: "a static address in another site's scope collides too",
      machines: [compliantServer({ ipAssignment: "static", ipAddresses: ["10.20.55.40"] })],
      data,
      expect: ["fail"],
      evidence: { 0: { expected: /scope 10\.20\.55\.20-10\.20\.55\.199 of public/ } },
    },
    {
      name: "a static address just past the scope",
      machines: [compliantServer({ ipAssignment: "static", ipAddresses: ["10.20.10.200"] })],
      data,
      expect: ["pass"],
    },
    {
      name: "unknown assignment",
      machines: [compliantMachine({ ipAssignment: "unknown" })],
      data,
      expect: ["fail"],
      evidence: { 0: { pointer: "/ipAssignment", actual: "unknown" } },
    },
    {
      name: "unknown: assignment not reported",
      machines: [compliantMachine()],
      data,
      expect: ["fail"],
      evidence: { 0: { pointer: "/ipAssignment", expected: /"static" or "dhcp"/ } },
    },
  ]);
});
