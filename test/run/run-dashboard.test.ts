// `stronghold run` writes the evidence dashboard after its own ledger entry, in process, on a
// workspace made by `stronghold init` with only the windows stage (the rest of the nightly job is
// test/run/nightly-cli.test.ts): the page is there, self-contained and shows the night; a page
// that cannot be written is said on screen and leaves the run's exit code and evidence alone.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { strongholdInProcess } from "../fixtures/stronghold-in-process.js";
import { readLedgerEntries } from "../evidence/ledger-files.js";

function stronghold(cwd: string, ...args: string[]) {
  return strongholdInProcess(args, { cwd });
}

const entries = (ws: string) => readLedgerEntries(path.join(ws, "evidence", "ledger"));

describe("stronghold run: the dashboard", function () {
  this.timeout(120_000);
  let tmp: string;
  let ws: string;

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), "run-dashboard-"));
    const init = await stronghold(tmp, "init", "town", "--time-zone", "UTC");
    expect(init.code, init.stderr).to.equal(0);
    ws = path.join(tmp, "town");
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it("is written beside the ledger after the run's own entry: self-contained, the night in it", async () => {
    const ran = await stronghold(ws, "run", "--only", "windows", "--at", "2026-06-30T02:15:00Z");
    const page = path.join(ws, "evidence", "dashboard.html");
    expect(ran.stdout).to.include(`\ndashboard: ${page}\n`);
    expect(ran.code).to.equal(0);
    expect(entries(ws).map((e) => e.kind)).to.deep.equal(["run"]);
    const html = readFileSync(page, "utf8");
    expect(html.match(/\s(?:src|href)\s*=\s*["']?(?:https?:)?\/\//gi) ?? []).to.deep.equal([]);
    // The page is as of the run's (simulated) time, the run's own entry included.
    expect(html).to.include(
      '<time datetime="2026-06-30T02:15:00.000Z">2026-06-30 02:15 UTC</time>',
    );
    expect(html).to.match(
      /1 ledger entry from <time datetime="2026-06-30T02:15:00\.000Z">2026-06-30</,
    );
    expect(html).to.include("NIST CSF 2.0");
  });

  it("a page that cannot be written is said on screen; the exit code and the evidence stay", async () => {
    // A folder where the page goes: the atomic rename onto it fails.
    mkdirSync(path.join(ws, "evidence", "dashboard.html"), { recursive: true });
    const ran = await stronghold(ws, "run", "--only", "windows", "--at", "2026-06-30T02:15:00Z");
    expect(ran.code, ran.stdout + ran.stderr).to.equal(0);
    expect(ran.stdout).to.match(
      /^dashboard: NOT written: .+ \(the run's work and evidence are complete; stronghold report html writes it again\)$/m,
    );
    expect(ran.stdout).to.match(/\nexit 0\n$/);
    expect(ran.stdout + ran.stderr).not.to.match(/\n\s+at /);
    expect(entries(ws).map((e) => e.kind)).to.deep.equal(["run"]);
    expect(statSync(path.join(ws, "evidence", "dashboard.html")).isDirectory()).to.equal(true);
  });

  it("a dry run writes no page", async () => {
    const ran = await stronghold(ws, "run", "--only", "windows", "--dry-run");
    expect(ran.code, ran.stdout + ran.stderr).to.equal(0);
    expect(ran.stdout).not.to.include("dashboard:");
  });
});
