import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readMachines, type MachineRecord } from "../../../src/check/input/machines.js";
import { machineCases } from "../../fixtures/control-cases.js";
import {
  compliantLinuxServer,
  compliantNetworkDevice,
  daysAfter,
  daysBefore,
} from "../../fixtures/machine-factory.js";
import { evaluateControlById } from "../../../src/check/evaluation/evaluate-one.js";
import { AT } from "../../fixtures/machine-factory.js";

const device = compliantNetworkDevice();

describe("sec-netdev-default-credentials", () => {
  machineCases("sec-netdev-default-credentials", [
    { name: "factory passwords changed", machine: device, expect: "pass" },
    {
      name: "still the admin PIN from the label",
      machine: device,
      set: { "/networkDevice/defaultCredentialsChanged": false },
      expect: "fail",
      evidence: { pointer: "/networkDevice/defaultCredentialsChanged", actual: false },
    },
    {
      name: "unknown",
      machine: device,
      set: { "/networkDevice/defaultCredentialsChanged": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: no device facts written",
      machine: device,
      set: { "/networkDevice": undefined },
      expect: "fail",
      evidence: { pointer: "/networkDevice" },
    },
    {
      name: "a server is not a network device",
      machine: compliantLinuxServer(),
      expect: "not-applicable",
    },
  ]);
});

describe("sec-netdev-secure-management", () => {
  machineCases("sec-netdev-secure-management", [
    { name: "HTTPS and SNMPv3", machine: device, expect: "pass" },
    {
      name: "Telnet left on",
      machine: device,
      set: { "/networkDevice/managementProtocols": ["https", "telnet"] },
      expect: "fail",
      evidence: {
        pointer: "/networkDevice/managementProtocols/1",
        actual: "telnet",
        expected:
          /^management over encrypted protocols only \(none of http, telnet, snmpv1, snmpv2c\)$/,
      },
    },
    {
      name: "HTTP and SNMP v2c: both reported",
      machine: device,
      set: { "/networkDevice/managementProtocols": ["http", "snmpv2c"] },
      expect: "fail",
      evidence: { pointer: "/networkDevice/managementProtocols/1", actual: "snmpv2c" },
    },
    {
      name: "the town also forbids the vendor cloud",
      machine: device,
      set: { "/networkDevice/managementProtocols": ["https", "cloud"] },
      params: { forbidden: ["http", "telnet", "cloud"] },
      expect: "fail",
    },
    {
      name: "no management interface at all",
      machine: device,
      set: { "/networkDevice/managementProtocols": [] },
      expect: "pass",
    },
    {
      name: "unknown",
      machine: device,
      set: { "/networkDevice/managementProtocols": "unknown" },
      expect: "fail",
      evidence: { pointer: "/networkDevice/managementProtocols", actual: "unknown" },
    },
    {
      name: "unknown: not written",
      machine: device,
      set: { "/networkDevice": undefined },
      expect: "fail",
    },
  ]);
});

describe("sec-netdev-firmware-current", () => {
  machineCases("sec-netdev-firmware-current", [
    { name: "firmware from 120 days ago", machine: device, expect: "pass" },
    {
      name: "firmware 365 days old",
      machine: device,
      set: { "/networkDevice/firmware/releaseDate": daysBefore(365) },
      expect: "pass",
    },
    {
      name: "firmware 366 days old",
      machine: device,
      set: { "/networkDevice/firmware/releaseDate": daysBefore(366) },
      expect: "fail",
      evidence: {
        pointer: "/networkDevice/firmware/releaseDate",
        actual: daysBefore(366),
        expected: /no more than 365 days old/,
      },
    },
    {
      name: "firmware 200 days old, the town allows 180",
      machine: device,
      set: { "/networkDevice/firmware/releaseDate": daysBefore(200) },
      params: { maxAgeDays: 180 },
      expect: "fail",
    },
    {
      name: "unknown release date",
      machine: device,
      set: { "/networkDevice/firmware/releaseDate": "unknown" },
      expect: "fail",
      evidence: { pointer: "/networkDevice/firmware/releaseDate", actual: "unknown" },
    },
  ]);
});

describe("sec-netdev-vendor-supported", () => {
  machineCases("sec-netdev-vendor-supported", [
    { name: "no end of support announced", machine: device, expect: "pass" },
    {
      name: "support ends in 30 days",
      machine: device,
      set: { "/networkDevice/vendorEndOfSupport": daysAfter(30) },
      expect: "pass",
    },
    {
      name: "the last day of support",
      machine: device,
      set: { "/networkDevice/vendorEndOfSupport": daysAfter(0) },
      expect: "pass",
    },
    {
      name: "support ended yesterday",
      machine: device,
      set: { "/networkDevice/vendorEndOfSupport": daysBefore(1) },
      expect: "fail",
      evidence: {
        pointer: "/networkDevice/vendorEndOfSupport",
        actual: daysBefore(1),
        expected: /support ended/,
      },
    },
    {
      name: "unknown",
      machine: device,
      set: { "/networkDevice/vendorEndOfSupport": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown", expected: /"not-announced"/ },
    },
  ]);
});

describe("network devices and the endpoint controls", () => {
  it("an embedded device is not held to the OS end-of-support table or patch date", async () => {
    for (const id of ["sec-os-supported", "sec-os-patches-current"]) {
      const result = await evaluateControlById(id, device, { at: AT });
      expect(result.status, id).to.equal("not-applicable");
    }
  });

  it("password, lockout and admin controls still leave network devices out", async () => {
    for (const id of [
      "sec-password-min-length",
      "sec-account-lockout-threshold",
      "sec-local-admin-not-shared",
      "sec-edr-installed",
    ]) {
      const result = await evaluateControlById(id, device, { at: AT });
      expect(result.status, id).to.equal("not-applicable");
    }
  });
});

describe("the hand-written network devices file", () => {
  const sample = fileURLToPath(
    new URL("../../../examples/millbrook/network-devices.yaml", import.meta.url),
  );
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), "netdev-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function read(file: string): Promise<MachineRecord[]> {
    const out: MachineRecord[] = [];
    for await (const r of readMachines([file])) out.push(r);
    return out;
  }

  it("Millbrook's file reads as three network devices", async () => {
    const records = await read(sample);
    expect(
      records.map((r) => (r.kind === "machine" ? r.machine.networkDevice?.kind : r.problem)),
    ).to.deep.equal(["switch", "printer", "camera-recorder"]);
  });

  it("a mistyped protocol and a date in words are located; the other devices still read", async () => {
    const text = (await readFile(sample, "utf8"))
      .replace("managementProtocols: [https, telnet]", "managementProtocols: [https, Telnet]")
      .replace('releaseDate: "2022-05-10"', "releaseDate: May 2022");
    const file = path.join(dir, "devices.yaml");
    await writeFile(file, text);
    const records = await read(file);
    expect(records.filter((r) => r.kind === "machine")).to.have.length(1);
    const problems = records.flatMap((r) => (r.kind === "problem" ? [r.problem] : []));
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(new Set(problems.map((p) => p.file))).to.deep.equal(new Set([file]));
    const protocol = problems.find(
      (p) => p.pointer === "/machines/0/networkDevice/managementProtocols/1",
    );
    expect(protocol, JSON.stringify(problems)).to.not.equal(undefined);
    expect(protocol!.line).to.equal(lineOf("Telnet]"));
    expect(protocol!.message).to.match(/did you mean "telnet"\?/);
    const date = problems.find(
      (p) => p.pointer === "/machines/2/networkDevice/firmware/releaseDate",
    );
    expect(date, JSON.stringify(problems)).to.not.equal(undefined);
    expect(date!.line).to.equal(lineOf("releaseDate: May 2022"));
  });
});
