// `npm run setup` is safe to repeat: the real script against the real dpkg database, with apt-get
// and sudo replaced on PATH by recorders so a stray call is seen instead of run.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import {
  SYSTEM_PACKAGES,
  SetupError,
  ensureSystemPackages,
  missingPackages,
} from "../../scripts/system-packages.js";

const ABSENT = "stronghold-test-absent-package";

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run setup", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "stronghold-setup-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("installs nothing and calls no apt-get on a second run", async () => {
    const log = path.join(dir, "calls.log");
    const bin = path.join(dir, "bin");
    rmSync(bin, { recursive: true, force: true });
    await run("mkdir", ["-p", bin], process.env);
    for (const name of ["apt-get", "apt", "sudo"]) {
      writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${log}'\nexit 1\n`);
      chmodSync(path.join(bin, name), 0o755);
    }
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
    const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
    const outputs = [];
    for (let i = 0; i < 2; i++) {
      const result = await run(tsx, ["scripts/setup.ts", "--skip-build"], env);
      expect(result.stderr, `run ${i + 1}`).to.equal("");
      expect(result.code, `run ${i + 1}`).to.equal(0);
      outputs.push(result.stdout);
    }
    expect(existsSync(log) ? readFileSync(log, "utf8") : "").to.equal("");
    expect(outputs[1]).to.include(`system packages: all present (${SYSTEM_PACKAGES.join(", ")})`);
    expect(outputs[1]).to.not.match(/installing/);
    expect(outputs[1]).to.match(/stronghold \d+\.\d+\.\d+ is ready/);
  });

  it("reads the real dpkg status, not a shell-expanded format", async () => {
    expect(await missingPackages(["dpkg", ABSENT])).to.deep.equal([ABSENT]);
  });

  it("succeeds without root or sudo when everything is installed", async () => {
    const lines: string[] = [];
    const installed = await ensureSystemPackages({
      packages: SYSTEM_PACKAGES,
      uid: 1000,
      hasSudo: false,
      log: (l) => lines.push(l),
    });
    expect(installed).to.deep.equal([]);
    expect(lines).to.have.length(1);
  });

  it("says in one line what to do when a package is missing and it cannot install", async () => {
    const error = await ensureSystemPackages({
      packages: ["dpkg", ABSENT],
      uid: 1000,
      hasSudo: false,
      log: () => {},
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(SetupError);
    const message = (error as SetupError).message;
    expect(message).to.not.include("\n");
    expect(message).to.include(`missing Debian packages: ${ABSENT};`);
    expect(message).to.include(`apt-get install ${ABSENT}`);
  });

  it("says the dpkg lock is busy when another apt run holds it", async function () {
    if (process.getuid?.() !== 0) this.skip(); // only root can take the system's dpkg lock
    // Hold the real lock the way apt does (an fcntl lock) for the length of this test.
    const holder: ChildProcess = spawn(
      "/usr/bin/python3",
      [
        "-c",
        "import fcntl,sys\nf=open('/var/lib/dpkg/lock-frontend','w')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('held',flush=True)\nsys.stdin.read()",
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout?.once("data", () => resolve());
        holder.once("error", reject);
        holder.once("exit", (code) => reject(new Error(`lock holder exited ${code}`)));
      });
      const error = await ensureSystemPackages({
        packages: [ABSENT],
        uid: 0,
        hasSudo: false,
        log: () => {},
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SetupError);
      const message = (error as SetupError).message;
      expect(message).to.not.include("\n");
      expect(message).to.match(/^apt-get install: the dpkg lock is busy \(Could not get lock/);
      expect(message).to.include("run setup again");
    } finally {
      holder.stdin?.end();
      holder.kill();
    }
  });
});
