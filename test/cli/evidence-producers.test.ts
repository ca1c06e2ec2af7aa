// The producing commands append their evidence entries, in process, in a workspace made by
// `stronghold init` (the sample town's machines, overlay, waivers and registers): check appends one
// entry whose input hashes are the files' own and whose artifacts are the reports it wrote;
// --no-ledger appends none; --ledger chooses the folder, also outside a workspace, where nothing
// is appended without it; a ledger that cannot be appended to loses no report and exits 3.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LedgerEntry } from "../../src/evidence/entry.js";
import { entryHash, objectPath } from "../../src/evidence/ledger.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { freePort } from "../fixtures/sshd.js";
import { strongholdInProcess } from "../fixtures/stronghold-in-process.js";

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cwd: string, ...args: string[]): Promise<Ran> {
  return strongholdInProcess(args, { cwd });
}

const sha256 = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

async function entries(dir: string): Promise<LedgerEntry[]> {
  const file = path.join(dir, "entries.jsonl");
  if (!existsSync(file)) return [];
  return (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerEntry);
}

describe("evidence entries appended by the producing commands", function () {
  this.timeout(120_000);
  let tmp: string;
  let ws: string;
  let ledger: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "stronghold-evprod-"));
    const init = await run(tmp, "init", "ashford", "--town", "Town of Ashford");
    expect(init.code, init.stderr).to.equal(0);
    ws = path.join(tmp, "ashford");
    ledger = path.join(ws, "evidence", "ledger");
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  it("check in a workspace appends one entry: inputs hashed as they are, reports stored", async () => {
    const ran = await run(
      ws,
      "check",
      "--format",
      "json,sarif,markdown,junit",
      "--out",
      path.join(ws, "reports"),
      "--quiet",
      "--at",
      "2026-06-30",
    );
    expect(ran.code, ran.stderr).to.be.oneOf([0, 1]);
    expect(ran.stderr).to.match(/^evidence: entry 1 \(check, (passed|failed)\) in /m);
    const [entry, ...more] = await entries(ledger);
    expect(more).to.have.length(0);
    expect(entry).to.include({ seq: 1, kind: "check", subject: "Town of Ashford" });
    expect(entry!.at).to.equal("2026-06-30T00:00:00.000Z");
    expect(entry).to.not.have.property("run");
    const { hash, ...rest } = entry!;
    expect(entryHash(rest)).to.equal(hash);

    const roles = new Set(entry!.inputs.map((i) => i.role));
    for (const role of ["machine", "baseline", "overlay", "waivers", "assets", "licenses"])
      expect(roles, role).to.include(role);
    const machines = entry!.inputs.filter((i) => i.role === "machine");
    expect(machines.length).to.be.greaterThan(50);
    for (const input of entry!.inputs) {
      const file = path.isAbsolute(input.name) ? input.name : path.join(ws, input.name);
      expect(await sha256(file), input.name).to.equal(input.sha256);
    }
    expect(entry!.inputs.find((i) => i.role === "baseline")!.name).to.equal(
      path.join(PROJECT_ROOT, "policies", "baselines", "security.yaml"),
    );

    expect(entry!.artifacts.map((a) => a.name).sort()).to.deep.equal([
      "stronghold-report.json",
      "stronghold-report.junit.xml",
      "stronghold-report.md",
      "stronghold-report.sarif",
    ]);
    for (const a of entry!.artifacts) {
      expect(await sha256(path.join(ws, "reports", a.name)), a.name).to.equal(a.sha256);
      expect(await sha256(objectPath(ledger, a.sha256))).to.equal(a.sha256);
    }
    const report = JSON.parse(
      await readFile(path.join(ws, "reports", "stronghold-report.json"), "utf8"),
    ) as {
      scores: { fleet: { score: number } };
    };
    expect(entry!.metrics.score).to.equal(report.scores.fleet.score);
    expect(entry!.frameworks.cis).to.include("4.1");
    expect(entry!.frameworks.csf.length).to.be.greaterThan(0);
  });

  it("check printing to stdout still stores its JSON report; a second entry chains to the first", async () => {
    const ran = await run(ws, "check", "--format", "table", "--at", "2026-07-01");
    expect(ran.code, ran.stderr).to.be.oneOf([0, 1]);
    const [first, second] = await entries(ledger);
    expect(second).to.include({ seq: 2, prev: first!.hash });
    expect(second!.artifacts.map((a) => a.name)).to.deep.equal(["stronghold-report.json"]);
    const stored = JSON.parse(
      await readFile(objectPath(ledger, second!.artifacts[0]!.sha256), "utf8"),
    ) as { at: string };
    expect(stored.at).to.equal("2026-07-01T00:00:00.000Z");
  });

  it("check --shard appends nothing; report merge appends the one run's entry, its shards hashed", async () => {
    const one = await run(
      ws,
      "check",
      "--format",
      "json",
      "--out",
      path.join(ws, "one"),
      "-q",
      "--at",
      "2026-07-02",
      "--no-ledger",
    );
    expect(one.code, one.stderr).to.be.oneOf([0, 1]);
    const before = (await entries(ledger)).length;
    const shards = path.join(ws, "shards");
    for (const i of [1, 2]) {
      const shard = await run(
        ws,
        "check",
        "--shard",
        `${i}/2`,
        "--out",
        shards,
        "--at",
        "2026-07-02",
      );
      expect(shard.code, shard.stderr).to.equal(0);
      expect(shard.stderr).to.not.include("evidence:");
    }
    expect(await entries(ledger)).to.have.length(before);
    const files = ["shard-2-of-2.jsonl", "shard-1-of-2.jsonl"].map((f) => path.join(shards, f));
    const merged = await run(
      ws,
      "report",
      "merge",
      ...files,
      "--format",
      "json",
      "--out",
      path.join(ws, "merged"),
      "-q",
    );
    expect(merged.code, merged.stderr).to.equal(one.code);
    expect(merged.stderr).to.match(/^evidence: entry \d+ \(check, (passed|failed)\) in /m);
    const added = (await entries(ledger)).slice(before);
    expect(added).to.have.length(1);
    const entry = added[0]!;
    expect(entry).to.include({
      kind: "check",
      subject: "Town of Ashford",
      at: "2026-07-02T00:00:00.000Z",
    });
    // The same report as one run's, so the same figures and the same stored bytes.
    const report = await readFile(path.join(ws, "one", "stronghold-report.json"));
    expect(entry.artifacts).to.deep.equal([
      {
        name: "stronghold-report.json",
        sha256: createHash("sha256").update(report).digest("hex"),
        bytes: report.length,
      },
    ]);
    const scores = (JSON.parse(report.toString("utf8")) as { scores: { fleet: { score: number } } })
      .scores;
    expect(entry.metrics.score).to.equal(scores.fleet.score);
    // What the merge read: the shards (in the order given), and the files it found again.
    expect(entry.inputs.filter((i) => i.role === "shard").map((i) => i.name)).to.deep.equal([
      path.join("shards", "shard-2-of-2.jsonl"),
      path.join("shards", "shard-1-of-2.jsonl"),
    ]);
    for (const input of entry.inputs) {
      const file = path.isAbsolute(input.name) ? input.name : path.join(ws, input.name);
      expect(await sha256(file), input.name).to.equal(input.sha256);
    }
    const roles = new Set(entry.inputs.map((i) => i.role));
    for (const role of ["machine", "baseline", "overlay", "waivers", "assets", "licenses"])
      expect(roles, role).to.include(role);
  });

  it("--no-ledger appends nothing", async () => {
    const before = (await entries(ledger)).length;
    const ran = await run(ws, "check", "--no-ledger", "--quiet", "--out", path.join(ws, "reports"));
    expect(ran.code, ran.stderr).to.be.oneOf([0, 1]);
    expect(ran.stderr).to.not.include("evidence:");
    expect(await entries(ledger)).to.have.length(before);
  });

  it("outside a workspace nothing is appended, unless --ledger names a folder", async () => {
    const machines = path.join(ws, "machines");
    const outside = await mkdtemp(path.join(tmpdir(), "stronghold-evprod-ci-"));
    try {
      const plain = await run(
        outside,
        "check",
        machines,
        "--out",
        path.join(outside, "out"),
        "--quiet",
      );
      expect(plain.code, plain.stderr).to.be.oneOf([0, 1]);
      expect(await readdir(outside)).to.deep.equal(["out"]);
      const given = await run(outside, "check", machines, "--quiet", "--ledger", "ci-ledger");
      expect(given.code, given.stderr).to.be.oneOf([0, 1]);
      const [entry] = await entries(path.join(outside, "ci-ledger"));
      expect(entry).to.include({ seq: 1, kind: "check", subject: path.basename(outside) });
      // Files outside the folder it runs in are named by their absolute path.
      for (const input of entry!.inputs.filter((i) => i.role === "machine"))
        expect(input.name.startsWith(`${machines}${path.sep}`), input.name).to.equal(true);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("a ledger that cannot be appended to: the reports are written, the command says so and exits 3", async () => {
    const broken = path.join(tmp, "broken-ledger");
    const first = await run(ws, "check", "--quiet", "--ledger", broken);
    expect(first.code, first.stderr).to.be.oneOf([0, 1]);
    // A last line cut short, as a full disk or an editor leaves it.
    await appendFile(path.join(broken, "entries.jsonl"), '{"seq":2,"kind":"che');
    const out = path.join(tmp, "after-break");
    const ran = await run(
      ws,
      "check",
      "--quiet",
      "--format",
      "json",
      "--out",
      out,
      "--ledger",
      broken,
    );
    expect(ran.code).to.equal(3);
    expect(ran.stderr).to.match(
      /stronghold: the evidence was NOT recorded in .*broken-ledger: .*ends in the middle of an entry/,
    );
    expect(ran.stderr).to.match(/it would have exited [01]\)/);
    expect(existsSync(path.join(out, "stronghold-report.json"))).to.equal(true);
    expect(await entries(broken).catch(() => "unparseable")).to.equal("unparseable");
  });

  it("run --at simulates the night: the check's entry and then the run's, both naming the run folder", async () => {
    const before = (await entries(ledger)).length;
    const ran = await run(ws, "run", "--only", "check", "--at", "2026-06-30T02:15:00Z");
    expect(ran.code, ran.stdout + ran.stderr).to.be.oneOf([0, 1]);
    const added = (await entries(ledger)).slice(before);
    expect(added.map((e) => `${e.kind} ${e.run} ${e.at}`)).to.deep.equal([
      "check 2026-06-30T02-15-00Z 2026-06-30T02:15:00.000Z",
      "run 2026-06-30T02-15-00Z 2026-06-30T02:15:00.000Z",
    ]);
    expect(
      existsSync(path.join(ws, "evidence", "runs", "2026-06-30T02-15-00Z", "summary.json")),
    ).to.equal(true);
    const summary = added[1]!;
    expect(summary.artifacts.map((a) => a.name)).to.deep.equal(["summary.json"]);
    expect(summary.metrics).to.include({ day: "2026-06-30" });
    expect(summary.inputs.map((i) => i.name)).to.deep.equal(["stronghold.yaml"]);
  });

  it("run --no-ledger appends nothing, not even for its stages; --at with --utc-cron is refused", async () => {
    const before = (await entries(ledger)).length;
    const ran = await run(ws, "run", "--only", "check", "--at", "2026-07-01", "--no-ledger");
    expect(ran.code, ran.stdout + ran.stderr).to.be.oneOf([0, 1]);
    expect(await entries(ledger)).to.have.length(before);
    const both = await run(ws, "run", "--at", "2026-07-01", "--utc-cron", "15 2 * * *");
    expect(both.code).to.equal(2);
    expect(both.stderr).to.include("--at simulates a night and --utc-cron checks the real one");
  });

  it("infra plan appends one entry per stack with its settings file hashed and its plan stored", async () => {
    const outside = await mkdtemp(path.join(tmpdir(), "stronghold-evprod-plan-"));
    try {
      const ledgerDir = path.join(outside, "ledger");
      const ran = await run(outside, "infra", "plan", "--stack", "prod", "--ledger", ledgerDir);
      expect(ran.code, ran.stderr).to.be.oneOf([0, 1]);
      const [entry, ...more] = await entries(ledgerDir);
      expect(more).to.have.length(0);
      expect(entry).to.include({ kind: "infra-plan", subject: "prod" });
      const settings = path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml");
      expect(entry!.inputs[0]).to.deep.equal({
        role: "stack-settings",
        name: settings,
        sha256: await sha256(settings),
      });
      expect(entry!.artifacts.map((a) => a.name)).to.deep.equal(["plan-prod.json"]);
      const plan = JSON.parse(
        await readFile(objectPath(ledgerDir, entry!.artifacts[0]!.sha256), "utf8"),
      ) as {
        resourceCount: number;
      };
      expect(entry!.metrics.resources).to.equal(plan.resourceCount);
      expect(entry!.frameworks.cis).to.deep.equal(["11.3", "11.4"]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("collect appends its entry: the inventory hashed, the collection report stored, failed hosts named", async () => {
    const outside = await mkdtemp(path.join(tmpdir(), "stronghold-evprod-collect-"));
    try {
      const hosts = path.join(outside, "hosts.yaml");
      await writeFile(
        hosts,
        [
          "version: 1",
          "hosts:",
          "  - name: here",
          "    transport: local",
          "    machine: { department: it, site: lab, role: server }",
          "  - name: gone",
          "    address: 127.0.0.1",
          `    port: ${await freePort()}`,
          "    user: nobody",
          "    connectTimeoutSeconds: 2",
          "    machine: { department: it, site: lab, role: server }",
          "",
        ].join("\n"),
      );
      const ledgerDir = path.join(outside, "ledger");
      const report = path.join(outside, "collection-report.json");
      const ran = await run(
        outside,
        "collect",
        "--hosts",
        hosts,
        "--out",
        path.join(outside, "machines"),
        "--report",
        report,
        "--quiet",
        "--ledger",
        ledgerDir,
      );
      expect(ran.code, ran.stderr).to.equal(1);
      const [entry] = await entries(ledgerDir);
      expect(entry).to.include({ kind: "collect", verdict: "failed" });
      expect(entry!.metrics).to.deep.include({ hosts: 2, ok: 1 });
      expect(Object.keys(entry!.metrics.failed as object)).to.deep.equal(["gone"]);
      expect(entry!.inputs).to.deep.equal([
        { role: "hosts", name: "hosts.yaml", sha256: await sha256(hosts) },
      ]);
      expect(entry!.artifacts).to.have.length(1);
      expect(entry!.artifacts[0]!.sha256).to.equal(await sha256(report));
      expect(entry!.frameworks.csf).to.deep.equal(["ID.AM-01", "ID.AM-02"]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
