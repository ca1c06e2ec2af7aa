/**
 * The evidence a run leaves: secrets redacted everywhere, command output truncated, the report's
 * and JUnit XML's contents, the metrics, and the history with its trend.
 */
import { expect } from "chai";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "../../src/support/secret.js";
import { defineRunbook, type RunbookMeta } from "../../src/drill/runbook/runbook.js";
import { StepFailure } from "../../src/drill/runbook/failures.js";
import { computeMetrics } from "../../src/drill/results/metrics.js";
import { readHistory, renderHistoryTable, trendCell } from "../../src/drill/results/history.js";
import { OUTPUT_LIMIT } from "../../src/drill/results/journal.js";
import type { StepRecord } from "../../src/drill/results/run-record.js";
import { NO_RETRY } from "../../src/drill/runbook/runbook.js";
import { plainProgress, renderSummary } from "../../src/drill/running/progress.js";
import { inventoryOf, journalOf, localHost, runPlanned, scratchArea } from "./engine-helpers.js";

const PASSWORD = "Tr0ub4dor&3-horse staple";
const CLOUD_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

function meta(id: string, usesRepository = false): RunbookMeta<"share"> {
  return {
    id,
    title: id,
    scenario: "evidence test",
    proves: [],
    rtoMinutes: 10,
    rpoMinutes: 60,
    usesRepository,
    targets: { share: { role: "file-server", destructive: true, purpose: "share" } },
  };
}

