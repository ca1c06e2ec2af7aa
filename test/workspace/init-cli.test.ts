// A town workspace end to end through the CLI, in process: `stronghold init` scaffolds it, refuses
// to overwrite it, and `check`, `budget` and `drill run --dry-run` run inside it take their
// settings from stronghold.yaml while flags still win.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { RUNBOOKS } from "../../runbooks/index.js";
import { loadWorkspace } from "../../src/workspace/workspace-file.js";
import { strongholdInProcess } from "../fixtures/stronghold-in-process.js";

const execFileAsync = promisify(execFile);

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cwd: string, ...args: string[]): Promise<Ran> {
  return strongholdInProcess(args, { cwd });
}

describe("stronghold init and the workspace", function () {
  this.timeout(60_000);
  let tmp: string;
  let ws: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "stronghold-ws-"));
    ws = path.join(tmp, "ashford");
    const ran = await run(
      tmp,
      "init",
      "ashford",
      "--town",
      "Town of Ashford",
      "--time-zone",
      "America/New_York",
    );
    expect(ran.stderr).to.equal("");
    expect(ran.code).to.equal(0);
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  describe("init", () => {
    it("writes a valid stronghold.yaml, a sample of every file it names, .gitignore and workflows", async () => {
      const loaded = await loadWorkspace(
        path.join(ws, "stronghold.yaml"),
        RUNBOOKS.map((r) => r.meta.id),
      );
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
      const w = loaded.workspace;
      expect(w.town).to.equal("Town of Ashford");
      expect(w.timeZone).to.equal("America/New_York");
      for (const file of [
        w.machines,
        w.hosts,
        w.overlay!,
        w.waivers!,
        w.ipPlan!,
        w.networkDevices!,
        w.drill!,
        w.stackOutputs!,
        ...Object.values(w.registers),
        path.join(ws, ".gitignore"),
        path.join(ws, "evidence"),
        path.join(ws, ".github/workflows/compliance.yml"),
        path.join(ws, ".github/workflows/nightly.yml"),
      ])
        expect(existsSync(file), file).to.equal(true);
      expect(Object.keys(w.registers)).to.have.members([
        "licenses",
        "assets",
        "disposals",
        "contracts",
        "prices",
      ]);
      expect(w.drills.map((d) => `${d.runbook} ${d.every}`)).to.include.members([
        "backup-integrity daily",
        "restore-test weekly",
      ]);
      expect(w.install).to.equal(path.join(ws, "vendor", "stronghold-0.1.0.tgz"));
      const gitignore = await readFile(path.join(ws, ".gitignore"), "utf8");
      expect(gitignore).to.include("*.pass").and.include(".stronghold-run.lock");
    });

    it("refuses to overwrite a workspace and writes nothing; --force rewrites", async () => {
      const hosts = path.join(ws, "hosts.yaml");
      const original = await readFile(hosts, "utf8");
      await writeFile(hosts, original + "# the town's own edit\n");
      const again = await run(tmp, "init", "ashford");
      expect(again.code).to.equal(2);
      expect(again.stderr).to.match(/already has stronghold\.yaml, .*nothing was written; --force/);
      expect(await readFile(hosts, "utf8")).to.include("# the town's own edit");
      const forced = await run(ws, "init", "--force", "--town", "Town of Ashford");
      expect(forced.code, forced.stderr).to.equal(0);
      expect(await readFile(hosts, "utf8")).to.equal(original);
    });

    it("refuses an unknown time zone", async () => {
      const ran = await run(tmp, "init", "elsewhere", "--time-zone", "Mars/Olympus");
      expect(ran.code).to.equal(2);
      expect(ran.stderr).to.include('--time-zone "Mars/Olympus" is not an IANA time zone');
      expect(existsSync(path.join(tmp, "elsewhere", "stronghold.yaml"))).to.equal(false);
    });
  });

  describe("check inside the workspace", () => {
    it("checks the workspace's machines with its overlay, waivers, registers and --fail-on", async () => {
      const ran = await run(
        path.join(ws, "machines"),
        "check",
        "--format",
        "json",
        "--at",
        "2026-11-20",
      );
      // failOn: high in stronghold.yaml, and the sample town fails high controls.
      expect(ran.code, ran.stderr).to.equal(1);
      const report = JSON.parse(ran.stdout) as {
        subjects: unknown[];
        overlay: { file: string };
        gate: { failOn: string };
        warnings: string[];
      };
      expect(report.subjects).to.have.length(60); // 56 machines and 4 network devices
      expect(report.overlay.file).to.equal(path.join(ws, "policy", "overlay.yaml"));
      expect(report.gate.failOn).to.equal("high");
      // The registers and IP plan were given: no control is left unevaluated for want of them.
      expect(report.warnings.join("\n")).to.not.match(
        /needs --(assets|licenses|ip-plan|disposals)/,
      );
    });

    it("lets flags win: --fail-on, the paths, --baseline instead of the overlay", async () => {
      const ran = await run(
        ws,
        "check",
        path.join(ws, "machines", "dpw-ws-01.yaml"),
        "--baseline",
        "security",
        "--fail-on",
        "never",
        "--format",
        "json",
        "--at",
        "2026-11-20",
      );
      expect(ran.code, ran.stderr).to.equal(0);
      const report = JSON.parse(ran.stdout) as {
        subjects: unknown[];
        baselines: { id: string }[];
        gate: { failOn: string };
      };
      expect(report.subjects).to.have.length(1);
      expect(report.gate.failOn).to.equal("never");
      expect(report.baselines.map((b) => b.id)).to.deep.equal(["security"]);
    });

    it("still needs a path outside a workspace", async () => {
      const ran = await run(tmp, "check");
      expect(ran.code).to.equal(2);
      expect(ran.stderr).to.include("give a path, or run it inside a workspace");
    });
  });

  describe("budget inside the workspace", () => {
    it("takes the fiscal year start from stronghold.yaml, and --fiscal-year-start wins", async () => {
      const file = path.join(ws, "stronghold.yaml");
      const text = await readFile(file, "utf8");
      // Not the command's own default (07-01), so the value can only come from the workspace.
      await writeFile(file, text.replace('fiscalYearStart: "07-01"', 'fiscalYearStart: "10-01"'));
      const fromWorkspace = await run(ws, "budget", "--at", "2026-11-20", "--format", "json");
      expect(fromWorkspace.code, fromWorkspace.stderr).to.equal(0);
      const flagged = await run(
        ws,
        "budget",
        "--at",
        "2026-11-20",
        "--format",
        "json",
        "--fiscal-year-start",
        "01-01",
      );
      expect(flagged.code, flagged.stderr).to.equal(0);
      const fy = (text: string) =>
        (JSON.parse(text) as { fiscalYearStart: string }).fiscalYearStart;
      expect(fy(fromWorkspace.stdout)).to.equal("10-01");
      expect(fy(flagged.stdout)).to.equal("01-01");
    });
  });

  describe("drill run inside the workspace", () => {
    it("plans from the workspace's drill config, inventory and evidence folder", async () => {
      const ran = await run(ws, "drill", "run", "backup-integrity", "--dry-run");
      expect(ran.code, ran.stderr).to.equal(0);
      expect(ran.stdout).to.include(`Inventory:   ${path.join(ws, "hosts.yaml")}`);
      expect(ran.stdout).to.include(`Evidence:    ${path.join(ws, "evidence", "drills")}/`);
      expect(ran.stdout).to.include("offsite-bucket-77dd842"); // from the stack outputs
    });

    it("lets --hosts and --runs-dir win over the workspace", async () => {
      const inventory = parse(await readFile(path.join(ws, "hosts.yaml"), "utf8")) as {
        hosts: { name: string }[];
      };
      const other = path.join(tmp, "other-hosts.yaml");
      await writeFile(
        other,
        (await readFile(path.join(ws, "hosts.yaml"), "utf8")).replaceAll("th-fs01", "th-fs09"),
      );
      expect(inventory.hosts.map((h) => h.name)).to.include("th-fs01");
      const ran = await run(
        ws,
        "drill",
        "run",
        "backup-integrity",
        "--dry-run",
        "--hosts",
        other,
        "--runs-dir",
        path.join(tmp, "runs"),
      );
      expect(ran.code, ran.stderr).to.equal(0);
      expect(ran.stdout).to.include(`Inventory:   ${other}`);
      expect(ran.stdout).to.include("th-fs09");
      expect(ran.stdout).to.include(`Evidence:    ${path.join(tmp, "runs")}/`);
    });
  });

  describe("drill recover, prune and history, and dispose inside the workspace", () => {
    let dir: string;
    before(async () => {
      dir = path.join(tmp, "upkeep");
      expect((await run(tmp, "init", "upkeep", "--time-zone", "UTC")).code).to.equal(0);
      // This machine as the only drill host, and a real restic repository on disk.
      await mkdir(path.join(tmp, "upkeep-sandbox"));
      await writeFile(
        path.join(dir, "hosts.yaml"),
        `version: 1\nhosts:\n  - name: here\n    transport: local\n    drill: { target: true, sandbox: [${path.join(tmp, "upkeep-sandbox")}] }\n`,
      );
      const repo = path.join(tmp, "upkeep-repo");
      const pass = path.join(tmp, "upkeep.pass");
      await writeFile(pass, "correct horse battery staple\n", { mode: 0o600 });
      await execFileAsync("restic", ["init", "--repo", repo, "--password-file", pass]);
      await writeFile(
        path.join(dir, "drill.yaml"),
        `version: 1\nrepository: ${repo}\npasswordFile: ${pass}\ndata: /srv/share\n`,
      );
    });

    it("drill recover asks the workspace's drill hosts", async () => {
      const ran = await run(dir, "drill", "recover");
      expect(ran.code, ran.stderr).to.equal(0);
      // The workspace's one local drill host, not the sample's two unreachable ones.
      expect(ran.stdout).to.include("nothing to recover: no drill journal on 1 drill host(s)");
    });

    it("drill prune takes the repository and password from the workspace's drill config", async () => {
      const ran = await run(dir, "drill", "prune", "--dry-run");
      expect(ran.code, ran.stderr).to.equal(0);
      expect(ran.stdout).to.include("nothing to forget: 0 drill snapshot(s)");
      const elsewhere = await run(tmp, "drill", "prune", "--dry-run");
      expect(elsewhere.code).to.equal(2);
      expect(elsewhere.stderr).to.include("drill prune needs --repo");
    });

    it("drill history reads evidence/drills; --dir wins", async () => {
      const ran = await run(dir, "drill", "history");
      expect(ran.code, ran.stderr).to.equal(0);
      expect(ran.stdout).to.equal(`no drill runs in ${path.join(dir, "evidence", "drills")}\n`);
      const other = path.join(tmp, "no-runs");
      const flagged = await run(dir, "drill", "history", "--dir", other);
      expect(flagged.stdout).to.equal(`no drill runs in ${other}\n`);
    });

    it("dispose appends to the workspace's disposal register; --register wins", async () => {
      const certificate = path.join(tmp, "upkeep-cert.pdf");
      await writeFile(certificate, "certificate of destruction");
      const args = ["--method", "destroy", "--by", "A. Clerk", "--witness", "B. Chief"];
      const ran = await run(dir, "dispose", "TH-0042", ...args, "--certificate", certificate);
      expect(ran.code, ran.stderr).to.equal(0);
      const register = path.join(dir, "registers", "disposals.csv");
      expect(ran.stdout).to.include(`(${register} line`);
      expect(await readFile(register, "utf8")).to.include("TH-0042");
      const own = path.join(tmp, "own-disposals.csv");
      const flagged = await run(
        dir,
        "dispose",
        "TH-0043",
        ...args,
        "--certificate",
        certificate,
        "--register",
        own,
      );
      expect(flagged.code, flagged.stderr).to.equal(0);
      expect(await readFile(own, "utf8")).to.include("TH-0043");
      const outside = await run(tmp, "dispose", "TH-0044", ...args, "--certificate", certificate);
      expect(outside.code).to.equal(2);
      expect(outside.stderr).to.include("dispose needs --register");
    });
  });

  describe("collect inside the workspace", () => {
    it("collects the workspace's hosts into its machines folder, the report into evidence; --out wins", async () => {
      const dir = path.join(tmp, "collecting");
      expect((await run(tmp, "init", "collecting", "--time-zone", "UTC")).code).to.equal(0);
      // This machine itself, so no SSH host is needed.
      await writeFile(
        path.join(dir, "hosts.yaml"),
        "version: 1\nhosts:\n  - name: here\n    transport: local\n    machine: { department: it, site: lab, role: server }\n",
      );
      const ran = await run(dir, "collect", "--quiet");
      expect(ran.code, ran.stderr).to.equal(0);
      expect(existsSync(path.join(dir, "machines", "here.json"))).to.equal(true);
      expect(existsSync(path.join(dir, "evidence", "reports", "collection-report.json"))).to.equal(
        true,
      );
      const elsewhere = path.join(tmp, "collected");
      const flagged = await run(dir, "collect", "--quiet", "--out", elsewhere);
      expect(flagged.code, flagged.stderr).to.equal(0);
      expect(existsSync(path.join(elsewhere, "here.json"))).to.equal(true);
    });

    it("still needs --hosts outside a workspace", async () => {
      const ran = await run(tmp, "collect");
      expect(ran.code).to.equal(2);
      expect(ran.stderr).to.include("collect needs --hosts");
    });
  });

  describe("a broken stronghold.yaml", () => {
    it("is refused with every problem located by line and pointer", async () => {
      const dir = path.join(tmp, "broken");
      expect((await run(tmp, "init", "broken", "--time-zone", "UTC")).code).to.equal(0);
      const file = path.join(dir, "stronghold.yaml");
      const text = (await readFile(file, "utf8"))
        .replace("timeZone: UTC", "timeZone: Mars/Olympus")
        .replace("install: vendor/stronghold-0.1.0.tgz", "install: stronghold")
        .replace("runbook: restore-test", "runbook: restore-tset");
      await writeFile(file, text);
      const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
      const bareName = await run(dir, "check");
      expect(bareName.code).to.equal(2);
      expect(bareName.stderr).to.include(`${file}:${lineOf("install: stronghold")}: /install:`);
      expect(bareName.stderr).to.not.match(/\n\s+at /); // no stack trace
      await writeFile(file, text.replace("install: stronghold", "install: vendor/s.tgz"));
      const ran = await run(dir, "drill", "run", "backup-integrity", "--dry-run");
      expect(ran.code).to.equal(2);
      expect(ran.stderr).to.include(
        `${file}:${lineOf("Mars/Olympus")}: /timeZone: "Mars/Olympus" is not an IANA time zone`,
      );
      expect(ran.stderr).to.include(
        `${file}:${lineOf("restore-tset")}: /schedule/drills/1/runbook: no runbook "restore-tset"`,
      );
    });
  });
});
