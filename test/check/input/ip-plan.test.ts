import { expect } from "chai";
import { loadPlanText, PLAN } from "../../fixtures/ip-plan.js";
import { InputError } from "../../../src/support/errors.js";
import type { InputProblem } from "../../../src/documents/input-problem.js";

async function fatalProblems(text: string): Promise<InputProblem[]> {
  try {
    await loadPlanText(text);
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return [...(error as InputError).problems];
  }
  expect.fail("the plan loaded");
}

const site = (name: string, cidr: string, extra = "") =>
  `  - site: ${name}\n    subnets:\n      - name: lan\n        cidr: ${cidr}\n${extra}`;

describe("IP plan (ip-plan.yaml)", () => {
  it("loads sites by name, subnets with their VLAN, reserved ranges and DHCP scopes", async () => {
    const { plan, problems } = await loadPlanText(PLAN);
    expect(problems).to.deep.equal([]);
    expect([...plan.sites.keys()]).to.deep.equal(["town-hall", "library"]);
    const staff = plan.sites.get("town-hall")!.subnets[1]!;
    expect(staff).to.deep.include({ name: "staff", vlan: 10, pointer: "/sites/0/subnets/1" });
    expect(staff.dhcp.map((r) => r.text)).to.deep.equal(["10.20.10.20-10.20.10.199"]);
    expect(staff.reserved[0]).to.include({ pointer: "/sites/0/subnets/1/reserved/0/range" });
  });

  const unusable: { name: string; text: string; pointer: string; line: number; message: RegExp }[] =
    [
      {
        name: "a CIDR with host bits set",
        text: `sites:\n${site("a", "10.20.10.1/24")}`,
        pointer: "/sites/0/subnets/0/cidr",
        line: 5,
        message: /"10\.20\.10\.1\/24" has host bits set \(the network is 10\.20\.10\.0\/24\)/,
      },
      {
        name: "a CIDR that is not one",
        text: `sites:\n${site("a", "10.20.10.0")}`,
        pointer: "/sites/0/subnets/0/cidr",
        line: 5,
        message: /is not an IPv4 CIDR block like 10\.60\.0\.0\/16/,
      },
      {
        name: "a range that ends before it starts",
        text: `sites:\n${site("a", "10.20.10.0/24", "        dhcp: [10.20.10.90-10.20.10.20]\n")}`,
        pointer: "/sites/0/subnets/0/dhcp/0",
        line: 6,
        message: /ends before it starts/,
      },
      {
        name: "an octet above 255",
        text: `sites:\n${site("a", "10.20.10.0/24", "        dhcp: [10.20.10.1-10.20.10.256]\n")}`,
        pointer: "/sites/0/subnets/0/dhcp/0",
        line: 6,
        message: /has an octet above 255/,
      },
      {
        name: "a site listed twice",
        text: `sites:\n${site("a", "10.20.10.0/24")}${site("A", "10.20.11.0/24")}`,
        pointer: "/sites/1/site",
        line: 6,
        message: /repeats site "A"/,
      },
      {
        name: "a misspelt field",
        text: `sites:\n${site("a", "10.20.10.0/24", "        dhcpp: []\n")}`,
        pointer: "/sites/0/subnets/0/dhcpp",
        line: 6,
        message: /is not a known field/,
      },
    ];
  for (const c of unusable) {
    it(`an unusable plan: ${c.name}, located`, async () => {
      const problems = await fatalProblems(c.text);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ pointer: c.pointer, line: c.line });
      expect(problems[0]!.message).to.match(c.message);
    });
  }

  it("two sites whose subnets overlap: one problem of the plan, on the later subnet", async () => {
    const { plan, problems } = await loadPlanText(
      `sites:\n${site("town-hall", "10.20.0.0/16")}${site("library", "10.20.55.0/24")}${site("garage", "10.40.0.0/24")}`,
    );
    expect(plan.sites.size).to.equal(3);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({ pointer: "/sites/1/subnets/0/cidr", line: 9 });
    expect(problems[0]!.message).to.equal(
      "library's subnet lan 10.20.55.0/24 overlaps town-hall's lan 10.20.0.0/16 (/sites/0/subnets/0/cidr): an address there belongs to two sites",
    );
  });

  it("a DHCP scope over a reserved range is a problem of the plan", async () => {
    const { problems } = await loadPlanText(
      `sites:\n${site(
        "a",
        "10.20.10.0/24",
        "        reserved: [{ range: 10.20.10.1-10.20.10.30, purpose: printers }]\n        dhcp: [10.20.10.20-10.20.10.99]\n",
      )}`,
    );
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({ pointer: "/sites/0/subnets/0/dhcp/0" });
    expect(problems[0]!.message).to.match(
      /DHCP scope 10\.20\.10\.20-10\.20\.10\.99 hands out addresses of the reserved range 10\.20\.10\.1-10\.20\.10\.30/,
    );
  });

  /** Problems of a usable plan, each with file, pointer and line. */
  async function planProblems(text: string) {
    const { problems } = await loadPlanText(text);
    return problems.map(({ pointer, line, message }) => ({ pointer, line, message }));
  }

  it("a DHCP scope outside its subnet: a problem of the plan, and the scope is left out", async () => {
    const text = `sites:\n${site("a", "10.20.10.0/24", "        dhcp: [10.20.11.10-10.20.11.20, 10.20.10.10-10.20.10.20]\n")}`;
    const { plan } = await loadPlanText(text);
    expect(plan.sites.get("a")!.subnets[0]!.dhcp.map((d) => d.text)).to.deep.equal([
      "10.20.10.10-10.20.10.20",
    ]);
    expect(await planProblems(text)).to.deep.equal([
      {
        pointer: "/sites/0/subnets/0/dhcp/0",
        line: 6,
        message:
          '"10.20.11.10-10.20.11.20" is not inside the subnet 10.20.10.0/24: left out of the plan until it is',
      },
    ]);
  });

  it("two subnets of one site that overlap: one problem, on the later subnet", async () => {
    const text = [
      "sites:",
      "  - site: town-hall",
      "    subnets:",
      "      - { name: staff, vlan: 10, cidr: 10.20.10.0/24 }",
      "      - { name: voice, vlan: 11, cidr: 10.20.10.128/25 }",
      "      - { name: servers, vlan: 100, cidr: 10.20.1.0/24 }",
    ].join("\n");
    expect(await planProblems(text)).to.deep.equal([
      {
        pointer: "/sites/0/subnets/1/cidr",
        line: 5,
        message:
          "town-hall's subnet voice (VLAN 11) 10.20.10.128/25 overlaps its staff (VLAN 10) 10.20.10.0/24 (/sites/0/subnets/0/cidr): an address there is in two subnets of the site",
      },
    ]);
  });

  const reservations = (lines: string[]) =>
    [
      "sites:",
      "  - site: town-hall",
      "    subnets:",
      "      - name: servers",
      "        cidr: 10.20.1.0/24",
      "        reserved:",
      "          - range: 10.20.1.1-10.20.1.99",
      "            purpose: servers",
      "            reservations:",
      ...lines.map((l) => `              - ${l}`),
    ].join("\n");

  it("a reservation outside its reserved range: a problem of the plan", async () => {
    expect(
      await planProblems(
        reservations([
          "{ address: 10.20.1.20, hostname: th-fs-01 }",
          "{ address: 10.20.1.120, hostname: th-dc-01 }",
        ]),
      ),
    ).to.deep.equal([
      {
        pointer: "/sites/0/subnets/0/reserved/0/reservations/1/address",
        line: 11,
        message: "10.20.1.120 (th-dc-01) is not inside the reserved range 10.20.1.1-10.20.1.99",
      },
    ]);
  });

  it("an address reserved for two machines: a problem of the plan, on the second", async () => {
    expect(
      await planProblems(
        reservations([
          "{ address: 10.20.1.20, hostname: th-fs-01 }",
          "{ address: 10.20.1.20, hostname: th-dc-01 }",
        ]),
      ),
    ).to.deep.equal([
      {
        pointer: "/sites/0/subnets/0/reserved/0/reservations/1/address",
        line: 11,
        message:
          "10.20.1.20 is reserved for th-dc-01 and already for th-fs-01 (/sites/0/subnets/0/reserved/0/reservations/0/address)",
      },
    ]);
  });

  it("a reservation that is not an IPv4 address makes the plan unusable, located", async () => {
    const problems = await fatalProblems(reservations(["{ address: 10.20.1.300, hostname: x }"]));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({
      pointer: "/sites/0/subnets/0/reserved/0/reservations/0/address",
      line: 10,
    });
  });
});