describe("drill engine: evidence", function () {
  this.timeout(20_000);
  let area: Awaited<ReturnType<typeof scratchArea>>;
  let runs: string;
  before(async () => {
    area = await scratchArea();
    runs = await mkdtemp(join(tmpdir(), "stronghold-evidence-"));
  });
  after(async () => {
    await rm(area.root, { recursive: true, force: true });
    await rm(runs, { recursive: true, force: true });
  });
  const inventory = () =>
    inventoryOf(localHost("fs01", ["file-server"], { target: true, sandbox: [area.sandbox] }));

  it("never writes a secret into the journal, the report, the JUnit XML or the console", async () => {
    const runbook = defineRunbook(meta("leaky"), () => ({ ok: true as const, value: {} }))
      .preflight("echo-secrets", {
        kind: "check",
        summary: "prints the secrets",
        timeoutMs: 5_000,
        run: async (ctx) => {
          const out = await ctx
            .host("share")
            .run([
              "sh",
              "-c",
              `echo "password=$1 key=$2" >&2; echo "$1"`,
              "leak",
              PASSWORD,
              CLOUD_KEY,
            ]);
          ctx.note(`the tool said ${out.trim()}`);
          ctx.warn(`key ${CLOUD_KEY} printed`);
          return { echoed: out.trim(), url: "rest:https://drill:hunter2@backup.example:8000/" };
        },
      })
      .verify("fail-with-secret", {
        kind: "verify",
        summary: "fails, quoting the secret",
        timeoutMs: 5_000,
        run: () => {
          throw new StepFailure(`could not open with ${PASSWORD}`, [`key was ${CLOUD_KEY}`]);
        },
      })
      .build();
    const dir = join(runs, "leaky");
    let printed = "";
    const run = await runPlanned(runbook, inventory(), dir, {
      observer: plainProgress((chunk) => (printed += chunk)),
      password: new Secret(PASSWORD),
      env: { AWS_SECRET_ACCESS_KEY: new Secret(CLOUD_KEY), AWS_DEFAULT_REGION: "eu-central-1" },
    });
    expect(run.verdict.status).to.equal("failed");
    const texts: [string, string][] = [
      ["console", printed + renderSummary(run)],
      ...(await Promise.all(
        ["journal.jsonl", "report.md", "junit.xml"].map(async (file): Promise<[string, string]> => [
          file,
          await readFile(join(dir, file), "utf8"),
        ]),
      )),
    ];
    for (const [file, text] of texts) {
      // Fragments, so an escaped form of a secret (&amp; in Markdown or XML) is caught too.
      for (const fragment of ["Tr0ub4dor", "horse staple", "wJalrXUtnFEMI", "hunter2"])
        expect(text, file).not.to.include(fragment);
      expect(text, file).to.match(/\\?\[redacted\\?\]/);
    }
    const journal = await journalOf(dir);
    const command = journal.find((l) => l.event === "command") as {
      command: string;
      stderr: string;
    };
    expect(command.command).to.include("[redacted]");
    expect(command.stderr).to.equal("password=[redacted] key=[redacted]\n");
  });

  it("truncates long command output in the journal and says how much was left out", async () => {
    const runbook = defineRunbook(meta("chatty"), () => ({ ok: true as const, value: {} }))
      .preflight("chatter", {
        kind: "check",
        summary: "prints a lot",
        timeoutMs: 5_000,
        run: async (ctx) =>
          (await ctx.host("share").run(["head", "-c", "10000", "/dev/zero"])).length,
      })
      .build();
    const dir = join(runs, "chatty");
    await runPlanned(runbook, inventory(), dir);
    const command = (await journalOf(dir)).find((l) => l.event === "command") as { stdout: string };
    expect(command.stdout.length).to.be.below(OUTPUT_LIMIT + 50);
    expect(command.stdout).to.match(/… \[5904 more characters\]$/);
  });

  it("refuses to write into a folder that already holds a journal", async () => {
    const dir = join(runs, "taken");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "journal.jsonl"), "");
    const runbook = defineRunbook(meta("taken"), () => ({ ok: true as const, value: {} }))
      .preflight("x", { kind: "check", summary: "x", timeoutMs: 1000, run: () => ({}) })
      .build();
    let message = "";
    try {
      await runPlanned(runbook, inventory(), dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.equal(`${dir} already holds a drill journal: choose a new report folder`);
  });

  describe("metrics", () => {
    const passed = (phase: StepRecord["phase"], endedAt: string): StepRecord => ({
      phase,
      name: `${phase}-step`,
      kind: "verify",
      summary: "",
      timeoutMs: 1,
      retry: NO_RETRY,
      touches: [],
      outcome: {
        status: "passed",
        attempts: 1,
        startedAt: endedAt,
        endedAt,
        durationMs: 0,
        warnings: [],
      },
    });
    const base = {
      runStartedAt: new Date("2026-05-01T10:00:00Z"),
      rtoMinutes: 10,
      rpoMinutes: 60,
      measuresRpo: true,
    };

    it("RTO runs from the disaster to the last verify step; RPO from the snapshot to the disaster", () => {
      const m = computeMetrics({
        ...base,
        firstInjectAt: new Date("2026-05-01T10:01:00Z"),
        facts: [
          {
            kind: "recovery-point",
            snapshot: { id: "abc", time: new Date("2026-05-01T09:00:00Z") },
          },
          { kind: "restored", files: 10, bytes: 1000, seconds: 4 },
          { kind: "verified", files: 10, bytes: 1000 },
        ],
        steps: [
          passed("inject", "2026-05-01T10:01:01Z"),
          passed("verify", "2026-05-01T10:05:00Z"),
          passed("verify", "2026-05-01T10:12:00Z"),
        ],
      });
      expect(m.rto).to.deep.include({ achievedSeconds: 660, targetSeconds: 600, met: false });
      expect(m.rpo).to.deep.include({ achievedSeconds: 3660, targetSeconds: 3600, met: false });
      expect(m.restored.bytesPerSecond).to.equal(250);
      expect(m.verified).to.deep.equal({ files: 10, bytes: 1000 });
    });

    it("a recorded disaster time wins over the start of the inject step", () => {
      const m = computeMetrics({
        ...base,
        firstInjectAt: new Date("2026-05-01T10:01:00Z"),
        facts: [
          { kind: "disaster", at: new Date("2026-05-01T10:02:00Z") },
          {
            kind: "recovery-point",
            snapshot: { id: "abc", time: new Date("2026-05-01T10:00:00Z") },
          },
        ],
        steps: [passed("inject", "2026-05-01T10:02:00Z"), passed("verify", "2026-05-01T10:03:00Z")],
      });
      expect(m.rto?.achievedSeconds).to.equal(60);
      expect(m.rpo?.achievedSeconds).to.equal(120);
    });

    it("an infection before the detection (dwell time): the RPO runs from the infection's start, the RTO from the detection", () => {
      const m = computeMetrics({
        ...base,
        rpoMinutes: 24 * 60,
        firstInjectAt: new Date("2026-05-01T10:01:00Z"),
        facts: [
          { kind: "disaster", at: new Date("2026-05-01T10:02:00Z") },
          { kind: "infection", startedAt: new Date("2026-04-26T10:02:00Z") },
          {
            kind: "recovery-point",
            snapshot: { id: "abc", time: new Date("2026-04-26T02:00:00Z") },
          },
        ],
        steps: [passed("inject", "2026-05-01T10:02:00Z"), passed("verify", "2026-05-01T10:05:00Z")],
      });
      expect(m.rto?.achievedSeconds).to.equal(180);
      expect(m.rpo).to.deep.include({ achievedSeconds: 8 * 3600 + 120, met: true });
      expect(m.rpo?.basis).to.equal(
        "infection start − time of the last snapshot before it, restored",
      );
      expect(m.infectionStartedAt).to.equal("2026-04-26T10:02:00.000Z");
      expect(m.disasterAt).to.equal("2026-05-01T10:02:00.000Z");
    });

    it("without a disaster there is no RTO, and the RPO is the age of the snapshot at the start", () => {
      const m = computeMetrics({
        ...base,
        facts: [
          {
            kind: "recovery-point",
            snapshot: { id: "abc", time: new Date("2026-05-01T08:00:00Z") },
          },
        ],
        steps: [passed("verify", "2026-05-01T10:03:00Z")],
      });
      expect(m.rto).to.equal(undefined);
      expect(m.rpo).to.deep.include({ achievedSeconds: 7200, met: false });
      expect(m.rpo?.basis).to.equal("drill start − time of the newest snapshot");
    });

    it("a failed verify step leaves the RTO unmeasured", () => {
      const failedVerify: StepRecord = {
        ...passed("verify", "2026-05-01T10:03:00Z"),
        outcome: {
          status: "failed",
          attempts: 1,
          startedAt: "",
          endedAt: "",
          durationMs: 0,
          warnings: [],
          error: "x",
          details: [],
        },
      };
      const m = computeMetrics({
        ...base,
        firstInjectAt: new Date("2026-05-01T10:01:00Z"),
        facts: [],
        steps: [passed("inject", "2026-05-01T10:01:00Z"), failedVerify],
      });
      expect(m.rto).to.deep.equal({
        targetSeconds: 600,
        basis: "not measured: the recovery was not verified",
      });
      expect(m.rpo?.achievedSeconds).to.equal(undefined);
    });
  });

  describe("history", () => {
    it("lists runs oldest first with RTO/RPO and the change since the previous run of the same runbook", async () => {
      const dir = join(runs, "history");
      const delays = [50, 250];
      for (const [i, delay] of delays.entries()) {
        const runbook = defineRunbook(meta("trend"), () => ({ ok: true as const, value: {} }))
          .inject("break", { kind: "inject", summary: "x", timeoutMs: 5000, run: () => ({}) })
          .verify("prove", {
            kind: "verify",
            summary: "x",
            timeoutMs: 5000,
            run: async () => {
              await new Promise((r) => setTimeout(r, delay));
              return {};
            },
          })
          .build();
        await runPlanned(runbook, inventory(), join(dir, `2026-0${i + 1}-trend`));
      }
      // A run killed before its end, and a journal that is not one.
      await mkdir(join(dir, "2026-03-killed"), { recursive: true });
      await writeFile(
        join(dir, "2026-03-killed", "journal.jsonl"),
        `${JSON.stringify({ seq: 1, at: "2030-01-01T00:00:00.000Z", event: "run-start", runId: "killed", runbook: { id: "trend" } })}\n{"seq":2,"at":"2030-`,
      );
      await mkdir(join(dir, "2026-04-junk"), { recursive: true });
      await writeFile(join(dir, "2026-04-junk", "journal.jsonl"), "not json\n{}\n{}\n");

      const history = readHistory(dir);
      expect(history.entries.map((e) => [e.runbook, e.status])).to.deep.equal([
        ["trend", "passed"],
        ["trend", "passed"],
        ["trend", "incomplete"],
      ]);
      const [first, second] = history.entries;
      expect(first?.trend).to.equal(undefined);
      expect(second?.trend?.previousRunId).to.equal(first?.runId);
      expect(second?.trend?.rtoDeltaSeconds).to.be.greaterThan(0.1);
      expect(history.problems).to.deep.equal([
        `${join(dir, "2026-04-junk", "journal.jsonl")}:1: not a JSON line`,
      ]);
      const table = renderHistoryTable(history);
      expect(table.split("\n")[0]).to.match(/^Started\s+Runbook\s+Verdict\s+RTO \/ target\s+ΔRTO/);
      expect(table).to.include("incomplete");
      expect(table).to.match(/trend: RTO .* over 2 runs \(slower\)/);
      expect(readHistory(dir, "other").entries).to.deep.equal([]);
    });

    it("shows a change with its sign", () => {
      expect(trendCell(undefined)).to.equal("");
      expect(trendCell(0.01)).to.equal("=");
      expect(trendCell(2.5)).to.equal("+2.5 s");
      expect(trendCell(-90)).to.equal("−1 min 30 s");
    });
  });
});
