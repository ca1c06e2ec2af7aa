// The evidence ledger built by six real nightly runs of the sample town (test/fixtures/evidence-town.ts):
// every stage appends its entry with the run's folder name and the run's own comes last; the
// chain verifies by recomputing every hash; every artifact is stored under its hash; the
// regression, the expiring waiver and the failed drill show in the entries of their nights.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { GENESIS, type LedgerEntry } from "../../src/evidence/entry.js";
import { entryHash, objectPath } from "../../src/evidence/ledger.js";
import type {
  CheckEntryMetrics,
  DrillEntryMetrics,
  RunEntryMetrics,
} from "../../src/evidence/metrics.js";
import { evidenceTown, type EvidenceTown } from "../fixtures/evidence-town.js";

describe("the evidence ledger of six simulated nights of the sample town", function () {
  this.timeout(900_000);
  let town: EvidenceTown;
  let entries: LedgerEntry[];
  before(async () => {
    town = await evidenceTown();
    entries = (await readFile(`${town.ledger}/entries.jsonl`, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LedgerEntry);
  });

  it("each night appends collect, check, the drill and then the run, all naming the run", () => {
    expect(entries.map((e) => `${e.run} ${e.kind}`)).to.deep.equal(
      town.nights.flatMap((n) => ["collect", "check", "drill", "run"].map((k) => `${n.run} ${k}`)),
    );
    for (const e of entries) {
      const night = town.nights.find((n) => n.run === e.run)!;
      expect(e.at, `${e.seq} ${e.kind}`).to.equal(new Date(night.at).toISOString());
    }
  });

  it("the chain verifies: seq without gaps, each prev the hash before, each hash recomputed", () => {
    let prev = GENESIS;
    entries.forEach((e, i) => {
      const { hash, ...rest } = e;
      expect(e.seq).to.equal(i + 1);
      expect(e.prev).to.equal(prev);
      expect(entryHash(rest)).to.equal(hash);
      prev = hash;
    });
  });

  it("every artifact is stored under its SHA-256 with its size", async () => {
    for (const e of entries) {
      expect(e.artifacts.length, `${e.seq} ${e.kind}`).to.be.greaterThan(0);
      for (const a of e.artifacts) {
        const bytes = await readFile(objectPath(town.ledger, a.sha256));
        expect(createHash("sha256").update(bytes).digest("hex")).to.equal(a.sha256);
        expect(bytes.length).to.equal(a.bytes);
      }
    }
    const drill = entries.find((e) => e.kind === "drill")!;
    expect(drill.artifacts.map((a) => a.name).sort()).to.deep.equal([
      "journal.jsonl",
      "junit.xml",
      "report.md",
    ]);
  });

  it("th-fin-01 fails its screen lock on nights 3 and 4 only; the waiver is listed as expiring until it expires", () => {
    for (const night of town.nights) {
      const check = entries.find((e) => e.run === night.run && e.kind === "check")!;
      const m = check.metrics as unknown as CheckEntryMetrics;
      expect(m.failingMachines[town.regression.machine]?.controls ?? [], night.day).to.have.members(
        night.regressed ? [town.regression.control] : [],
      );
      const clerk = m.failingMachines[town.waiver.machine]?.controls ?? [];
      expect(clerk.includes(town.waiver.control), night.day).to.equal(!night.waiverInForce);
      expect(
        m.waiversExpiring.some((w) => w.scope === `host ${town.waiver.machine}`),
        night.day,
      ).to.equal(night.waiverInForce);
    }
  });

  it("the drill fails on the night the repository was corrupted, with its safeguards and reason", () => {
    for (const night of town.nights) {
      const drill = entries.find((e) => e.run === night.run && e.kind === "drill")!;
      expect(drill.verdict, night.day).to.equal(night.drill);
      expect(drill.subject).to.equal(town.drill.runbook);
      expect(drill.frameworks.cis).to.include.members(["11.2", "11.3"]);
      const m = drill.metrics as unknown as DrillEntryMetrics;
      expect(m.systems).to.include.members(town.drill.systems);
      if (night.drill === "failed") expect(m.reasons!.length).to.be.greaterThan(0);
      else expect(m).to.not.have.property("failedAt");
    }
  });

  it("the run's entry has the night's stages and exit code; inputs name the machine files by hash", () => {
    for (const night of town.nights) {
      const run = entries.find((e) => e.run === night.run && e.kind === "run")!;
      const m = run.metrics as unknown as RunEntryMetrics;
      expect(m.day).to.equal(night.day);
      expect(m.exitCode).to.equal(night.exitCode);
      expect(m.stages.drills).to.equal(night.drill);
      const check = entries.find((e) => e.run === night.run && e.kind === "check")!;
      const machine = check.inputs.find(
        (i) => i.name === `machines/${town.regression.machine}.yaml`,
      );
      expect(machine, night.day).to.not.equal(undefined);
    }
    const hashOf = (run: string) =>
      entries
        .find((e) => e.run === run && e.kind === "check")!
        .inputs.find((i) => i.name === `machines/${town.regression.machine}.yaml`)!.sha256;
    const [n1, n2, n3, , n5] = town.nights;
    expect(hashOf(n2!.run)).to.equal(hashOf(n1!.run));
    expect(hashOf(n3!.run)).to.not.equal(hashOf(n2!.run));
    expect(hashOf(n5!.run)).to.equal(hashOf(n1!.run));
  });
});
