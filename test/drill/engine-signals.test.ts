/**
 * Ctrl-C for real: a child process runs a drill that deletes part of a share and then waits in its
 * inject step; the test sends SIGINT (twice, in one case, while cleanup runs) and checks that the
 * original share is back, the scratch space gone, and the journal tells the story. A command the
 * step is running when the signal comes is stopped, not waited for. In-process, the handlers exist
 * only during the run.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { defineRunbook } from "../../src/drill/runbook/runbook.js";
import {
  inventoryOf,
  journalOf,
  localHost,
  processesWithVariable,
  runPlanned,
  scratchArea,
} from "./engine-helpers.js";
import type { JournalLine } from "../../src/drill/results/journal.js";
import { RUN_ENV } from "../../src/drill/running/run-commands.js";

const src = (p: string) => JSON.stringify(join(PROJECT_ROOT, p));

/** The child: a drill whose inject deletes files, says so in the journal, then waits. */
const CHILD = `
import { defineRunbook } from ${src("src/drill/runbook/runbook.ts")};
import { planDrill } from ${src("src/drill/planning/plan.ts")};
import { executeDrill } from ${src("src/drill/running/run-drill.ts")};
import { putBackOriginal, removeScratch, sharePaths } from ${src("runbooks/lib/share.ts")};

const [sandbox, share, evidenceDir, mode] = process.argv.slice(2);
const wait = (ms, signal) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => { clearTimeout(t); resolve(); });
});
const runbook = defineRunbook(
  { id: "ctrl-c", title: "ctrl-c", scenario: "interrupted", proves: [], rtoMinutes: 5, rpoMinutes: 5,
    usesRepository: false,
    targets: { share: { role: "file-server", destructive: true, purpose: "share" } } },
  () => ({ ok: true, value: { data: share } }),
)
  .preflight("safeguard-share", {
    kind: "safeguard", summary: "copy", timeoutMs: 10000,
    touches: (p) => [{ target: "share", paths: [sharePaths(p.settings.data, p.runId).scratch] }],
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      const files = ctx.host("share").files();
      await files.mkdir(paths.scratch);
      await files.linkCopy(paths.data, paths.original);
      return { original: paths.original };
    },
  })
  .inject("delete-files", {
    kind: "inject", summary: "delete", timeoutMs: 60000,
    touches: (p) => [{ target: "share", paths: [p.settings.data] }],
    run: async (ctx) => {
      await ctx.host("share").files().remove([share + "/a.txt", share + "/docs"]);
      ctx.note("injected");
      // A command that does not end by itself: the step's stop has to end it.
      if (mode === "command") await ctx.host("share").exec(["sh", "-c", "sleep 40; echo late"]);
      else await wait(60000, ctx.signal);
      return {};
    },
  })
  .verify("never-reached", { kind: "verify", summary: "x", timeoutMs: 1000, run: async () => ({}) })
  .cleanup("put-back-original", {
    summary: "put back", timeoutMs: 20000,
    touches: (p) => { const s = sharePaths(p.settings.data, p.runId); return [{ target: "share", paths: [s.data, s.original] }]; },
    run: async (ctx) => {
      if (mode === "twice") { ctx.note("cleanup waiting"); await wait(1500); }
      if (ctx.data["safeguard-share"]) await putBackOriginal(ctx.host("share"), sharePaths(ctx.settings.data, ctx.runId));
    },
  })
  .cleanup("remove-scratch", {
    summary: "remove scratch", timeoutMs: 20000,
    touches: (p) => [{ target: "share", paths: [sharePaths(p.settings.data, p.runId).scratch] }],
    run: async (ctx) => removeScratch(ctx.host("share"), sharePaths(ctx.settings.data, ctx.runId)),
  })
  .build();
const planned = planDrill({
  runbook, runId: "ctrl-c-run", options: { freshSnapshot: false },
  inventory: { file: "hosts.yaml", hosts: [{ name: "fs01", transport: { kind: "local" }, roles: ["file-server"], drill: { target: true, sandbox: [sandbox] }, pointer: "/hosts/0" }] },
});
if (!planned.ok) { console.error(JSON.stringify(planned)); process.exit(3); }
const run = await executeDrill(planned.plan, { evidenceDir, handleSignals: true, forceCleanupBoundMs: 10000, settleGraceMs: 30000 });
console.log(JSON.stringify({ verdict: run.verdict, steps: run.steps.map((s) => [s.name, s.outcome.status]) }));
process.exitCode = run.verdict.status === "passed" ? 0 : 1;
`;

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Processes on this machine whose environment names the drill run (its marker: id and a random part). */
const processesOfRun = (runId: string): number[] =>
  processesWithVariable((v) => v.startsWith(`${RUN_ENV}=${runId}.`));

async function journalHas(dir: string, match: (l: JournalLine) => boolean): Promise<boolean> {
  if (!existsSync(join(dir, "journal.jsonl"))) return false;
  return (await journalOf(dir).catch(() => [])).some(match);
}

