/**
 * A share with read-only folders (0555), drilled by a user who is not root, as a town's drill
 * account may be: with real restic on the local transport, the CLI run as that user. Without
 * relaxing a folder before changing it the inject fails ("rm: cannot remove … Permission
 * denied"); with it, file-deletion passes and ransomware recovers and verifies the share, and
 * afterwards every folder has its mode back: the share is identical to before, entry by entry.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { chmod, link, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { shareState } from "./kill-recover.js";

const USER = "stronghold-drill-user";

function ensureUser(): void {
  try {
    execFileSync("getent", ["passwd", USER], { stdio: "ignore" });
  } catch {
    try {
      execFileSync("useradd", ["-M", "-s", "/bin/sh", "-d", "/nonexistent", USER], {
        stdio: "ignore",
      });
    } catch (error) {
      execFileSync("getent", ["passwd", USER], { stdio: "ignore" }); // created meanwhile: fine
      void error;
    }
  }
}

describe("a share with read-only folders, drilled by a user who is not root (real restic, local)", function () {
  this.timeout(300_000);
  let dir: string;
  let share: string;
  let original: string[];
  let env: NodeJS.ProcessEnv;
  const as = (argv: readonly string[]) =>
    spawnSync("runuser", ["-u", USER, "--", ...argv], { env, encoding: "utf8", cwd: dir });

  before(async function () {
    if (process.getuid?.() !== 0) this.skip(); // creating the drill user needs root
    ensureUser();
    dir = await mkdtemp(join(tmpdir(), "stronghold-read-only-"));
    await chmod(dir, 0o755);
    const sandbox = join(dir, "sandbox");
    share = join(sandbox, "share");
    // "archive" sorts first: file-deletion removes that whole folder, read-only all the way down.
    await mkdir(join(share, "archive", "2019", "q4"), { recursive: true });
    await mkdir(join(share, "records", "sealed"), { recursive: true });
    await mkdir(join(share, "public", "empty"), { recursive: true });
    for (let i = 0; i < 6; i++) {
      await writeFile(join(share, "archive", "2019", "q4", `minutes-${i}.txt`), `minutes ${i}\n`);
      await writeFile(join(share, "records", "sealed", `deed-${i}.txt`), `deed ${i}\n`);
      await writeFile(join(share, "public", `notice-${i}.txt`), `notice ${i}\n`);
    }
    await writeFile(join(share, "public", "readme.txt"), "read me\n");
    await chmod(join(share, "public", "readme.txt"), 0o444);
    await link(join(share, "public", "notice-0.txt"), join(share, "public", "notice-copy.txt"));
    await symlink("../records/sealed/deed-1.txt", join(share, "public", "deed"));
    for (const folder of ["archive/2019/q4", "archive/2019", "archive", "records/sealed"])
      await chmod(join(share, folder), 0o555);
    await chmod(join(share, "records"), 0o2775);
    await mkdir(join(dir, "home"));
    await writeFile(join(dir, "password"), "read-only lab\n");
    execFileSync("chown", ["-R", `${USER}:`, sandbox, join(dir, "home"), join(dir, "password")]);
    await chmod(join(dir, "password"), 0o600);
    env = {
      PATH: process.env.PATH,
      HOME: join(dir, "home"),
      RESTIC_PASSWORD_FILE: join(dir, "password"),
    };
    await mkdir(join(dir, "repo"));
    await mkdir(join(dir, "runs"));
    execFileSync("chown", [`${USER}:`, join(dir, "repo"), join(dir, "runs")]);
    for (const argv of [
      ["restic", "-r", join(dir, "repo"), "init", "-q"],
      ["restic", "-r", join(dir, "repo"), "backup", "-q", share],
    ]) {
      const r = as(argv);
      if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
    }
    await writeFile(
      join(dir, "hosts.yaml"),
      stringify({
        version: 1,
        hosts: [
          {
            name: "fs01",
            transport: "local",
            roles: ["file-server"],
            drill: { target: true, sandbox: [sandbox] },
          },
        ],
      }),
    );
    original = shareState(share);
  });
  after(async () => {
    if (dir) {
      execFileSync("chmod", ["-R", "u+w", dir]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  const drill = (runbook: string, ...extra: string[]) =>
    as([
      process.execPath,
      join(PROJECT_ROOT, "bin", "stronghold.js"),
      "drill",
      "run",
      runbook,
      "--hosts",
      join(dir, "hosts.yaml"),
      "--repo",
      join(dir, "repo"),
      "--password-file",
      join(dir, "password"),
      "--data",
      share,
      "--runs-dir",
      join(dir, "runs"),
      ...extra,
    ]);

  it("the drill user really cannot change the read-only folders by hand", () => {
    const r = as(["rm", "-f", join(share, "records", "sealed", "deed-0.txt")]);
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/Permission denied/);
  });

  it("file-deletion passes, and every folder gets its mode back", () => {
    const r = drill("file-deletion");
    expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
    expect(r.stdout).to.match(/verify-put-back/);
    expect(shareState(share)).to.deep.equal(original);
  });

  it("ransomware recovers and verifies the share (its attack on a plain repository succeeds), and puts it back exactly", () => {
    const r = drill("ransomware", "--dwell", "1s", "--check-subset", "1/5");
    expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(1);
    expect(r.stderr).to.match(/backups-withstood-attack|backups can be destroyed/);
    expect(r.stdout).to.match(/verify-share/);
    expect(shareState(share)).to.deep.equal(original);
  });
});
