/**
 * The runbook engine with small synthetic runbooks on the local transport: phase order and data
 * flow, retries, timeouts, cleanup after failures, timeouts and interrupts, lost hosts.
 */
import { expect } from "chai";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { existsSync, readFileSync } from "node:fs";
import { defineRunbook, type RunbookMeta } from "../../src/drill/runbook/runbook.js";
import { StepFailure } from "../../src/drill/runbook/failures.js";
import { Interrupts } from "../../src/drill/running/interrupts.js";
import { TransportError } from "../../src/hosts/transport/session.js";
import {
  inventoryOf,
  journalOf,
  localHost,
  runPlanned,
  scratchArea,
  sleep,
  statuses,
} from "./engine-helpers.js";

function meta(id: string): RunbookMeta<"share"> {
  return {
    id,
    title: `synthetic ${id}`,
    scenario: "a synthetic runbook for engine tests",
    proves: ["the engine works"],
    rtoMinutes: 10,
    rpoMinutes: 10,
    usesRepository: false,
    targets: { share: { role: "file-server", destructive: true, purpose: "test share" } },
  };
}

const noSettings = () => ({ ok: true as const, value: {} });
const STEP = { summary: "a step", timeoutMs: 5_000 } as const;

describe("drill engine: running steps", function () {
  this.timeout(30_000);
  let area: Awaited<ReturnType<typeof scratchArea>>;
  let runs: string;
  let n = 0;
  const inventory = () =>
    inventoryOf(localHost("fs01", ["file-server"], { target: true, sandbox: [area.sandbox] }));
  const evidence = () => join(runs, `run-${++n}`);

  beforeEach(async () => {
    area = await scratchArea();
    runs = await mkdtemp(join(tmpdir(), "stronghold-engine-runs-"));
  });
  afterEach(async () => {
    await rm(area.root, { recursive: true, force: true });
    await rm(runs, { recursive: true, force: true });
  });

  it("runs the phases in order, each step seeing the outputs before it", async () => {
    const order: string[] = [];
    const runbook = defineRunbook(meta("order"), noSettings)
      .preflight("count", {
        ...STEP,
        kind: "check",
        run: () => {
          order.push("preflight");
          return { files: 2 };
        },
      })
      .inject("break", {
        ...STEP,
        kind: "inject",
        run: (ctx) => {
          order.push("inject");
          return { broken: ctx.data.count.files - 1 };
        },
      })
      .recover("mend", {
        ...STEP,
        kind: "restore",
        run: (ctx) => {
          order.push("recover");
          return { mended: ctx.data.break.broken };
        },
      })
      .verify("prove", {
        ...STEP,
        kind: "verify",
        run: (ctx) => {
          order.push("verify");
          return { total: ctx.data.count.files + ctx.data.mend.mended };
        },
      })
      .cleanup("tidy", {
        ...STEP,
        run: (ctx) => {
          order.push(`cleanup saw ${ctx.data.prove?.total ?? "nothing"}`);
        },
      })
      .build();
    const dir = evidence();
    // recover: false, as a caller may pass it, is an ordinary run.
    const run = await runPlanned(runbook, inventory(), dir, { recover: false });
    expect(order).to.deep.equal(["preflight", "inject", "recover", "verify", "cleanup saw 3"]);
    expect(run.verdict).to.deep.equal({ status: "passed" });
    expect(run.metrics.rto?.met).to.equal(true);
    expect(run.metrics.rto?.achievedSeconds).to.be.a("number");
    const journal = await journalOf(dir);
    expect(journal[0]?.event).to.equal("run-start");
    expect(journal.at(-1)?.event).to.equal("run-end");
    const ends = journal
      .filter((l) => l.event === "step-end")
      .map((l) => (l as { step: string }).step);
    expect(ends).to.deep.equal(["count", "break", "mend", "prove", "tidy"]);
    expect(journal.map((l) => l.seq)).to.deep.equal(journal.map((_, i) => i + 1));
  });

  it("retries a retryable failure with backoff and gives up on a verdict at once", async () => {
    let tries = 0;
    let verdicts = 0;
    const runbook = defineRunbook(meta("retry"), noSettings)
      .preflight("flaky", {
        ...STEP,
        kind: "check",
        retry: { attempts: 3, backoffMs: 20, factor: 2 },
        run: () => {
          tries += 1;
          if (tries < 3) throw new StepFailure(`connection dropped (try ${tries})`, [], true);
          return { tries };
        },
      })
      .verify("strict", {
        ...STEP,
        kind: "verify",
        retry: { attempts: 3, backoffMs: 20 },
        run: () => {
          verdicts += 1;
          throw new StepFailure("file differs", ["altered: a.txt"]);
        },
      })
      .build();
    const dir = evidence();
    const run = await runPlanned(runbook, inventory(), dir);
    expect(tries).to.equal(3);
    expect(verdicts).to.equal(1);
    const flaky = run.steps.find((s) => s.name === "flaky")?.outcome;
    expect(flaky).to.include({ status: "passed", attempts: 3 });
    const journal = await journalOf(dir);
    const retries = journal.filter((l) => l.event === "attempt-failed");
    expect(retries.map((r) => (r as { retryInMs: number }).retryInMs)).to.deep.equal([20, 40]);
    expect(run.verdict).to.deep.include({ status: "failed", failedAt: "strict" });
  });

  it("stops a step at its timeout, kills its command, skips the rest and still cleans up", async () => {
    let cleaned = false;
    const runbook = defineRunbook(meta("timeout"), noSettings)
      .preflight("slow", {
        kind: "check",
        summary: "runs too long",
        timeoutMs: 300,
        run: async (ctx) => {
          await ctx.host("share").exec(["sleep", "10"]);
          return {};
        },
      })
      .verify("never", { ...STEP, kind: "verify", run: () => ({}) })
      .cleanup("tidy", {
        ...STEP,
        run: () => {
          cleaned = true;
        },
      })
      .build();
    const started = Date.now();
    const run = await runPlanned(runbook, inventory(), evidence());
    expect(Date.now() - started).to.be.below(5_000);
    expect(statuses(run)).to.deep.equal({ slow: "timed-out", never: "skipped", tidy: "passed" });
    expect(cleaned).to.equal(true);
    expect(run.verdict).to.deep.include({ status: "failed", failedAt: "slow" });
  });

  it("times out a step that waits without a command, and retries a timeout when allowed", async () => {
    let attempts = 0;
    const runbook = defineRunbook(meta("timeout-retry"), noSettings)
      .preflight("stuck", {
        kind: "check",
        summary: "waits for an event that never comes",
        timeoutMs: 150,
        retry: { attempts: 2, backoffMs: 10 },
        run: async (ctx) => {
          attempts += 1;
          await sleep(20_000, ctx.signal);
          return {};
        },
      })
      .build();
    const run = await runPlanned(runbook, inventory(), evidence());
    expect(attempts).to.equal(2);
    expect(run.steps[0]?.outcome).to.include({ status: "timed-out", attempts: 2 });
  });

  it("runs cleanup after a failure and names the failing step in the report and JUnit XML", async () => {
    const runbook = defineRunbook(meta("fail"), noSettings)
      .preflight("fine", { ...STEP, kind: "check", run: () => ({}) })
      .inject("break", { ...STEP, kind: "inject", run: () => ({}) })
      .recover("restore-share", {
        ...STEP,
        kind: "restore",
        run: () => {
          throw new StepFailure("restore failed: ciphertext verification failed", ["pack 1a2b"]);
        },
      })
      .verify("compare", { ...STEP, kind: "verify", run: () => ({}) })
      .cleanup("tidy", { ...STEP, run: () => undefined })
      .build();
    const dir = evidence();
    const run = await runPlanned(runbook, inventory(), dir);
    expect(statuses(run)).to.deep.equal({
      fine: "passed",
      break: "passed",
      "restore-share": "failed",
      compare: "skipped",
      tidy: "passed",
    });
    expect(run.verdict).to.deep.include({ status: "failed", failedAt: "restore-share" });
    expect(run.metrics.rto?.achievedSeconds).to.equal(undefined);

    const report = await readFile(join(dir, "report.md"), "utf8");
    expect(report).to.include("❌ **Drill failed** — failing step: `restore-share`");
    expect(report).to.include("### `restore-share` failed");
    expect(report).to.include("- pack 1a2b");
    expect(report).to.include("| RTO | 10 min 00 s | — | not measured |");

    const xml = new XMLParser({ ignoreAttributes: false }).parse(
      await readFile(join(dir, "junit.xml"), "utf8"),
    ) as {
      testsuites: {
        testsuite: {
          "@_name": string;
          "@_failures": string;
          testcase: Record<string, unknown>[];
        }[];
      };
    };
    const [steps, objectives] = xml.testsuites.testsuite;
    expect(steps?.["@_name"]).to.equal("drill.fail");
    expect(steps?.testcase.map((c) => c["@_name"])).to.deep.equal([
      "fine",
      "break",
      "restore-share",
      "compare",
      "tidy",
    ]);
    expect(steps?.["@_failures"]).to.equal("1");
    const failed = steps?.testcase[2] as {
      failure: { "@_message": string; "@_type": string; "#text": string };
    };
    expect(failed.failure["@_type"]).to.equal("failed");
    expect(failed.failure["@_message"]).to.equal("restore failed: ciphertext verification failed");
    expect(failed.failure["#text"]).to.include("pack 1a2b");
    expect(steps?.testcase[3]).to.have.property("skipped");
    expect(objectives?.testcase.map((c) => c["@_name"])).to.deep.equal(["RTO", "RPO"]);
  });

  it("fails a passing run whose RTO target is missed, naming the target", async () => {
    const runbook = defineRunbook(meta("slow-recovery"), noSettings)
      .inject("break", { ...STEP, kind: "inject", run: () => ({}) })
      .recover("mend", {
        ...STEP,
        kind: "restore",
        run: async () => {
          await sleep(150);
          return {};
        },
      })
      .verify("prove", { ...STEP, kind: "verify", run: () => ({}) })
      .build();
    const run = await runPlanned(runbook, inventory(), evidence(), { rtoMinutes: 0.001 });
    expect(run.metrics.rto?.met).to.equal(false);
    expect(run.verdict).to.deep.include({ status: "failed", failedAt: "RTO target" });
  });

  it("on an interrupt stops the current step, skips the rest and runs cleanup", async () => {
    const interrupts = new Interrupts(5_000);
    const seen: string[] = [];
    const runbook = defineRunbook(meta("interrupt"), noSettings)
      .inject("break", {
        ...STEP,
        kind: "inject",
        run: async (ctx) => {
          interrupts.trigger("SIGINT");
          await sleep(10_000, ctx.signal);
          seen.push(`signal aborted: ${ctx.signal.aborted}`);
          // The next command of a stopped step is refused.
          await ctx.host("share").exec(["true"]);
          seen.push("ran a command after the interrupt");
          return {};
        },
      })
      .verify("prove", { ...STEP, kind: "verify", run: () => ({}) })
      .cleanup("tidy", {
        ...STEP,
        run: () => {
          seen.push("cleanup");
        },
      })
      .build();
    const dir = evidence();
    const run = await runPlanned(runbook, inventory(), dir, { interrupts });
    expect(seen).to.deep.equal(["signal aborted: true", "cleanup"]);
    expect(statuses(run)).to.deep.equal({ break: "interrupted", prove: "skipped", tidy: "passed" });
    expect(run.verdict).to.deep.include({ status: "interrupted", failedAt: "break" });
    expect(run.interruptedBy).to.equal("SIGINT");
    const journal = await journalOf(dir);
    expect(journal.some((l) => l.event === "signal")).to.equal(true);
  });

  it("after a repeated signal waits for cleanup only up to the bound, and says what did not run", async () => {
    const interrupts = new Interrupts(200);
    let slowTidyEnded = false;
    const runbook = defineRunbook(meta("force"), noSettings)
      .inject("break", {
        ...STEP,
        kind: "inject",
        run: async (ctx) => {
          interrupts.trigger("SIGINT");
          await sleep(10_000, ctx.signal);
          return {};
        },
      })
      .cleanup("slow-tidy", {
        ...STEP,
        run: async () => {
          interrupts.trigger("SIGINT");
          await sleep(3_000); // ignores the signal: only the bound ends the wait
          slowTidyEnded = true;
        },
      })
      .cleanup("last-tidy", { ...STEP, run: () => undefined })
      .build();
    const run = await runPlanned(runbook, inventory(), evidence(), {
      interrupts,
      settleGraceMs: 100,
    });
    // The run ended at the bound (200 ms), not when the slow cleanup did.
    expect(slowTidyEnded).to.equal(false);
    expect(statuses(run)).to.deep.equal({
      break: "interrupted",
      "slow-tidy": "interrupted",
      "last-tidy": "skipped",
    });
    const reasons = run.verdict.status === "passed" ? [] : run.verdict.reasons;
    expect(reasons.join("\n")).to.include("cleanup step last-tidy did not run");
  });

  it("refuses every use of a host once it is declared lost", async () => {
    const runbook = defineRunbook(meta("lost"), noSettings)
      .preflight("reach", {
        ...STEP,
        kind: "check",
        run: async (ctx) => (await ctx.host("share").run(["echo", "up"])).trim(),
      })
      .inject("lose", {
        ...STEP,
        kind: "inject",
        run: (ctx) => {
          ctx.declareLost("share");
          return {};
        },
      })
      .recover("use-lost", {
        ...STEP,
        kind: "restore",
        run: async (ctx) => {
          const failures: string[] = [];
          for (const attempt of [
            () => ctx.host("share").exec(["true"]),
            () => ctx.host("share").manifest(area.share),
          ]) {
            try {
              await attempt();
              failures.push("answered");
            } catch (error) {
              failures.push(error instanceof TransportError ? error.reason : String(error));
            }
          }
          return failures;
        },
      })
      .build();
    const dir = evidence();
    const run = await runPlanned(runbook, inventory(), dir);
    expect(run.verdict.status).to.equal("failed"); // no verify step: RTO cannot be measured
    const journal = await journalOf(dir);
    const end = journal.find(
      (l) => l.event === "step-end" && (l as { step: string }).step === "use-lost",
    ) as { output: string };
    expect(JSON.parse(end.output)).to.deep.equal(["transport-refused", "transport-refused"]);
  });

  it("a command that times out has what it started stopped too, so the run still passes", async () => {
    let timedOut = false;
    const runbook = defineRunbook(meta("compound-timeout"), noSettings)
      .preflight("slow-pipe", {
        ...STEP,
        kind: "check",
        run: async (ctx) => {
          // The timeout kills the shell; its pipeline's processes are its children.
          const result = await ctx
            .host("share")
            .exec(["sh", "-c", "sleep 30 | cat; echo never"], { timeoutMs: 300 });
          timedOut = result.timedOut;
          return {};
        },
      })
      .cleanup("tidy", { ...STEP, run: () => undefined })
      .build();
    const dir = evidence();
    const run = await runPlanned(runbook, inventory(), dir, { rtoMinutes: 60 });
    expect(timedOut).to.equal(true);
    expect(statuses(run)).to.deep.equal({ "slow-pipe": "passed", tidy: "passed" });
    expect(run.verdict.status, JSON.stringify(run.verdict)).to.not.equal("failed");
    const notes = (await journalOf(dir))
      .filter((l) => l.event === "note")
      .map((l) => (l as { message: string }).message);
    expect(notes.join("\n")).to.match(
      /stopped 2 commands \((sleep|cat) \d+, (sleep|cat) \d+\) a timed-out command left running on fs01/,
    );
  });

  it("a command of the run still running after cleanup is stopped, fails the run and keeps its journal", async () => {
    const runbook = defineRunbook(meta("straggler"), noSettings)
      .inject("leave-one-behind", {
        ...STEP,
        kind: "inject",
        run: async (ctx) => {
          // Its child outlives the command, as a timed-out command's child does.
          await ctx.host("share").exec(["sh", "-c", "sleep 30 >/dev/null 2>&1 &"]);
          return {};
        },
      })
      .cleanup("tidy", { ...STEP, run: () => undefined })
      .build();
    const dir = evidence();
    const run = await runPlanned(runbook, inventory(), dir);
    expect(statuses(run)).to.deep.equal({ "leave-one-behind": "passed", tidy: "passed" });
    expect(run.verdict).to.deep.include({ status: "failed", failedAt: "cleanup" });
    const reasons = run.verdict.status === "passed" ? [] : run.verdict.reasons;
    expect(reasons).to.have.length(1);
    expect(reasons[0]).to.match(
      /^fs01: stopped 1 command \(sleep \d+\) of run test-run still running after cleanup: they may have changed what cleanup put back, so the intent journal stays for drill recover$/,
    );
    expect(await readdir(join(area.sandbox, ".stronghold-journal"))).to.deep.equal([
      "test-run.json",
    ]);
    const pid = Number(/sleep (\d+)/.exec(reasons[0]!)![1]);
    // Gone, or a zombie its new parent has not reaped yet.
    const state = existsSync(`/proc/${pid}/stat`)
      ? /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1]
      : "gone";
    expect(state).to.be.oneOf(["gone", "Z"]);
  });

  it("refused by an earlier run's scratch folder, says drill recover only when a journal accounts for it", async () => {
    let ran = false;
    const runbook = defineRunbook(meta("earlier"), noSettings)
      .preflight("safeguard", {
        ...STEP,
        kind: "safeguard",
        touches: (p) => [
          { target: "share", paths: [join(area.sandbox, `.stronghold-drill-${p.runId}`)] },
        ],
        run: () => {
          ran = true;
          return {};
        },
      })
      .build();
    await mkdir(join(area.sandbox, ".stronghold-drill-2026-12-01T02-00-00Z-earlier"));
    const bare = await runPlanned(runbook, inventory(), evidence());
    expect(ran).to.equal(false);
    expect(bare.verdict).to.deep.include({ status: "refused", failedAt: "earlier run" });
    const reasonsOf = (run: typeof bare) =>
      run.verdict.status === "passed" ? [] : run.verdict.reasons;
    const [found, advice, ...more] = reasonsOf(bare);
    expect(more).to.deep.equal([]);
    expect(found).to.equal(
      `fs01: scratch space of an earlier run: ${area.sandbox}/.stronghold-drill-2026-12-01T02-00-00Z-earlier`,
    );
    // drill recover works from journals: it would answer "nothing to recover".
    expect(advice).to.match(/^no drill journal accounts for the scratch space above/);
    expect(advice).to.include("remove them by hand");
    expect(advice).to.not.include("drill recover --hosts");

    await mkdir(join(area.sandbox, ".stronghold-journal"));
    await writeFile(
      join(area.sandbox, ".stronghold-journal", "2026-12-01T02-00-00Z-earlier.json"),
      "{ torn",
    );
    const journaled = await runPlanned(runbook, inventory(), evidence());
    expect(reasonsOf(journaled).at(-1)).to.match(/^run stronghold drill recover --hosts /);
  });
});
