/**
 * Progress as it is shown: plain lines for logs, and the listr2 task list (here with its
 * fallback renderer, as stdout is no terminal) that waits for each step's outcome from the engine.
 */
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineRunbook } from "../../src/drill/runbook/runbook.js";
import { StepFailure } from "../../src/drill/runbook/failures.js";
import { listrProgress, plainProgress } from "../../src/drill/running/progress.js";
import { executeDrill } from "../../src/drill/running/run-drill.js";
import { inventoryOf, localHost, mustPlan } from "./engine-helpers.js";

const runbook = defineRunbook(
  {
    id: "progress",
    title: "progress",
    scenario: "shows progress",
    proves: [],
    rtoMinutes: 1,
    rpoMinutes: 1,
    usesRepository: false,
    targets: { share: { role: "file-server", destructive: false, purpose: "none" } },
  },
  () => ({ ok: true as const, value: {} }),
)
  .preflight("look", {
    kind: "check",
    summary: "looks around",
    timeoutMs: 5_000,
    run: (ctx) => {
      ctx.note("all quiet");
      return {};
    },
  })
  .verify("judge", {
    kind: "verify",
    summary: "finds a difference",
    timeoutMs: 5_000,
    run: () => {
      throw new StepFailure("2 altered file(s)", ["altered: a.txt"]);
    },
  })
  .cleanup("tidy", { summary: "tidies", timeoutMs: 5_000, run: () => undefined })
  .build();

/** Runs `body` with process stdout and stderr captured (listr2 writes there itself). */
async function captured(body: () => Promise<void>): Promise<string> {
  const written: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  for (const s of streams)
    s.write = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
  try {
    await body();
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]!));
  }
  return written.join("");
}

const inventory = inventoryOf(localHost("fs01", ["file-server"], { target: false, sandbox: [] }));

describe("drill engine: progress", () => {
  let runs: string;
  before(async () => (runs = await mkdtemp(join(tmpdir(), "stronghold-progress-"))));
  after(() => rm(runs, { recursive: true, force: true }));

  it("plain lines: each step's start and end, notes and failure details", async () => {
    let out = "";
    await executeDrill(mustPlan({ runbook, inventory, options: { freshSnapshot: false } }), {
      evidenceDir: join(runs, "plain"),
      observer: plainProgress((c) => (out += c)),
    });
    expect(out.split("\n")).to.include.members([
      "fences: every destructive path is inside its sandbox on its host",
      "→ preflight/look: looks around",
      "  · look: all quiet",
      "✖ verify/judge FAILED after 0.0 s: 2 altered file(s)",
      "    altered: a.txt",
      "→ cleanup/tidy: tidies",
    ]);
    expect(out).to.match(/✔ preflight\/look ok \(0\.\d s\)/);
  });

  it("the task list follows the engine and settles every task, also those never run", async () => {
    const plan = mustPlan({ runbook, inventory, options: { freshSnapshot: false } });
    const text = await captured(async () => {
      const live = listrProgress(plan);
      await executeDrill(plan, { evidenceDir: join(runs, "listr"), observer: live.observer });
      await live.done();
    });
    expect(text).to.include("preflight › look");
    expect(text).to.include("failed: 2 altered file(s)");
    expect(text).to.include("cleanup › tidy");
  });

  it("a task list whose run was refused before any step still finishes", async () => {
    const plan = mustPlan({ runbook, inventory, options: { freshSnapshot: false } });
    const text = await captured(() => listrProgress(plan).done());
    expect(text).to.include("not run");
  });
});
