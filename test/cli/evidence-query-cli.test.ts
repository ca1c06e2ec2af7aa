// End to end: `stronghold evidence query` and `reindex` through bin/stronghold.js, inside a
// workspace made by `stronghold init` (local days in its time zone) and with --ledger outside one.
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { appendEntry, ledgerFiles } from "../../src/evidence/ledger.js";
import type { DrillsAnswer } from "../../src/evidence/queries/drills.js";
import type { LastRestoreAnswer } from "../../src/evidence/queries/last-restore.js";
import type { UncoveredAnswer } from "../../src/evidence/queries/uncovered.js";
import { RUNBOOKS } from "../../runbooks/index.js";
import { loadWorkspace } from "../../src/workspace/workspace-file.js";
import { buildSampleLedger, sampleDrafts } from "../fixtures/evidence-ledger.js";
import { strongholdBin } from "../fixtures/stronghold-bin.js";

function stronghold(cwd: string, ...args: string[]) {
  return strongholdBin(args, { cwd });
}

describe("stronghold evidence query (the CLI, end to end)", function () {
  this.timeout(60_000);
  let tmp: string;
  let ws: string;
  let wsLedger: string;
  let ledger: string;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "stronghold-evq-cli-"));
    const init = await stronghold(tmp, "init", "ashford", "--time-zone", "America/New_York");
    expect(init.code, init.stderr).to.equal(0);
    ws = path.join(tmp, "ashford");
    const loaded = await loadWorkspace(
      path.join(ws, "stronghold.yaml"),
      RUNBOOKS.map((r) => r.meta.id),
    );
    if (!loaded.ok) throw new Error("the initialised workspace does not load");
    wsLedger = path.join(loaded.workspace.evidence, "ledger");
    buildSampleLedger(wsLedger);
    ledger = path.join(tmp, "ledger");
    buildSampleLedger(ledger);
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  it("inside a workspace: the workspace's ledger, in its local days", async () => {
    const r = await stronghold(ws, "evidence", "query", "compliance", "2026-06-12");
    expect(r.stderr).to.equal("");
    expect(r.code).to.equal(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 4)).to.deep.equal([
      "Fleet compliance on 2026-06-12",
      "No check on 2026-06-12; the last check before it, of 2026-06-11, is used.",
      `Score 99.2% over 6 machines (gate failed); results: 119 pass, 1 fail, 0 waived, 0 not applicable, 0 error. Evidence: ledger entry #15 ${lines[2]!.slice(-13, -1)}.`,
      "Days are local days in America/New_York.",
    ]);
    expect(r.stdout).to.include(
      "Failing controls:\ncontrol              machines\n-------------------  --------\nsec-disk-encryption  1\n",
    );
  });

  it("--ledger outside a workspace: UTC days; JSON answers as the library returns them", async () => {
    const r = await stronghold(
      tmp,
      "evidence",
      "query",
      "last-restore",
      "pd-fs-01",
      "--format",
      "json",
      "--ledger",
      "ledger",
    );
    expect(r.code, r.stderr).to.equal(0);
    const a = JSON.parse(r.stdout) as LastRestoreAnswer;
    expect(a).to.deep.include({
      question: "last-restore",
      system: "pd-fs-01",
      matchedBy: "system",
      zone: "UTC",
      failedSince: 1,
    });
    expect([a.lastVerified!.seq, a.lastVerified!.day, a.lastAttempt!.verdict]).to.deep.equal([
      14,
      "2026-06-10",
      "failed",
    ]);
  });

  it("Markdown: a heading, sentences and a pipe table", async () => {
    const r = await stronghold(
      tmp,
      "evidence",
      "query",
      "drills",
      "2026-06-01",
      "2026-06-30",
      "--format",
      "markdown",
      "--ledger",
      ledger,
    );
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 7)).to.deep.equal([
      "## Drills from 2026-06-01 to 2026-06-30",
      "",
      "4 drill(s): 3 passed, 1 did not.",
      "",
      "2026-06-17 police-fileserver failed at restore: restore failed",
      "",
      "Days are UTC days (no workspace time zone).",
    ]);
    expect(lines.slice(8, 10)).to.deep.equal([
      "| day | runbook | verdict | RTO achieved / target | RPO achieved / target | verified | systems | evidence |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]);
    expect(lines.slice(10).map((l) => l.split(" | ").slice(0, 3))).to.deep.equal([
      ["| 2026-06-03", "police-fileserver", "passed"],
      ["| 2026-06-05", "clerk-db", "passed"],
      ["| 2026-06-10", "police-fileserver", "passed"],
      ["| 2026-06-17", "police-fileserver", "failed at restore"],
    ]);
  });

  it("uncovered --days --at, failing-for", async () => {
    const u = await stronghold(
      tmp,
      "evidence",
      "query",
      "uncovered",
      "--days",
      "7",
      "--at",
      "2026-06-20",
      "--format",
      "json",
      "--ledger",
      ledger,
    );
    expect(u.code, u.stderr).to.equal(0);
    const a = JSON.parse(u.stdout) as UncoveredAnswer;
    expect([a.from, a.to, a.days]).to.deep.equal(["2026-06-14", "2026-06-20", 7]);
    expect(a.uncovered.find((s) => s.id === "11.5")?.lastEvidence).to.deep.equal({
      day: "2026-06-10",
      seq: 14,
    });
    const f = await stronghold(tmp, "evidence", "query", "failing-for", "9", "--ledger", ledger);
    expect(f.code, f.stderr).to.equal(0);
    expect(
      f.stdout.endsWith("\nsec-disk-encryption  2026-06-11  10    1         pd-ws-01\n"),
    ).to.equal(true, f.stdout);
  });

  it("reindex rebuilds from scratch; a rewritten ledger is rebuilt and said so", async () => {
    const r = await stronghold(tmp, "evidence", "reindex", "--ledger", ledger);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^indexed 25 entries \(up to seq 25\) into .*index\.sqlite in \d+ ms; days in UTC\n$/,
    );
    writeFileSync(ledgerFiles(ledger).entries, "");
    for (const { draft } of sampleDrafts().slice(0, 20)) appendEntry(ledger, draft);
    const q = await stronghold(
      tmp,
      "evidence",
      "query",
      "drills",
      "2026-06-01",
      "2026-06-30",
      "--format",
      "json",
      "--ledger",
      ledger,
    );
    expect(q.code).to.equal(0);
    expect(q.stderr).to.match(
      /^stronghold: rebuilt the evidence index \(the ledger was rewritten: entry 25 is no longer the one indexed .*\): 20 entries in \d+ ms\n$/,
    );
    expect((JSON.parse(q.stdout) as DrillsAnswer).drills.length).to.equal(3);
  });

  const refusals: [string, string[], RegExp][] = [
    [
      "an unknown question",
      ["complaince", "2026-06-20"],
      /unknown question "complaince" \(did you mean "compliance"\?\); ask one of: last-restore <system>, compliance <YYYY-MM-DD>/,
    ],
    [
      "a date that is not a date",
      ["compliance", "2026-02-30"],
      /compliance's date "2026-02-30" is not a date: write YYYY-MM-DD/,
    ],
    [
      "a system never drilled",
      ["last-restore", "pd-fs-1"],
      /"pd-fs-1" is neither a runbook nor a system any recorded drill restored \(did you mean "pd-fs-01"\?\); drilled: clerk-db, clerk-db-01, pd-fs-01, police-fileserver/,
    ],
    ["missing arguments", ["drills", "2026-06-01"], /drills takes <from> <to>, not "2026-06-01"/],
    [
      "a period backwards",
      ["drills", "2026-06-30", "2026-06-01"],
      /drills: 2026-06-01 is before 2026-06-30/,
    ],
    [
      "days that are not a number",
      ["failing-for", "ten"],
      /failing-for's days "ten" must be a whole number of days, at least 0/,
    ],
    [
      "--days on another question",
      ["compliance", "2026-06-20", "--days", "9"],
      /--days belongs to uncovered/,
    ],
    [
      "an unknown format",
      ["compliance", "2026-06-20", "--format", "xml"],
      /option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, markdown/,
    ],
  ];
  for (const [what, args, message] of refusals)
    it(`refuses ${what} with exit 2`, async () => {
      const r = await stronghold(tmp, "evidence", "query", ...args, "--ledger", ledger);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.not.match(/\n\s+at /);
      expect(r.code).to.equal(2);
    });

  it("refuses outside a workspace without --ledger, and a folder without a ledger", async () => {
    const outside = await stronghold(tmp, "evidence", "query", "failing-for", "3");
    expect(outside.code).to.equal(2);
    expect(outside.stderr).to.include(
      "no ledger: run inside a workspace (its evidence folder holds ledger/) or give --ledger <dir>",
    );
    const empty = await stronghold(tmp, "evidence", "reindex", "--ledger", "nowhere");
    expect(empty.code).to.equal(2);
    expect(empty.stderr).to.include(
      `${path.join(tmp, "nowhere", "entries.jsonl")}: does not exist`,
    );
  });
});
