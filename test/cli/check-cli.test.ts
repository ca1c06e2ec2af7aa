// End to end: spawns the real `stronghold` bin as a user or CI job would.
import { expect } from "chai";
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { compliantMachine } from "../fixtures/machine-factory.js";
import { statusesOf, type JsonReportSubjects } from "../fixtures/json-report.js";
import { strongholdBin, type BinOptions } from "../fixtures/stronghold-bin.js";
import { bufferIo } from "../collect/buffer-io.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { main } from "../../src/cli/main.js";
import { main as checkMain } from "../../src/cli/main-check.js";

const at = "2026-11-20T12:00:00Z";

// Colors follow the environment here: only the tests that set NO_COLOR get none.
function stronghold(args: string[], options: BinOptions = {}) {
  return strongholdBin(args, { ...options, env: { NO_COLOR: "", ...options.env } });
}

describe("stronghold check (the CLI, end to end)", function () {
  this.timeout(60_000);
  let dir: string;
  let machines: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-cli-"));
    machines = path.join(dir, "machines");
    await mkdir(machines);
    await writeFile(
      path.join(machines, "good.yaml"),
      stringify(compliantMachine({ hostname: "good-01" })),
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("exits 0 for a compliant fleet and prints the summary", async () => {
    const run = await stronghold(["check", machines, "--at", at]);
    expect(run.stderr).to.equal("");
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/good-01|100/);
  });

  it("a JSON file nested 6,000 deep is a located input problem, and the rest is still evaluated", async () => {
    const depth = 6000;
    const deep = compliantMachine({ hostname: "deep-01" }) as unknown as Record<string, unknown>;
    const text = JSON.stringify({ ...deep, extra: 0 }).replace(
      '"extra":0',
      `"extra":${"[".repeat(depth)}${"]".repeat(depth)}`,
    );
    await writeFile(path.join(machines, "deep.json"), text);
    const run = await stronghold(["check", machines, "--at", at, "--format", "json"]);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stderr).to.not.match(/internal error|call stack/);
    const report = JSON.parse(run.stdout) as {
      subjects: { subject: string }[];
      problems: { file: string; pointer: string; message: string }[];
      gate: { passed: boolean };
    };
    expect(report.subjects.map((s) => s.subject)).to.deep.equal(["good-01"]);
    expect(report.problems).to.have.length(1);
    expect(report.problems[0]).to.deep.include({ pointer: "/extra" });
    expect(report.problems[0]!.file).to.match(/deep\.json$/);
    expect(report.gate.passed).to.equal(false);
  });

  it("exits 1 when a control at or above --fail-on fails, 0 with --fail-on never", async () => {
    const weak = compliantMachine({ hostname: "weak-01" });
    await writeFile(
      path.join(machines, "weak.yaml"),
      stringify({ ...weak, security: { ...weak.security, smbv1Enabled: true } }),
    );
    expect((await stronghold(["check", machines, "--at", at])).code).to.equal(1);
    expect((await stronghold(["check", machines, "--at", at, "--fail-on", "never"])).code).to.equal(
      0,
    );
  });

  it("writes every format atomically into --out, and a malformed file is reported while the rest is evaluated", async () => {
    await writeFile(path.join(machines, "broken.yaml"), "hostname: [oops\n");
    await writeFile(
      path.join(machines, "escape.yaml"),
      stringify(compliantMachine({ hostname: "../../../escaped" })),
    );
    const out = path.join(dir, "reports");
    const run = await stronghold([
      "check",
      machines,
      "--at",
      at,
      "--format",
      "table,json,junit,sarif,markdown",
      "--out",
      out,
    ]);
    expect(run.code).to.equal(2);
    expect(await readdir(out)).to.have.members([
      "stronghold-report.txt",
      "stronghold-report.json",
      "stronghold-report.junit.xml",
      "stronghold-report.sarif",
      "stronghold-report.md",
    ]);
    // Nothing was written beside the output directory: host names never become paths.
    expect((await readdir(dir)).sort()).to.deep.equal(["machines", "reports"]);
    const json = JSON.parse(await readFile(path.join(out, "stronghold-report.json"), "utf8")) as {
      subjects: { subject: string }[];
      problems: { file: string; pointer: string; message: string; line?: number }[];
    };
    expect(json.subjects.map((s) => s.subject)).to.deep.equal(["good-01"]);
    expect(json.problems.map((p) => path.basename(p.file)).sort()).to.deep.equal([
      "broken.yaml",
      "escape.yaml",
    ]);
    expect(json.problems.find((p) => p.file.endsWith("escape.yaml"))?.pointer).to.equal(
      "/hostname",
    );
    expect(run.stdout).to.match(/broken\.yaml:\d+/);
    expect(run.stderr).to.match(/wrote .*stronghold-report\.sarif/);
    expect(run.stderr).to.not.match(/at .*\.ts:\d+/); // no stack trace
  });

  it("reads a fleet from stdin and writes one format to stdout", async () => {
    const fleet = JSON.stringify({ machines: [compliantMachine({ hostname: "stdin-01" })] });
    const run = await stronghold(["check", "-", "--at", at, "--format", "json"], { stdin: fleet });
    expect(run.code).to.equal(0);
    const report = JSON.parse(run.stdout) as { subjects: { subject: string }[]; at: string };
    expect(report.subjects.map((s) => s.subject)).to.deep.equal(["stdin-01"]);
    expect(report.at).to.equal("2026-11-20T12:00:00.000Z");
  });

  it("is reproducible: the same --at gives byte-identical reports", async () => {
    const a = await stronghold(["check", machines, "--at", at, "--format", "json"]);
    const b = await stronghold(["check", machines, "--at", at, "--format", "json"]);
    expect(a.stdout).to.equal(b.stdout);
  });

  it("honours NO_COLOR and colours only when asked", async () => {
    const plain = await stronghold(["check", machines, "--at", at], {
      env: { NO_COLOR: "1", FORCE_COLOR: "1" },
    });
    expect(plain.stdout).to.not.include("\u001b[");
    const forced = await stronghold(["check", machines, "--at", at, "--color"]);
    expect(forced.stdout).to.include("\u001b[");
  });

  const usage: [string, string[], RegExp][] = [
    ["two formats without --out", ["--format", "json,sarif"], /needs --out/],
    ["an unknown format", ["--format", "pdf"], /choose from table, json, junit, sarif, markdown/],
    ["a bad --at", ["--at", "yesterday"], /--at "yesterday" is not a date/],
    [
      "a bad --fail-on",
      ["--fail-on", "urgent"],
      /Allowed choices are critical, high, medium, low, never/,
    ],
    [
      "a bad --min-score",
      ["--min-score", "120"],
      /--min-score "120" must be a number from 0 to 100/,
    ],
  ];
  for (const [name, args, message] of usage) {
    it(`exits 2 with a clear message for ${name}`, async () => {
      const run = await stronghold(["check", machines, ...args]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(message);
      expect(run.stdout).to.equal("");
    });
  }

  it("exits 2 listing every problem of an overlay that names an unknown control or parameter", async () => {
    const overlay = path.join(dir, "overlay.yaml");
    await writeFile(
      overlay,
      stringify({
        name: "t",
        extends: ["security"],
        deselect: ["sec-no-such-control"],
        controls: { "sec-smbv1-disabled": { parameters: { nope: 1 } } },
      }),
    );
    const run = await stronghold(["check", machines, "--overlay", overlay, "--at", at]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(
      /overlay\.yaml:\d+: \/deselect\/0: names unknown control "sec-no-such-control"/,
    );
    expect(run.stderr).to.match(
      /\/controls\/sec-smbv1-disabled\/parameters\/nope: control "sec-smbv1-disabled" has no parameter "nope"/,
    );
  });

  it("runs the same from the TypeScript sources as from the bundle", async () => {
    const args = ["check", machines, "--at", at, "--format", "json"];
    const fromSource = await stronghold(args, { env: { STRONGHOLD_FROM_SOURCE: "1" } });
    const fromBundle = await stronghold(args);
    expect(fromSource.code).to.equal(0);
    expect(fromSource.stdout).to.equal(fromBundle.stdout);
  });

  it("exits 2 with a clear message when --out cannot be written", async () => {
    const blocker = path.join(dir, "not-a-dir");
    await writeFile(blocker, "");
    const run = await stronghold([
      "check",
      machines,
      "--at",
      at,
      "--format",
      "json,sarif",
      "--out",
      blocker,
    ]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/--out .*not-a-dir: cannot write the directory \(EEXIST\)/);
    expect(run.stderr).to.not.match(/internal error/);
  });

  it("lists the problems of every unusable side input at once", async () => {
    const overlay = path.join(dir, "overlay.yaml");
    await writeFile(
      overlay,
      stringify({ name: "t", extends: ["security"], deselect: ["sec-nope-x"] }),
    );
    const licenses = path.join(dir, "licenses.csv");
    await writeFile(licenses, "Product,Seats\nAutoCAD,2\n");
    const run = await stronghold([
      "check",
      machines,
      "--overlay",
      overlay,
      "--licenses",
      licenses,
      "--at",
      at,
    ]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/overlay\.yaml:\d+: \/deselect\/0: names unknown control/);
    expect(run.stderr).to.match(
      /licenses\.csv:1: lacks the column\(s\) Publisher, License Type, Expires, Reference/,
    );
  });

  it("--assets: a repeated asset tag is a located problem (exit 2), and the fleet is still judged", async () => {
    const assets = path.join(dir, "assets.csv");
    await writeFile(
      assets,
      "Asset Tag,Serial Number,Hostname,Department,Site,Model,Purchase Date,Status\n" +
        "MB-01001,5CG3301XYZ,good-01,manager,town-hall,7010,2024-03-01,In Service\n" +
        "mb-01001,OTHER-1,pd-mdt-01,police,police,5440,2021-05-01,Disposed\n",
    );
    const run = await stronghold([
      "check",
      machines,
      "--assets",
      assets,
      "--at",
      at,
      "--format",
      "json",
    ]);
    expect(run.code).to.equal(2);
    const report = JSON.parse(run.stdout) as JsonReportSubjects & {
      problems: { file: string; line: number; pointer: string; message: string }[];
    };
    expect(report.problems).to.deep.equal([
      {
        file: assets,
        line: 3,
        pointer: "/Asset Tag",
        message: '"mb-01001" repeats the asset tag of line 2 (MB-01001); each asset needs its own',
      },
    ]);
    // The first row stands: the machine is registered, and the repeat is not a disposed asset.
    const status = (control: string) => statusesOf(report, "good-01")?.[control];
    expect(status("lcm-asset-registered")).to.equal("pass");
    expect(status("lcm-asset-reported")).to.equal("pass");
  });

  it("--ip-plan: checks addresses against the plan and reports the plan's own overlap once", async () => {
    const plan = path.join(dir, "ip-plan.yaml");
    await writeFile(
      plan,
      [
        "sites:",
        "  - site: town-hall",
        "    subnets:",
        "      - { name: staff, vlan: 10, cidr: 10.20.10.0/24, dhcp: [10.20.10.20-10.20.10.199] }",
        "  - site: library",
        "    subnets:",
        "      - { name: all, cidr: 10.20.0.0/16 }",
      ].join("\n"),
    );
    await writeFile(
      path.join(machines, "static.yaml"),
      stringify(compliantMachine({ hostname: "static-01", ipAssignment: "static" })),
    );
    const run = await stronghold([
      "check",
      machines,
      "--ip-plan",
      plan,
      "--baseline",
      "lifecycle",
      "--at",
      at,
      "--format",
      "json",
    ]);
    expect(run.code, run.stderr).to.equal(2);
    const report = JSON.parse(run.stdout) as JsonReportSubjects & {
      problems: { file: string; pointer: string; line?: number; message: string }[];
    };
    expect(report.problems).to.have.length(1);
    expect(report.problems[0]).to.deep.include({
      file: plan,
      pointer: "/sites/1/subnets/0/cidr",
      line: 7,
    });
    const status = (host: string, control: string) => statusesOf(report, host)?.[control];
    expect(status("static-01", "lcm-static-ip-outside-dhcp")).to.equal("fail");
    expect(status("static-01", "lcm-ip-in-site-subnet")).to.equal("pass");
    expect(status("good-01", "lcm-static-ip-outside-dhcp")).to.equal("fail"); // assignment not reported
  });

  it("without --ip-plan, the IP plan controls are not evaluated and a warning says why", async () => {
    const run = await stronghold(["check", machines, "--at", at, "--format", "json"]);
    const report = JSON.parse(run.stdout) as { warnings: string[] };
    expect(report.warnings).to.include(
      "lcm-ip-in-site-subnet was not evaluated: it needs --ip-plan",
    );
  });

  it("has --help for the program and the subcommand", async () => {
    const top = await stronghold(["--help"]);
    expect(top.code).to.equal(0);
    expect(top.stdout).to.match(/check \[options\] \[path\.\.\.\]\s+check machine configs/);
    const sub = await stronghold(["check", "--help"]);
    expect(sub.code).to.equal(0);
    for (const option of [
      "--baseline",
      "--overlay",
      "--waivers",
      "--licenses",
      "--assets",
      "--ip-plan",
      "--at",
      "--format",
      "--out",
      "--fail-on",
      "--min-score",
    ]) {
      expect(sub.stdout).to.include(option);
    }
  });
});

describe("stronghold check alone (the bundle's entry for check)", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-check-alone-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  const town = (name: string) => path.join(PROJECT_ROOT, "examples", "millbrook", name);
  const files = async (folder: string) =>
    Object.fromEntries(
      await Promise.all(
        (await readdir(folder)).map(async (f) => [f, await readFile(path.join(folder, f))]),
      ),
    ) as Record<string, Buffer>;

  it("answers exactly as the whole CLI does, reports byte for byte", async () => {
    const cases: ((out: string) => string[])[] = [
      () => ["--help"],
      () => ["--no-such-option"],
      () => [path.join(dir, "missing"), "--at", at],
      () => [town("machines"), "--format", "nope"],
      (out) => [
        town("machines"),
        "--overlay",
        town("overlay.yaml"),
        "--waivers",
        town("waivers.yaml"),
        "--at",
        at,
        "--format",
        "table,json,junit,sarif,markdown",
        "--out",
        out,
        "--fail-on",
        "high",
      ],
    ];
    for (const [i, args] of cases.entries()) {
      const outs = [path.join(dir, `whole-${i}`), path.join(dir, `alone-${i}`)];
      const [whole, alone] = [bufferIo(), bufferIo()];
      const codes = [
        await main(["node", "stronghold", "check", ...args(outs[0]!)], whole),
        await checkMain(["node", "stronghold", "check", ...args(outs[1]!)], alone),
      ];
      // Each writes into its own --out, which its messages name.
      const said = (io: typeof whole, out: string) => ({
        out: io.out().replaceAll(out, "<out>"),
        err: io.err().replaceAll(out, "<out>"),
      });
      const label = args("<out>").join(" ");
      expect(codes[1], label).to.equal(codes[0]);
      expect(said(alone, outs[1]!), label).to.deep.equal(said(whole, outs[0]!));
      if (args("<out>").includes("--out")) {
        const written = await files(outs[0]!);
        expect(Object.keys(written), label).to.have.length(5);
        expect(await files(outs[1]!), label).to.deep.equal(written);
      }
    }
  });
});
