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

// The servers range lists who each address is for; the staff switches range lists no one.
const { plan: reservedPlan } = await loadPlanText(
  PLAN.replace(
    "{ range: 10.20.1.1-10.20.1.99, purpose: servers }",
    `range: 10.20.1.1-10.20.1.99
            purpose: servers
            reservations:
              - { address: 10.20.1.20, hostname: th-fs-01 }
              - { address: 10.20.1.21, hostname: th-dc-01 }`,
  ),
);
const reserved = { ipPlan: reservedPlan };
const staticServer = (hostname: string, ip: string) =>
  compliantServer({ hostname, ipAssignment: "static", ipAddresses: [ip] });

describe("lcm-static-ip-reservation", () => {
  fleetCases("lcm-static-ip-reservation", [
    {
      name: "each server on its own reservation, DHCP clients elsewhere",
      machines: [
        staticServer("th-fs-01", "10.20.1.20"),
        staticServer("TH-DC-01", "10.20.1.21"),
        ws,
      ],
      data: reserved,
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "a range without reservations takes any static address",
      machines: [staticServer("th-sw-02", "10.20.10.5"), server],
      data: reserved,
      expect: ["pass", "pass"],
    },
    {
      name: "on another machine's reservation",
      machines: [staticServer("th-fs-01", "10.20.1.21")],
      data: reserved,
      expect: ["fail"],
      evidence: {
        0: {
          pointer: "/ipAddresses/0",
          actual: "10.20.1.21",
          expected:
            /^the machine's own reservation in the reserved range 10\.20\.1\.1-10\.20\.1\.99 \(servers\) of servers \(VLAN 100\) 10\.20\.1\.0\/24: 10\.20\.1\.21 is reserved for th-dc-01; th-fs-01's reservation is 10\.20\.1\.20$/,
        },
      },
    },
    {
      name: "on an address of the range reserved for no one",
      machines: [staticServer("th-app-09", "10.20.1.50")],
      data: reserved,
      expect: ["fail"],
      evidence: { 0: { expected: /10\.20\.1\.50 is reserved for no machine$/ } },
    },
    {
      name: "a DHCP client is not judged (the scope is lcm-static-ip-outside-dhcp's)",
      machines: [
        compliantServer({ hostname: "x", ipAssignment: "dhcp", ipAddresses: ["10.20.1.50"] }),
      ],
      data: reserved,
      expect: ["pass"],
    },
    {
      name: "unknown addresses of a static machine",
      machines: [compliantServer({ ipAssignment: "static", ipAddresses: "unknown" })],
      data: reserved,
      expect: ["fail"],
      evidence: { 0: { pointer: "/ipAddresses", actual: "unknown" } },
    },
    {
      name: "without --ip-plan, not evaluated",
      machines: [server],
      expect: ["not-applicable"],
    },
  ]);
});
