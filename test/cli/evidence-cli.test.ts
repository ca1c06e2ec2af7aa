// End to end: `stronghold evidence verify` through bin/stronghold.js (the bundle), in a workspace
// made by `stronghold init`, on a ledger of real files.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { appendNights, flipByte } from "../evidence/ledger-files.js";

const bin = path.join(PROJECT_ROOT, "bin", "stronghold.js");
const bundle = path.join(PROJECT_ROOT, "dist", "stronghold.mjs");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[], cwd = PROJECT_ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function newestSource(): number {
  let newest = statSync(path.join(PROJECT_ROOT, "package.json")).mtimeMs;
  for (const folder of ["src", "runbooks", path.join("policies", "crossguard")])
    for (const e of readdirSync(path.join(PROJECT_ROOT, folder), {
      recursive: true,
      withFileTypes: true,
    }))
      if (e.isFile()) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  return newest;
}

describe("stronghold evidence verify (the bin, end to end)", function () {
  this.timeout(120_000);
  let workspace: string;
  let ledger: string;

  before(async () => {
    const built = statSync(bundle, { throwIfNoEntry: false });
    if (built === undefined || built.mtimeMs < newestSource()) {
      const build = await node(["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "build.ts")]);
      expect(build.code, build.stderr).to.equal(0);
    }
    workspace = path.join(mkdtempSync(path.join(tmpdir(), "stronghold-evidence-")), "town");
    const init = await node([bin, "init", workspace, "--town", "Millbrook", "--time-zone", "UTC"]);
    expect(init.code, init.stderr).to.equal(0);
    ledger = path.join(workspace, "evidence", "ledger");
  });
  after(() => rmSync(path.dirname(workspace), { recursive: true, force: true }));

  it("says there is no ledger yet, exit 2", async () => {
    const run = await node([bin, "evidence", "verify"], workspace);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`${ledger} holds no evidence ledger`);
  });

  it("finds the workspace's ledger, says it is intact and writes the checkpoint, exit 0", async () => {
    appendNights(ledger, 12);
    const run = await node([bin, "evidence", "verify"], workspace);
    expect(run.stderr).to.equal("");
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^ledger {5}.*evidence\/ledger$/m);
    expect(run.stdout).to.match(/^mode .*incremental, no checkpoint yet/m);
    expect(run.stdout).to.match(/^intact: 12 entries, last seq 12; checkpoint written$/m);
    const again = await node([bin, "evidence", "verify", "--format", "json"], workspace);
    const json = JSON.parse(again.stdout) as Record<string, unknown>;
    expect(json).to.include({ mode: "incremental", entries: 12, newEntries: 0, objectsHashed: 0 });
    expect(json.from).to.include({ seq: 12 });
  });

  it("names a tampered artifact with --full, exit 1; --ledger from another folder", async () => {
    const [first] = appendNights(ledger, 1, 13);
    flipByte(ledger, first!.artifacts[0]!.sha256);
    const run = await node([bin, "evidence", "verify", "--full", "--ledger", ledger]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/^mode .*full/m);
    expect(run.stdout).to.match(
      /^BROKEN: line 13 \(seq 13\): artifact stronghold-report\.json was tampered with: expected sha256 [0-9a-f]{64}, its bytes hash to [0-9a-f]{64}$/m,
    );
    const json = await node([bin, "evidence", "verify", "--format", "json", "--ledger", ledger]);
    expect(json.code).to.equal(1);
    const { break: found, message } = JSON.parse(json.stdout) as {
      break: Record<string, unknown>;
      message: string;
    };
    expect(found).to.include({
      kind: "artifact-tampered",
      line: 13,
      seq: 13,
      name: "stronghold-report.json",
      expected: first!.artifacts[0]!.sha256,
    });
    expect(found.actual)
      .to.match(/^[0-9a-f]{64}$/)
      .and.not.equal(found.expected);
    expect(message).to.match(/^line 13 \(seq 13\): artifact stronghold-report\.json was tampered/);
  });

  it("outside a workspace without --ledger, with a wrong --format, and --cacert without --remote, exit 2", async () => {
    const outside = await node([bin, "evidence", "verify"], tmpdir());
    expect(outside.code).to.equal(2);
    expect(outside.stderr).to.include("evidence verify needs --ledger <dir> outside a workspace");
    const format = await node([bin, "evidence", "verify", "--format", "xml", "--ledger", ledger]);
    expect(format.code).to.equal(2);
    expect(format.stderr).to.match(/--format <format>' argument 'xml' is invalid/);
    const remote = await node([
      bin,
      "evidence",
      "verify",
      "--cacert",
      "ca.pem",
      "--ledger",
      ledger,
    ]);
    expect(remote.code).to.equal(2);
    expect(remote.stderr).to.match(/^stronghold: --cacert only goes with --remote\n/);
  });
});
