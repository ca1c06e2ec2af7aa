// The evidence queries and `evidence verify` over the ledger six real nightly runs of the sample
// town wrote (test/fixtures/evidence-town.ts, built once per test process). Every expectation is
// read from the artifacts the nights stored (each night's JSON check report, each drill's journal),
// not from constants; the questions are asked through the library and through the CLI
// (bin/stronghold.js) in all three formats. No mocks.
import { expect } from "chai";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LedgerEntry } from "../../src/evidence/entry.js";
import { openIndex, type EvidenceIndex } from "../../src/evidence/index-db.js";
import { objectPath } from "../../src/evidence/ledger.js";
import { complianceOn } from "../../src/evidence/queries/compliance.js";
import { drillsIn } from "../../src/evidence/queries/drills.js";
import { failingFor } from "../../src/evidence/queries/failing-for.js";
import { lastRestore } from "../../src/evidence/queries/last-restore.js";
import { expectedSafeguards } from "../../src/evidence/queries/safeguards.js";
import { uncovered } from "../../src/evidence/queries/uncovered.js";
import { verifyLedger } from "../../src/evidence/verify.js";
import {
  CORRUPTION_FOUND_AT,
  evidenceTown,
  type EvidenceNight,
  type EvidenceTown,
} from "../fixtures/evidence-town.js";
import { readLedgerEntries } from "../evidence/ledger-files.js";
import { strongholdBin } from "../fixtures/stronghold-bin.js";

/** The CLI's exit code and output; a non-zero exit is an answer too. */
function stronghold(cwd: string, ...args: string[]) {
  return strongholdBin(args, { cwd });
}

/** What a night's JSON check report says, the way an auditor would read it. */
interface StoredReport {
  readonly scores: { readonly fleet: { readonly score: number } };
  readonly subjects: readonly {
    readonly subject: string;
    readonly results: readonly { readonly control: string; readonly status: string }[];
  }[];
}

/** A journal line of a drill. */
interface JournalEvent {
  readonly event: string;
  readonly metrics?: {
    readonly rto?: { targetSeconds: number; achievedSeconds?: number; met?: boolean };
    readonly rpo?: { targetSeconds: number; achievedSeconds?: number; met?: boolean };
  };
}

