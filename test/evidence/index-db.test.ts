// The ledger's SQLite index: built, caught up, rebuilt when the ledger was rewritten or the day
// zone changed, and equal whichever way it was built. Real ledgers written with appendEntry.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openIndex, indexFile } from "../../src/evidence/index-db.js";
import { appendEntry, ledgerFiles } from "../../src/evidence/ledger.js";
import { complianceOn } from "../../src/evidence/queries/compliance.js";
import { dayOf } from "../../src/evidence/days.js";
import { InputError } from "../../src/support/errors.js";
import { buildSampleLedger, sampleDrafts } from "../fixtures/evidence-ledger.js";

/** Runs the script in a process of its own; resolves to the number it prints. */
function opener(script: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script]);
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`exit ${code}: ${err}`)),
    );
  });
}

const TABLES = [
  "entries",
  "check_days",
  "check_groups",
  "failing",
  "drills",
  "drill_systems",
  "infra_plans",
  "entry_frameworks",
];

/** Every row of every table, in key order, and the stored position. */
function dump(ledger: string, timeZone?: string): Record<string, unknown[]> {
  const index = openIndex(ledger, timeZone === undefined ? {} : { timeZone });
  try {
    return Object.fromEntries<unknown[]>([
      ...TABLES.map((t): [string, unknown[]] => [
        t,
        index.db
          .prepare(`SELECT * FROM ${t}`)
          .all()
          .map((r) => JSON.stringify(r))
          .sort(),
      ]),
      ["meta", index.db.prepare("SELECT * FROM meta ORDER BY key").all()],
    ]);
  } finally {
    index.close();
  }
}

describe("evidence index", function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-evindex-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const total = sampleDrafts().length;

  it("indexes every entry into index.sqlite beside entries.jsonl, then only new ones", () => {
    buildSampleLedger(dir, 10);
    const first = openIndex(dir);
    expect(first.report).to.deep.include({ added: 10, lastSeq: 10 });
    expect(first.report).to.not.have.property("rebuilt");
    first.close();
    expect(existsSync(indexFile(dir))).to.equal(true);

    const again = openIndex(dir);
    expect(again.report).to.deep.include({ added: 0, lastSeq: 10 });
    again.close();

    buildSampleLedger(dir, undefined, 10);
    const caughtUp = openIndex(dir);
    expect(caughtUp.report).to.deep.include({ added: total - 10, lastSeq: total });
    expect(caughtUp.report).to.not.have.property("rebuilt");
    caughtUp.close();
  });

  it("caught up entry by entry, it equals a rebuild from scratch", () => {
    const drafts = sampleDrafts().length;
    for (let from = 0; from < drafts; from += 7) {
      buildSampleLedger(dir, Math.min(from + 7, drafts), from);
      openIndex(dir).close();
    }
    const incremental = dump(dir);
    const rebuilt = openIndex(dir, { rebuild: true });
    expect(rebuilt.report).to.deep.include({ added: total, rebuilt: "asked to rebuild" });
    rebuilt.close();
    expect(dump(dir)).to.deep.equal(incremental);
    expect((incremental.entries as unknown[]).length).to.equal(total);
  });

  it("two processes catching up at once index every entry once", async () => {
    buildSampleLedger(dir, 10);
    openIndex(dir).close();
    buildSampleLedger(dir, undefined, 10);
    const script = path.join(dir, "open.mts");
    writeFileSync(
      script,
      `import { openIndex } from ${JSON.stringify(path.resolve("src/evidence/index-db.ts"))};\n` +
        `const index = openIndex(${JSON.stringify(dir)});\n` +
        "console.log(JSON.stringify(index.report.added));\nindex.close();\n",
    );
    const added = await Promise.all([opener(script), opener(script)]);
    expect(added.reduce((a, b) => a + b, 0)).to.equal(total - 10);
    const caughtUp = dump(dir);
    openIndex(dir, { rebuild: true }).close();
    expect(dump(dir)).to.deep.equal(caughtUp);
  });

  it("rebuilds and says so when the entry it last indexed was rewritten", () => {
    buildSampleLedger(dir);
    openIndex(dir).close();
    const file = ledgerFiles(dir).entries;
    // The same entries appended again at other times: every hash differs.
    writeFileSync(file, "");
    for (const { draft } of sampleDrafts())
      appendEntry(dir, draft, { now: new Date("2027-01-01T00:00:00Z") });
    const reopened = openIndex(dir);
    expect(reopened.report.rebuilt).to.match(
      new RegExp(`^the ledger was rewritten: entry ${total} is no longer the one indexed`),
    );
    expect(reopened.report.added).to.equal(total);
    reopened.close();
  });

  it("rebuilds when the ledger lost entries", () => {
    buildSampleLedger(dir);
    openIndex(dir).close();
    const file = ledgerFiles(dir).entries;
    const lines = readFileSync(file, "utf8").split("\n");
    writeFileSync(file, `${lines.slice(0, 5).join("\n")}\n`);
    const reopened = openIndex(dir);
    expect(reopened.report.rebuilt).to.match(/rewritten/);
    expect(reopened.report.lastSeq).to.equal(5);
    reopened.close();
  });

  it("leaves out a last line without its newline (an append in progress)", () => {
    buildSampleLedger(dir, 3);
    appendFileSync(ledgerFiles(dir).entries, '{"seq":4,"kind":"che');
    const index = openIndex(dir);
    expect(index.report).to.deep.include({ added: 3, lastSeq: 3 });
    index.close();
  });

  it("names the line of an entry that is not JSON or out of sequence", () => {
    buildSampleLedger(dir, 3);
    appendFileSync(ledgerFiles(dir).entries, "not json\n");
    const file = ledgerFiles(dir).entries;
    expect(() => openIndex(dir))
      .to.throw(InputError)
      .with.property("message", `${file}:4: is not JSON: run stronghold evidence verify`);
    writeFileSync(file, readFileSync(file, "utf8").split("\n").slice(1, 3).join("\n") + "\n");
    expect(() => openIndex(dir, { rebuild: true }))
      .to.throw(InputError)
      .with.property(
        "message",
        `${file}:1: has seq 2 where 1 was expected: run stronghold evidence verify`,
      );
  });

  it("refuses a folder without a ledger", () => {
    expect(() => openIndex(dir))
      .to.throw(InputError)
      .with.property("message")
      .that.matches(/entries\.jsonl: does not exist: no evidence has been recorded/);
  });

  it("counts days in the workspace's time zone, and rebuilds when the zone changes", () => {
    buildSampleLedger(dir);
    expect(dayOf("2026-06-13T02:00:00.000Z", "America/New_York")).to.equal("2026-06-12");
    openIndex(dir).close();
    const local = openIndex(dir, { timeZone: "Pacific/Pago_Pago" });
    expect(local.report.rebuilt).to.equal("days were counted in UTC, now in Pacific/Pago_Pago");
    // Checks run at 06:00 UTC, the evening before in Pago Pago (UTC−11): the UTC day without a
    // check (06-12) is local 06-11's gap.
    expect(complianceOn(local, "2026-06-12")).to.deep.include({
      day: "2026-06-12",
      zone: "Pacific/Pago_Pago",
    });
    expect(complianceOn(local, "2026-06-11").note).to.equal(
      "no check on 2026-06-11; the last check before it, of 2026-06-10, is used",
    );
    local.close();
  });
});
