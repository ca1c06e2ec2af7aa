import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { locateEvidence, locateFailures } from "../../../src/check/input/locate-evidence.js";
import { readMachines, type MachineRecord } from "../../../src/check/input/machines.js";
import type { ControlResult, SubjectResults } from "../../../src/check/evaluation/result.js";
import { ResultRow } from "../../../src/check/evaluation/result-row.js";
import { syntheticMachine } from "../../../bench/generate-fleet.js";
import { seededRandom } from "../../fixtures/seeded.js";

const subject = (file: string, extra: Partial<SubjectResults["source"]> = {}): SubjectResults => ({
  subject: "pc-01",
  kind: "machine",
  department: "library",
  site: "library",
  role: "workstation",
  source: { file, ...extra },
  results: ResultRow.of([
    {
      control: "sec-smbv1-disabled",
      status: "fail",
      evidence: [{ pointer: "/security/smbv1Enabled", actual: true, expected: "false" }],
    },
    { control: "sec-guest-account-disabled", status: "pass" },
  ]),
});

const lineOfEvidence = (s: SubjectResults | undefined) => {
  const r = s?.results.at(0);
  return r?.status === "fail" ? r.evidence[0]?.line : undefined;
};

describe("locating evidence in source files", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-locate-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("finds the field's line in a one-machine YAML file", async () => {
    const file = path.join(dir, "pc-01.yaml");
    await writeFile(
      file,
      "hostname: pc-01\nsecurity:\n  guestEnabled: false\n  smbv1Enabled: true\n",
    );
    expect(lineOfEvidence(locateEvidence([subject(file)])[0])).to.equal(4);
  });

  it("finds it inside the right machine of a fleet file", async () => {
    const file = path.join(dir, "fleet.json");
    const fleet = {
      machines: [{ hostname: "a" }, { hostname: "pc-01", security: { smbv1Enabled: true } }],
    };
    await writeFile(file, JSON.stringify(fleet, null, 2));
    const [located] = locateEvidence([subject(file, { index: 1 })]);
    expect(lineOfEvidence(located)).to.equal(9);
  });

  it("leaves JSON Lines records (their source names the line), stdin and passing machines alone", () => {
    const record = subject(path.join(dir, "f.jsonl"), { line: 7 });
    const [jsonl] = locateEvidence([record]);
    expect(jsonl).to.equal(record);
    expect(jsonl?.source?.line).to.equal(7);
    const [stdin] = locateEvidence([subject("<stdin>")]);
    expect(lineOfEvidence(stdin)).to.equal(undefined);
  });

  describe("from the first read", () => {
    const machine = syntheticMachine(1, seededRandom(3), new Date("2026-11-20T12:00:00Z"));
    const failing = (): ResultRow =>
      ResultRow.of([
        {
          control: "sec-firewall-enabled",
          status: "fail",
          evidence: [{ pointer: "/security/firewall/public", actual: false, expected: "true" }],
        },
        { control: "sec-guest-account-disabled", status: "pass" },
      ]);
    const read = async (file: string, text: string) => {
      await writeFile(file, text);
      const records: MachineRecord[] = [];
      for await (const r of readMachines([file])) records.push(r);
      const [record] = records;
      if (record?.kind !== "machine") throw new Error(`${file} did not read as a machine`);
      return record;
    };

    it("marks a file on one line, and hands on no locator for it", async () => {
      const record = await read(path.join(dir, "one-line.json"), `${JSON.stringify(machine)}\n`);
      expect(record.source).to.deep.equal({ file: path.join(dir, "one-line.json"), oneLine: true });
      expect(record.locate).to.equal(undefined);
    });

    it("locates a failing field of a file on several lines while it is read, once only", async () => {
      const file = path.join(dir, "indented.json");
      const record = await read(file, JSON.stringify(machine, null, 2));
      expect(record.source).to.deep.equal({ file });
      const results = failing();
      locateFailures(results, record.locate);
      const text = JSON.stringify(machine, null, 2).split("\n");
      const line = text.findIndex((l) => l.includes('"public"')) + 1;
      expect(line).to.be.greaterThan(1);
      expect(lineOfEvidence({ ...subject(file), results })).to.equal(line);
      expect(results.at(1)).to.deep.equal({
        control: "sec-guest-account-disabled",
        status: "pass",
      });
      // Gone from disk, it is not read again: the evidence already has its line.
      await rm(file);
      const located = { ...subject(file), results };
      expect(locateEvidence([located])[0]).to.equal(located);
    });

    it("keeps, for a machine that failed something, the lines of the fields fleet controls cite", async () => {
      const file = path.join(dir, "fleet-cited.json");
      const text = JSON.stringify(machine, null, 2);
      const record = await read(file, text);
      const results = failing();
      locateFailures(results, record.locate);
      const software = machine.software === "unknown" ? [] : (machine.software ?? []);
      expect(software.length).to.be.greaterThan(2);
      // Found after every machine is read, as a fleet control's would be.
      const later: ControlResult[] = [
        {
          control: "aup-license-seats-within-owned",
          status: "fail",
          evidence: [
            { pointer: "/software/2", actual: software[2]!.name, expected: "a seat" },
            { pointer: "/hostname", actual: machine.hostname, expected: "unique" },
          ],
        },
      ];
      const lines = text.split("\n");
      const softwareAt = lines.findIndex((l) => l.startsWith('  "software"'));
      // Each entry opens with "{" at four spaces; lines count from 1.
      const entries = lines.flatMap((l, i) => (i > softwareAt && l === "    {" ? [i + 1] : []));
      // Gone from disk, the fleet evidence is still placed: nothing is read again.
      await rm(file);
      const [located] = locateEvidence([
        { ...subject(file), source: record.source, results: ResultRow.of([...results, ...later]) },
      ]);
      const fleet = located?.results.at(2);
      expect(fleet?.status === "fail" ? fleet.evidence.map((e) => e.line) : []).to.deep.equal([
        entries[2],
        lines.findIndex((l) => l.startsWith('  "hostname"')) + 1,
      ]);
    });

    it("reads the file for a field no first read kept", async () => {
      const file = path.join(dir, "not-kept.yaml");
      const text = stringify(machine);
      const record = await read(file, text);
      const results = failing();
      locateFailures(results, record.locate);
      const later: ControlResult = {
        control: "sec-guest-account-disabled",
        status: "fail",
        evidence: [{ pointer: "/os/name", actual: "x", expected: "y" }],
      };
      const line = text.split("\n").findIndex((l) => /^ {2}name:/.test(l)) + 1;
      expect(line).to.be.greaterThan(1);
      const [located] = locateEvidence([
        { ...subject(file), source: record.source, results: ResultRow.of([...results, later]) },
      ]);
      const r = located?.results.at(2);
      expect(r?.status === "fail" ? r.evidence[0]?.line : undefined).to.equal(line);
    });

    it("leaves evidence found later (fleet controls) to be read from the file", async () => {
      const file = path.join(dir, "fleet-later.yaml");
      const text = stringify(machine);
      const record = await read(file, text);
      const line = text.split("\n").findIndex((l) => /^ {4}public:/.test(l)) + 1;
      expect(line).to.be.greaterThan(1);
      expect(record.locate?.lineOf("/security/firewall/public")).to.equal(line);
      const later = { ...subject(file), results: failing() };
      expect(lineOfEvidence(locateEvidence([later])[0])).to.equal(line);
    });
  });

  it("leaves a network-device CSV row alone: its source names the row, not line 1 of the file", async () => {
    const file = path.join(dir, "devices.csv");
    await writeFile(file, "hostname,assetTag\nsw-01,MB-1\npc-01,MB-2\n");
    const row = subject(file, { line: 3 });
    expect(locateEvidence([row])[0]).to.equal(row);
  });

  it("a file that vanished since is no crash: the evidence keeps no line", () => {
    const [gone] = locateEvidence([subject(path.join(dir, "gone.yaml"))]);
    expect(lineOfEvidence(gone)).to.equal(undefined);
  });
});
