// Install as a town would: `npm pack` the checkout, `npm install -g` the tarball into a temporary
// prefix (from the npm cache where it can), then run the installed `stronghold` from outside the
// clone. Slow (the Pulumi SDKs alone are ~250 MB), so it lives with the scale tests.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/support/project-root.js";

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function ok(ran: Ran, what: string): Ran {
  expect(ran.code, `${what}\n${ran.stdout}\n${ran.stderr}`).to.equal(0);
  return ran;
}

describe("stronghold installed from npm pack", function () {
  this.timeout(900_000);
  let dir: string;
  let prefix: string;
  let elsewhere: string;
  let env: NodeJS.ProcessEnv;
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    version: string;
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "stronghold-install-"));
    prefix = path.join(dir, "prefix");
    elsewhere = path.join(dir, "elsewhere");
    await run("mkdir", ["-p", elsewhere], dir, process.env);
    const packed = ok(
      await run("npm", ["pack", "--pack-destination", dir], PROJECT_ROOT, process.env),
      "npm pack",
    );
    const tarball = path.join(dir, packed.stdout.trim().split("\n").at(-1) ?? "");
    expect(existsSync(tarball), tarball).to.equal(true);
    ok(
      await run(
        "npm",
        [
          "install",
          "-g",
          "--prefix",
          prefix,
          "--prefer-offline",
          "--no-audit",
          "--no-fund",
          tarball,
        ],
        dir,
        process.env,
      ),
      "npm install -g",
    );
    // Only the installed bin directory and Node itself: no clone, no node_modules/.bin on PATH.
    env = {
      ...process.env,
      PATH: `${path.join(prefix, "bin")}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
    };
    delete env.NODE_OPTIONS;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const installedRoot = () => path.join(prefix, "lib", "node_modules", "stronghold");

  it("puts a working stronghold on PATH", async () => {
    const ran = ok(await run("stronghold", ["--version"], elsewhere, env), "--version");
    expect(ran.stdout.trim()).to.equal(manifest.version);
  });

  it("ships the bundle, policies, schemas and samples, and no sources or dev dependencies", () => {
    const root = installedRoot();
    for (const file of [
      "dist/stronghold.mjs",
      "dist/stronghold-collect.mjs",
      "dist/stronghold-check.mjs",
      "policies/baselines",
      "policies/schemas/machine-config.schema.json",
      "examples/millbrook/hosts.yaml",
      "scripts/collect-windows.ps1",
    ])
      expect(existsSync(path.join(root, file)), file).to.equal(true);
    expect(existsSync(path.join(root, "src")), "src/").to.equal(false);
    // The direct dev dependencies the lock file marks dev-only (esbuild is also tsx's, so it is
    // not); nested ones are left out, as npm resolves those afresh for the global install.
    const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.keys(manifest.devDependencies).filter(
      (d) => lock.packages[`node_modules/${d}`]?.dev === true,
    );
    expect(devOnly).to.include.members(["mocha", "eslint", "c8", "s3rver", "prettier"]);
    for (const dev of devOnly)
      expect(
        existsSync(path.join(root, "node_modules", dev)),
        `dev-only ${dev} installed`,
      ).to.equal(false);
  });

  it("loads the native better-sqlite3 it depends on", async () => {
    const ran = ok(
      await run(
        process.execPath,
        [
          "-e",
          "const D = require('better-sqlite3'); console.log(new D(':memory:').prepare('select 6*7 as x').get().x)",
        ],
        installedRoot(),
        env,
      ),
      "better-sqlite3",
    );
    expect(ran.stdout.trim()).to.equal("42");
  });

  it("checks the sample town from outside the clone", async () => {
    const town = path.join(installedRoot(), "examples", "millbrook");
    const ran = await run(
      "stronghold",
      [
        "check",
        path.join(town, "machines"),
        "--overlay",
        path.join(town, "overlay.yaml"),
        "--waivers",
        path.join(town, "waivers.yaml"),
        "--at",
        "2026-11-20T12:00:00Z",
        "--format",
        "json,sarif",
        "--out",
        "reports",
        "--fail-on",
        "high",
      ],
      elsewhere,
      env,
    );
    // The sample town has deliberate high-severity failures: the gate fails, exit 1.
    expect(ran.code, ran.stderr).to.equal(1);
    const report = JSON.parse(
      readFileSync(path.join(elsewhere, "reports", "stronghold-report.json"), "utf8"),
    ) as { subjects: unknown[]; gate: { passed?: boolean } };
    expect(report.subjects).to.have.length(56);
    expect(existsSync(path.join(elsewhere, "reports", "stronghold-report.sarif"))).to.equal(true);
  });

  it("plans a drill and shows help from outside the clone", async () => {
    const town = path.join(installedRoot(), "examples", "millbrook");
    const plan = ok(
      await run(
        "stronghold",
        [
          "drill",
          "run",
          "backup-integrity",
          "--dry-run",
          "--config",
          path.join(town, "drill.yaml"),
          "--hosts",
          path.join(town, "hosts.yaml"),
        ],
        elsewhere,
        env,
      ),
      "drill run --dry-run",
    );
    expect(plan.stdout).to.include("Dry run of backup-integrity");
    expect(plan.stdout).to.include("restic check --read-data-subset");
    const help = ok(await run("stronghold", ["drill", "--help"], elsewhere, env), "drill --help");
    expect(help.stdout).to.include("Usage: stronghold drill");
  });

  it("makes a workspace, checks it and schedules the installed command", async () => {
    const init = ok(
      await run("stronghold", ["init", "town", "--time-zone", "UTC"], elsewhere, env),
      "init",
    );
    expect(init.stdout).to.include("workspace for town");
    const town = path.join(elsewhere, "town");
    const check = await run("stronghold", ["check", "--format", "json", "--quiet"], town, env);
    // stronghold.yaml says failOn: high, and the sample machines fail high controls.
    expect(check.code, check.stderr).to.equal(1);
    expect((JSON.parse(check.stdout) as { subjects: unknown[] }).subjects).to.have.length(60);
    const cron = ok(await run("stronghold", ["schedule", "--emit", "cron"], town, env), "schedule");
    expect(cron.stdout).to.include(`&& ${path.join(prefix, "bin", "stronghold")} run\n`);
  });
});