describe("evidence queries over six real nights of the sample town", function () {
  this.timeout(900_000);
  let town: EvidenceTown;
  let entries: LedgerEntry[];
  let index: EvidenceIndex;
  const last = () => town.nights.at(-1)!;

  const entryOf = (night: EvidenceNight, kind: string) =>
    entries.find((e) => e.run === night.run && e.kind === kind)!;
  const artifact = (e: LedgerEntry, name: string) => {
    const a = e.artifacts.find((x) => x.name === name);
    if (a === undefined) throw new Error(`entry ${e.seq} (${e.kind}) stored no ${name}`);
    return readFileSync(objectPath(town.ledger, a.sha256), "utf8");
  };
  const reportOf = (night: EvidenceNight) =>
    JSON.parse(artifact(entryOf(night, "check"), "stronghold-report.json")) as StoredReport;
  /** control → the subjects failing it, from a stored report. */
  const failingIn = (report: StoredReport) => {
    const out = new Map<string, Set<string>>();
    for (const s of report.subjects)
      for (const r of s.results)
        if (r.status === "fail")
          out.set(r.control, (out.get(r.control) ?? new Set()).add(s.subject));
    return out;
  };
  const cli = (...args: string[]) =>
    stronghold(town.workspace, "evidence", "query", ...args, "--ledger", town.ledger);
  const json = async (...args: string[]) => {
    const r = await cli(...args, "--format", "json");
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  before(async () => {
    town = await evidenceTown();
    entries = readLedgerEntries(town.ledger);
    index = openIndex(town.ledger, { timeZone: "UTC" });
  });
  after(() => index?.close());

  describe("compliance <day>", () => {
    it("on the last night: the score and failing controls of the check report stored that night", async () => {
      const report = reportOf(last());
      const expected = [...failingIn(report)]
        .map(([control, subjects]) => ({ control, machines: subjects.size }))
        .sort((a, b) => b.machines - a.machines || a.control.localeCompare(b.control));
      expect(expected.length).to.be.greaterThan(0);
      const answer = complianceOn(index, last().day);
      expect(answer.day).to.equal(last().day);
      expect(answer.check!.seq).to.equal(entryOf(last(), "check").seq);
      expect(answer.check!.score).to.equal(report.scores.fleet.score);
      expect(answer.failingControls).to.deep.equal(expected);

      const viaCli = await json("compliance", last().day);
      expect(viaCli).to.deep.include({
        question: "compliance",
        asked: last().day,
        day: last().day,
      });
      expect((viaCli.check as { score: number }).score).to.equal(report.scores.fleet.score);
      expect(viaCli.failingControls).to.deep.equal(expected);
    });

    it("lists the regressed machine's control on the nights it regressed, and its departments", () => {
      const { machine, control } = town.regression;
      for (const night of town.nights) {
        const failing = failingIn(reportOf(night)).get(control) ?? new Set();
        expect(failing.has(machine), `${night.day} report`).to.equal(night.regressed);
        const answer = complianceOn(index, night.day);
        expect(answer.check!.seq, night.day).to.equal(entryOf(night, "check").seq);
        const row = answer.failingControls.find((c) => c.control === control);
        expect(row?.machines ?? 0, night.day).to.equal(failing.size);
        expect(
          index.db
            .prepare("SELECT machine FROM failing WHERE seq = ? AND control = ?")
            .pluck()
            .all(answer.check!.seq, control),
          night.day,
        ).to.have.members([...failing]);
        expect(answer.byDepartment.map((g) => g.name)).to.include("finance");
      }
      const [, , n3, , n5] = town.nights;
      const finance = (day: string) =>
        complianceOn(index, day).byDepartment.find((g) => g.name === "finance")!;
      expect(finance(n3!.day).failures).to.be.greaterThan(finance(n5!.day).failures);
    });

    it("a day after the last night answers with the last night's check and says so", () => {
      const answer = complianceOn(index, "2026-07-02");
      expect(answer.day).to.equal(last().day);
      expect(answer.note).to.equal(
        `no check on 2026-07-02; the last check before it, of ${last().day}, is used`,
      );
      expect(complianceOn(index, "2026-06-24").check).to.equal(undefined);
    });
  });

  it("failing-for: each control's streak is the run of nights its stored reports show it failing", async () => {
    const reports = town.nights.map((n) => failingIn(reportOf(n)));
    const now = reports.at(-1)!;
    const expected = [...now]
      .map(([control, machines]) => {
        let first = town.nights.length - 1;
        while (first > 0 && reports[first - 1]!.has(control)) first--;
        return {
          control,
          since: town.nights[first]!.day,
          days: town.nights.length - first,
          machines: [...machines].sort(),
        };
      })
      .sort((a, b) => b.days - a.days || a.control.localeCompare(b.control));
    expect(failingFor(index, 0).controls).to.deep.equal(expected);
    // The screen lock fails all week (the drill lab's two hosts have none); th-fin-01 joins it on
    // nights 3–4, th-clerk-03 once its waiver expired, and the run stays unbroken.
    const lock = expected.find((c) => c.control === town.regression.control)!;
    expect(lock.since).to.equal(town.nights[0]!.day);
    expect(lock.machines).to.include(town.waiver.machine);
    expect(lock.machines).to.not.include(town.regression.machine);
    for (const n of [0, 3, 4, 6]) {
      const viaCli = await json("failing-for", String(n));
      expect(viaCli.controls, `failing-for ${n}`).to.deep.equal(expected.filter((c) => c.days > n));
    }
  });

  it("drills <from> <to>: every night's drill, the failed one on night 4 with its reason", async () => {
    const first = town.nights[0]!.day;
    const answer = drillsIn(index, first, last().day);
    expect(answer.drills.map((d) => `${d.day} ${d.runbook} ${d.verdict}`)).to.deep.equal(
      town.nights.map((n) => `${n.day} ${town.drill.runbook} ${n.drill}`),
    );
    expect(answer.passed).to.equal(town.nights.filter((n) => n.drill === "passed").length);
    expect(answer.failed).to.equal(1);
    const failed = answer.drills.find((d) => d.verdict === "failed")!;
    const recorded = entryOf(town.nights[3]!, "drill").metrics as {
      failedAt: string;
      reasons: string[];
    };
    expect(CORRUPTION_FOUND_AT).to.include(recorded.failedAt);
    expect(failed.failedAt).to.equal(recorded.failedAt);
    expect(failed.reasons).to.deep.equal(recorded.reasons);
    if (recorded.failedAt === "check-repository")
      expect(failed.reasons.join(" ")).to.match(/restic check .* found errors in the repository/);

    const viaCli = await json("drills", first, last().day);
    expect(viaCli.drills).to.deep.equal(JSON.parse(JSON.stringify(answer.drills)));
    const table = await cli("drills", first, last().day);
    expect(table.stdout).to.include(`failed at ${recorded.failedAt}`);
    expect(table.stdout).to.include(recorded.reasons[0]);
  });

  it("last-restore <system>: the last PASSING drill, with the RPO its journal measured", async () => {
    const answer = lastRestore(index, town.drill.systems[0]!);
    const lastPassed = [...town.nights].reverse().find((n) => n.drill === "passed")!;
    const drill = entryOf(lastPassed, "drill");
    expect(answer.matchedBy).to.equal("system");
    expect(answer.lastVerified!.seq).to.equal(drill.seq);
    expect(answer.lastVerified!.day).to.not.equal(town.nights[3]!.day);
    expect(answer.failedSince).to.equal(0);
    const end = artifact(drill, "journal.jsonl")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JournalEvent)
      .find((e) => e.event === "run-end")!;
    const { rto, rpo } = end.metrics!;
    expect(rpo).to.not.equal(undefined);
    expect(answer.lastVerified!.rpo).to.deep.equal({
      targetSeconds: rpo!.targetSeconds,
      achievedSeconds: rpo!.achievedSeconds,
      met: rpo!.met,
    });
    expect(answer.lastVerified!.rto).to.deep.equal(
      rto === undefined
        ? undefined
        : { targetSeconds: rto.targetSeconds, achievedSeconds: rto.achievedSeconds, met: rto.met },
    );
    // By runbook too, and through the CLI.
    expect(lastRestore(index, town.drill.runbook).lastVerified!.seq).to.equal(drill.seq);
    const viaCli = await json("last-restore", town.drill.systems[0]!);
    expect((viaCli.lastVerified as { seq: number }).seq).to.equal(drill.seq);
    const unknown = await cli("last-restore", "fs02");
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/"fs02" is neither a runbook nor a system .* fs01/);
    expect(unknown.stderr).to.not.match(/\n\s+at /);
  });

  it("last-restore as of the failed night: the drill before it, and the failure after it", () => {
    // The index of a copy of the ledger cut after night 4's entries.
    const n4 = town.nights[3]!;
    const copy = mkdtempSync(path.join(tmpdir(), "evidence-town-cut-"));
    try {
      const cut = entries.filter((e) => e.run! <= n4.run);
      writeFileSync(
        path.join(copy, "entries.jsonl"),
        cut.map((e) => `${JSON.stringify(e)}\n`).join(""),
      );
      cpSync(path.join(town.ledger, "objects"), path.join(copy, "objects"), { recursive: true });
      const cutIndex = openIndex(copy, { timeZone: "UTC" });
      try {
        const answer = lastRestore(cutIndex, town.drill.systems[0]!);
        expect(answer.lastVerified!.seq).to.equal(entryOf(town.nights[2]!, "drill").seq);
        expect(answer.lastAttempt!.seq).to.equal(entryOf(n4, "drill").seq);
        expect(answer.lastAttempt!.verdict).to.equal("failed");
        expect(answer.failedSince).to.equal(1);
      } finally {
        cutIndex.close();
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("uncovered --days 90: every expected safeguard the nights did not evidence, and only those", async () => {
    const evidenced = new Set(
      entries
        .filter((e) => (e.kind === "check" && e.verdict !== "error") || e.verdict === "passed")
        .flatMap((e) => [
          ...e.frameworks.cis.map((id) => `cis ${id}`),
          ...e.frameworks.csf.map((id) => `csf ${id}`),
        ]),
    );
    const expected = expectedSafeguards()
      .filter((s) => !evidenced.has(`${s.framework} ${s.id}`))
      .map((s) => `${s.framework} ${s.id}`);
    expect(expected.length).to.be.greaterThan(0);
    const answer = uncovered(index, expectedSafeguards(), 90, last().day);
    const ids = answer.uncovered.map((u) => `${u.framework} ${u.id}`);
    expect(ids).to.deep.equal(expected);
    // Restore tests are evidenced by the passing drills, the screen lock's safeguard by the checks.
    const drill = entryOf(last(), "drill");
    for (const id of drill.frameworks.cis) expect(ids).to.not.include(`cis ${id}`);
    for (const id of drill.frameworks.csf) expect(ids).to.not.include(`csf ${id}`);
    for (const id of entryOf(last(), "check").frameworks.cis)
      expect(ids).to.not.include(`cis ${id}`);
    expect(ids).to.not.include("cis 11.5");

    const viaCli = await json("uncovered", "--days", "90", "--at", last().day);
    expect(viaCli).to.deep.include({ from: "2026-04-02", to: last().day, days: 90 });
    expect(
      (viaCli.uncovered as { framework: string; id: string }[]).map(
        (u) => `${u.framework} ${u.id}`,
      ),
    ).to.deep.equal(expected);
  });

  const questions: { name: string; args: string[]; heading: RegExp; columns: string[] }[] = [
    {
      name: "compliance",
      args: ["compliance", "2026-06-30"],
      heading: /Fleet compliance on 2026-06-30/,
      columns: ["control", "machines"],
    },
    {
      name: "failing-for",
      args: ["failing-for", "2"],
      heading: /Controls failing for more than 2 days/,
      columns: ["control", "since", "days", "machines", "failing on"],
    },
    {
      name: "drills",
      args: ["drills", "2026-06-25", "2026-06-30"],
      heading: /Drills from 2026-06-25 to 2026-06-30/,
      columns: ["day", "runbook", "verdict"],
    },
    {
      name: "last-restore",
      args: ["last-restore", "fs01"],
      heading: /Last verified restore of fs01 \(system\)/,
      columns: ["day", "runbook", "verdict"],
    },
    {
      name: "uncovered",
      args: ["uncovered", "--days", "90", "--at", "2026-06-30"],
      heading: /Safeguards with no evidence in the last 90 days/,
      columns: ["framework", "safeguard", "title", "last evidence"],
    },
  ];
  for (const q of questions)
    it(`${q.name}: JSON, Markdown and table all parse`, async () => {
      const asJson = await cli(...q.args, "--format", "json");
      expect(asJson.code, asJson.stderr).to.equal(0);
      expect((JSON.parse(asJson.stdout) as { question: string }).question).to.equal(q.name);

      const md = await cli(...q.args, "--format", "markdown");
      expect(md.code, md.stderr).to.equal(0);
      expect(md.stdout).to.match(new RegExp(`^#+ ${q.heading.source}`, "m"));
      const lines = md.stdout.split("\n");
      const header = lines.findIndex((l) =>
        q.columns.every(
          (c) =>
            l.startsWith("| ") &&
            l
              .split(" | ")
              .map((x) => x.replace(/^\| |\s*\|$/g, ""))
              .includes(c),
        ),
      );
      expect(header, md.stdout).to.be.greaterThan(-1);
      expect(lines[header + 1]).to.match(/^\|( ?:?-+:? ?\|)+$/);
      const width = lines[header]!.split(/(?<!\\)\|/).length;
      for (let i = header + 2; i < lines.length && lines[i]!.startsWith("|"); i++)
        expect(lines[i]!.split(/(?<!\\)\|/).length, lines[i]).to.equal(width);

      const table = await cli(...q.args);
      expect(table.code, table.stderr).to.equal(0);
      expect(table.stdout).to.match(q.heading);
      const tlines = table.stdout.split("\n");
      const th = tlines.findIndex(
        (l) => l.startsWith(q.columns[0]!) && q.columns.every((c) => l.includes(c)),
      );
      expect(th, table.stdout).to.be.greaterThan(-1);
      expect(tlines[th + 1]).to.match(/^-+( +-+)*$/);
    });
});

describe("evidence verify over six real nights of the sample town", function () {
  this.timeout(900_000);
  let town: EvidenceTown;
  before(async () => {
    town = await evidenceTown();
  });

  it("--full rehashes every artifact and finds the ledger intact", async () => {
    const entries = readLedgerEntries(town.ledger);
    const result = verifyLedger(town.ledger, { full: true, keepCheckpoint: true });
    expect(result.break).to.equal(undefined);
    expect(result.entries).to.equal(entries.length);
    expect(result.artifacts).to.equal(entries.reduce((n, e) => n + e.artifacts.length, 0));
    const r = await stronghold(
      town.workspace,
      "evidence",
      "verify",
      "--full",
      "--ledger",
      town.ledger,
    );
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      new RegExp(`intact: ${entries.length} entries, last seq ${entries.length}`),
    );
  });

  it("a tampered check report in a copy of the ledger is named by verify", async () => {
    const copy = mkdtempSync(path.join(tmpdir(), "evidence-town-tampered-"));
    try {
      cpSync(town.ledger, copy, { recursive: true });
      const entries = readLedgerEntries(copy);
      const n5 = town.nights[4]!;
      const check = entries.find((e) => e.run === n5.run && e.kind === "check")!;
      const report = check.artifacts.find((a) => a.name === "stronghold-report.json")!;
      const file = objectPath(copy, report.sha256);
      // The same number of bytes, so only the hash can tell: th-fin-01 "passes" on a failing night.
      const text = readFileSync(file, "utf8");
      const edited = text.replace('"status":"fail"', '"status":"pass"');
      expect(edited).to.not.equal(text);
      writeFileSync(file, edited);
      const r = await stronghold(town.workspace, "evidence", "verify", "--full", "--ledger", copy);
      expect(r.code).to.equal(1);
      const line = entries.indexOf(check) + 1;
      expect(r.stdout).to.include(
        `BROKEN: line ${line} (seq ${check.seq}): artifact stronghold-report.json was tampered with: expected sha256 ${report.sha256}`,
      );
      // The original is untouched.
      expect(verifyLedger(town.ledger, { full: true, keepCheckpoint: true }).break).to.equal(
        undefined,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
