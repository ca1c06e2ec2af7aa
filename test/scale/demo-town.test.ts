// `npm start`, the quick start's demo: the real script, twice in one folder and once --fresh. It
// runs the real CLI (the bundle npm test builds first), restic and this machine as the file server.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import type { RunSummary } from "../../src/run/summary.js";

function demo(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "demo-town.ts"), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: "1" } },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("npm start: the sample town's nightly job on this machine", function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-demo-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  const summaries = () => {
    const runs = path.join(dir, "millbrook", "evidence", "runs");
    return readdirSync(runs)
      .sort()
      .map(
        (n) => JSON.parse(readFileSync(path.join(runs, n, "summary.json"), "utf8")) as RunSummary,
      );
  };

  it("makes the workspace, backs the share up and runs every stage: exit 0", async () => {
    const first = await demo("--dir", dir);
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.match(/seeded the file share .* \(300 files\)/);
    expect(first.output).to.include("made the workspace");
    const [summary] = summaries();
    expect(summary!.town).to.equal("Town of Millbrook");
    expect(summary!.stages.map((s) => `${s.stage} ${s.status}`)).to.deep.equal([
      "recover passed",
      "collect passed",
      "windows skipped",
      "check passed",
      "drills passed",
      "push skipped",
    ]);
    // The sample's 56 machines, its network devices and this machine, with its planted problems.
    expect(summary!.check!.failingControls.length).to.be.greaterThan(10);
    expect(summary!.drills.map((d) => `${d.runbook} ${d.verdict}`)).to.deep.equal([
      "backup-integrity passed",
    ]);
    expect(existsSync(path.join(dir, "millbrook", "machines", "demo-fs01.json"))).to.equal(true);
    // The run's dashboard, and its ledger entries: collect, check, the drill, the run's own.
    expect(first.output).to.include(path.join(dir, "millbrook", "evidence", "dashboard.html"));
    expect(existsSync(path.join(dir, "millbrook", "evidence", "dashboard.html"))).to.equal(true);
    expect(readdirSync(path.join(dir, "millbrook", "evidence", "reports"))).to.include.members([
      "stronghold-report.json",
      "stronghold-report.md",
    ]);
  });

  it("a second start keeps the workspace and compares with the first run", async () => {
    const second = await demo("--dir", dir);
    expect(second.code, second.output).to.equal(0);
    expect(second.output).to.include("kept the workspace");
    expect(second.output).to.not.include("seeded the file share");
    const [first, again] = summaries();
    expect(again!.comparison.previous).to.be.a("string");
    expect(again!.comparison.regressions).to.deep.equal([]);
    expect(again!.check!.failingControls).to.deep.equal(first!.check!.failingControls);
    expect(again!.drills[0]!.rpo!.achievedSeconds!).to.be.below(120);
  });

  it("--fresh starts over", async () => {
    const fresh = await demo("--dir", dir, "--fresh");
    expect(fresh.code, fresh.output).to.equal(0);
    expect(fresh.output).to.include("made the workspace");
    expect(summaries()).to.have.length(1);
  });
});