describe("drill engine: Ctrl-C in a real process", function () {
  this.timeout(60_000);
  let area: Awaited<ReturnType<typeof scratchArea>>;
  let work: string;
  let script: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "stronghold-sigint-"));
    script = join(work, "child.mts");
    await writeFile(script, CHILD);
  });
  after(() => rm(work, { recursive: true, force: true }));
  beforeEach(async () => (area = await scratchArea()));
  afterEach(() => rm(area.root, { recursive: true, force: true }));

  async function interrupted(mode: "once" | "twice" | "command") {
    const evidence = join(work, `evidence-${mode}`);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", script, area.sandbox, area.share, evidence, mode],
      { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    const note = (message: string) => (l: JournalLine) =>
      l.event === "note" && (l as { message: string }).message === message;
    await waitFor("the inject step", () => journalHas(evidence, note("injected")));
    // The share really is damaged now.
    expect(existsSync(join(area.share, "a.txt"))).to.equal(false);
    child.kill("SIGINT");
    if (mode === "twice") {
      await waitFor("cleanup", () => journalHas(evidence, note("cleanup waiting")));
      child.kill("SIGINT");
    }
    const code = await exited;
    return { code, stdout, stderr, evidence };
  }

  for (const mode of ["once", "twice"] as const) {
    it(`SIGINT ${mode === "once" ? "during inject" : "during inject and again during cleanup"}: cleanup puts the original data back`, async () => {
      const { code, stdout, stderr, evidence } = await interrupted(mode);
      expect(code, stderr).to.equal(1);
      const result = JSON.parse(stdout) as {
        verdict: { status: string; failedAt: string };
        steps: [string, string][];
      };
      expect(result.verdict).to.deep.include({ status: "interrupted", failedAt: "delete-files" });
      expect(result.steps).to.deep.equal([
        ["safeguard-share", "passed"],
        ["delete-files", "interrupted"],
        ["never-reached", "skipped"],
        ["put-back-original", "passed"],
        ["remove-scratch", "passed"],
      ]);
      expect(await readFile(join(area.share, "a.txt"), "utf8")).to.equal("alpha\n");
      expect(await readFile(join(area.share, "docs", "b.txt"), "utf8")).to.equal("bravo\n");
      expect(await readdir(area.sandbox)).to.deep.equal(["share"]);
      expect(await readFile(join(area.outside, "keep.txt"), "utf8")).to.equal("must survive\n");
      const signals = (await journalOf(evidence)).filter((l) => l.event === "signal");
      expect(signals.map((s) => (s as { action: string }).action)).to.deep.equal(
        mode === "once"
          ? ["stopping the current step; cleanup runs next"]
          : [
              "stopping the current step; cleanup runs next",
              "cleanup is still running; waiting up to 10 s more for it",
            ],
      );
      const report = await readFile(join(evidence, "report.md"), "utf8");
      expect(report).to.include("⛔ **Drill interrupted** (SIGINT) — failing step: `delete-files`");
    });
  }

  it("SIGINT while the step's command runs: the command is stopped at once, not waited for, and cleanup runs", async () => {
    const started = Date.now();
    const { code, stdout, stderr, evidence } = await interrupted("command");
    expect(code, stderr).to.equal(1);
    // Without the stop the run would wait out its 30 s grace, and the command would run on.
    expect(Date.now() - started).to.be.below(20_000);
    const result = JSON.parse(stdout) as { steps: [string, string][] };
    expect(result.steps).to.deep.include(["delete-files", "interrupted"]);
    expect(result.steps).to.deep.include(["put-back-original", "passed"]);
    expect(await readFile(join(area.share, "a.txt"), "utf8")).to.equal("alpha\n");
    const notes = (await journalOf(evidence))
      .filter((l) => l.event === "note")
      .map((l) => (l as { message: string }).message);
    expect(notes.join("\n")).to.match(
      /stopped \d+ commands? \(.*sleep \d+.*\) the step left running on fs01/,
    );
    expect(processesOfRun("ctrl-c-run")).to.deep.equal([]);
  });

  it("installs its signal handlers only for the duration of a run", async () => {
    const before = process.listenerCount("SIGINT") + process.listenerCount("SIGTERM");
    let during = 0;
    const runbook = defineRunbook(
      {
        id: "handlers",
        title: "handlers",
        scenario: "counts handlers",
        proves: [],
        rtoMinutes: 1,
        rpoMinutes: 1,
        usesRepository: false,
        targets: { share: { role: "file-server", destructive: false, purpose: "none" } },
      },
      () => ({ ok: true as const, value: {} }),
    )
      .preflight("count", {
        kind: "check",
        summary: "counts",
        timeoutMs: 1_000,
        run: () => {
          during = process.listenerCount("SIGINT") + process.listenerCount("SIGTERM");
          return {};
        },
      })
      .build();
    await runPlanned(
      runbook,
      inventoryOf(localHost("fs01", ["file-server"], { target: false, sandbox: [] })),
      join(work, "handlers"),
      { handleSignals: true },
    );
    expect(during).to.equal(before + 2);
    expect(process.listenerCount("SIGINT") + process.listenerCount("SIGTERM")).to.equal(before);
  });
});
