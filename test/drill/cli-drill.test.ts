/**
 * `stronghold drill` as a user meets it: list, show, the plan of a dry run (which touches nothing
 * and contacts no host), and exit 2 with every problem for bad input — inventory, config file,
 * flags, an unknown runbook, a fencing refusal. The examples in docs/drills.md load as written.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { loadInventory } from "../../src/hosts/load-inventory.js";
import { loadDrillConfig } from "../../src/drill/planning/config.js";
import { drillCli } from "./runbook-helpers.js";
import { treeState } from "./runbook-helpers.js";

describe("stronghold drill (command line)", function () {
  this.timeout(20_000);
  let dir: string;
  let hosts: string;
  let share: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-drill-cli-"));
    share = join(dir, "fs01", "share");
    await mkdir(share, { recursive: true });
    await writeFile(join(share, "a.txt"), "alpha\n");
    await writeFile(join(dir, "password"), "pw\n");
    hosts = join(dir, "hosts.yaml");
    // 203.0.113.0/24 is TEST-NET-3: nothing answers there, so any connection attempt would hang.
    await writeFile(
      hosts,
      [
        "version: 1",
        "hosts:",
        "  - name: fs01",
        "    address: 203.0.113.10",
        "    user: stronghold",
        "    roles: [file-server]",
        `    drill: { target: true, sandbox: [${join(dir, "fs01")}] }`,
        "  - name: dr01",
        "    address: 203.0.113.20",
        "    roles: [dr-host]",
        `    drill: { target: true, sandbox: [${join(dir, "dr01")}] }`,
        "  - name: clerk01",
        "    transport: local",
        "    roles: [workstation]",
        "",
      ].join("\n"),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("lists the runbooks with their objectives", async () => {
    const table = await drillCli(["list"]);
    expect(table.code).to.equal(0);
    expect(table.stdout.split("\n")[0]).to.match(/^ID\s+Title\s+RTO\s+RPO$/);
    expect(table.stdout).to.match(
      /backup-integrity\s+The offsite backup is recent and readable\s+n\/a\s+24 h 00 min/,
    );
    const json = JSON.parse((await drillCli(["list", "--format", "json"])).stdout) as {
      id: string;
    }[];
    expect(json.map((r) => r.id)).to.deep.equal([
      "file-deletion",
      "ransomware",
      "site-loss",
      "backup-integrity",
      "restore-test",
    ]);
  });

  it("shows a runbook: what it proves, its targets, what it needs, its steps", async () => {
    const shown = await drillCli(["show", "site-loss"]);
    expect(shown.code).to.equal(0);
    expect(shown.stdout).to.include(
      "dr: role dr-host (changed by the drill: must be a drill target)",
    );
    expect(shown.stdout).to.include("--health-check — the command that proves the service works");
    expect(shown.stdout).to.match(/ 4\. preflight\s+restore-space \[check\]/);
    expect(shown.stdout).to.match(/ 5\. inject\s+declare-primary-lost \[inject\]/);
  });

  it("an unknown runbook is a usage error naming the known ones", async () => {
    for (const args of [
      ["show", "flood"],
      ["run", "flood", "--hosts", hosts],
    ]) {
      const result = await drillCli(args);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include(
        'stronghold: no runbook "flood": choose one of file-deletion, ransomware, site-loss, backup-integrity, restore-test',
      );
    }
  });

  it("--dry-run prints the whole plan, contacts no host and touches nothing", async () => {
    const before = await treeState(dir);
    const started = Date.now();
    const result = await drillCli([
      "run",
      "file-deletion",
      "--hosts",
      hosts,
      "--repo",
      "rest:https://drill:hunter2@backup.example:8000/town",
      "--password-file",
      join(dir, "password"),
      "--data",
      share,
      "--runs-dir",
      join(dir, "runs"),
      "--dry-run",
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect(Date.now() - started).to.be.below(5_000);
    const out = result.stdout;
    expect(out).to.include("Nothing is changed and no host is contacted.");
    expect(out).to.include(
      "share (role file-server) → fs01 via ssh stronghold@203.0.113.10:22; changed by the drill",
    );
    expect(out).to.include("Repository:  rest:https://drill:[redacted]@backup.example:8000/town");
    expect(out).not.to.include("hunter2");
    for (const step of [
      "recovery-snapshot",
      "pre-disaster-manifest",
      "restore-space",
      "safeguard-share",
      "delete-files",
      "restore-snapshot",
      "swap-in-restored",
      "verify-share",
      "put-back-original",
      "remove-scratch",
    ])
      expect(out).to.include(`› ${step} [`);
    expect(out).to.include(
      "fs01$ restic -r 'rest:https://drill:[redacted]@backup.example:8000/town' snapshots --json",
    );
    expect(out).to.match(
      new RegExp(
        `changes fs01:${join(dir, "fs01")}/\\.stronghold-drill-[^/]+-file-deletion/restored`,
      ),
    );
    // The room for the restore is measured before the safeguard, with the commands it runs.
    expect(out.indexOf("› restore-space [")).to.be.lessThan(out.indexOf("› safeguard-share ["));
    expect(out).to.include("--mode restore-size");
    expect(out).to.match(
      new RegExp(
        `fs01\\$ df -B1 --output=avail,itotal,iavail,target -- <${join(dir, "fs01")}/\\.stronghold-drill-[^/]+-file-deletion or its nearest existing parent>`,
      ),
    );
    expect(existsSync(join(dir, "runs"))).to.equal(false);
    expect(await treeState(dir)).to.deep.equal(before);
  });

  it("refuses, before any step, a drill on a host that is not a drill target (exit 2)", async () => {
    const notTarget = join(dir, "not-target.yaml");
    await writeFile(
      notTarget,
      `version: 1\nhosts:\n  - { name: fs01, address: 203.0.113.10, roles: [file-server], drill: { target: false } }\n`,
    );
    const result = await drillCli([
      "run",
      "file-deletion",
      "--hosts",
      notTarget,
      "--repo",
      "/srv/repo",
      "--password-file",
      join(dir, "password"),
      "--data",
      "/srv/drill/share",
      "--dry-run",
    ]);
    expect(result.code).to.equal(2);
    const lines = result.stderr.split("\n");
    expect(lines.slice(0, 2)).to.deep.equal([
      "stronghold: drill file-deletion refused before any step ran (fencing):",
      `  fs01 (${notTarget} /hosts/0) plays file-server, which runbook file-deletion changes, but it is not marked drill.target: true`,
    ]);
    expect(result.stderr).to.include("outside its sandbox (none declared)");
  });

  it("reports every inventory problem with file, line and pointer (exit 2)", async () => {
    const bad = join(dir, "bad-hosts.yaml");
    await writeFile(
      bad,
      [
        "version: 1",
        "hosts:",
        "  - name: fs01",
        "    drill: { target: true }",
        "  - name: fs01",
        "    prot: 22",
        "",
      ].join("\n"),
    );
    const result = await drillCli(["run", "file-deletion", "--hosts", bad, "--dry-run"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include(`${bad}:6: /hosts/1/prot: is not a known field`);
    const lines = result.stderr.split("\n").filter((l) => l.startsWith(bad));
    expect(lines.length).to.be.greaterThan(0);
    expect(result.stderr).not.to.match(/at .*\.ts:\d+/); // no stack trace
  });

  it("lists every missing setting at once (exit 2)", async () => {
    const result = await drillCli(["run", "site-loss", "--hosts", hosts, "--dry-run"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include("cannot plan drill site-loss:");
    expect(result.stderr).to.include(
      "--data is required: the share to drill on, on the file server",
    );
    expect(result.stderr).to.include("--health-check is required");
    expect(result.stderr).to.include(
      "--dr-password-file is required: the DR site's own repository password file, a path on the DR host",
    );
    expect(result.stderr).to.include("give --repo <spec> or --stack-outputs <file>");
  });

  it("rejects malformed flags with a usage error", async () => {
    const cases: [string[], string][] = [
      [["--rto-minutes", "soon"], '--rto-minutes "soon" must be a positive number of minutes'],
      [["--sample", "0"], '--sample "0" must be a whole number ≥ 1'],
      [["--target", "fs01"], '--target "fs01" must be role=host'],
      [["--repo", "ftp://x/y"], 'repository "ftp://x/y"'],
      [
        ["--target", "dr-host=dr01"],
        "--target dr-host=…: runbook backup-integrity has no target or role dr-host",
      ],
    ];
    for (const [flags, message] of cases) {
      const result = await drillCli([
        "run",
        "backup-integrity",
        "--hosts",
        hosts,
        "--data",
        share,
        "--repo",
        "/srv/repo",
        ...flags,
        "--dry-run",
      ]);
      expect(result.code, flags.join(" ")).to.equal(2);
      expect(result.stderr, flags.join(" ")).to.include(message);
    }
  });

  it("needs the repository password for a real run", async () => {
    const result = await drillCli(
      ["run", "backup-integrity", "--hosts", hosts, "--data", share, "--repo", "/srv/repo"],
      { PATH: process.env.PATH },
    );
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include("the repository password is needed");
    // site-loss's DR host has its own; only a fresh snapshot, taken on the primary, needs ours.
    const fresh = await drillCli(
      [
        "run",
        "site-loss",
        "--hosts",
        hosts,
        "--data",
        share,
        "--repo",
        "/srv/repo",
        "--dr-password-file",
        "/etc/stronghold/restic.pass",
        "--health-check",
        "true",
        "--fresh-snapshot",
      ],
      { PATH: process.env.PATH },
    );
    expect(fresh.code).to.equal(2);
    expect(fresh.stderr).to.include("the repository password is needed");
  });

  it("reads settings from a drill config file, flags winning, and locates its problems", async () => {
    const config = join(dir, "drill.yaml");
    await writeFile(
      config,
      [
        "version: 1",
        "hosts: hosts.yaml",
        "repository: /srv/backup/restic",
        "passwordFile: password",
        `data: ${share}`,
        "rpoMinutes: 1440",
        "runbooks:",
        "  site-loss:",
        "    healthCheck: test -s a.txt",
        "    drPasswordFile: /etc/stronghold/restic.pass",
        "    rtoMinutes: 120",
        "",
      ].join("\n"),
    );
    const result = await drillCli([
      "run",
      "site-loss",
      "--config",
      config,
      "--rpo-minutes",
      "60",
      "--dry-run",
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include("Objectives:  RTO 2 h 00 min, RPO 1 h 00 min");
    // site-loss's DR host opens the repository with its own password file: ours is not used.
    expect(result.stdout).to.include("password not used by this run (the hosts use their own)");
    expect(result.stdout).to.include("sh -c 'test -s a.txt'");
    expect(result.stdout).to.include("RESTIC_PASSWORD_FILE=/etc/stronghold/restic.pass restic");

    const broken = join(dir, "broken.yaml");
    await writeFile(
      broken,
      [
        "version: 1",
        "repository: /r",
        "stackOutputs: o.json",
        "runbooks:",
        "  flood: { data: relative }",
        "  ransomware: { checkSubset: 9/4 }",
        "  file-deletion: { dwell: 3 days }",
        "  restore-test: { pick: oldest }",
        "",
      ].join("\n"),
    );
    const bad = await drillCli(["run", "ransomware", "--config", broken, "--dry-run"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include(`${broken}:3: /stackOutputs: conflicts with /repository`);
    expect(bad.stderr).to.include(`${broken}:5: /runbooks/flood: names no known runbook`);
    expect(bad.stderr).to.include(`${broken}:6: /runbooks/ransomware/checkSubset: must be "n/N"`);
    expect(bad.stderr).to.include(
      `${broken}:7: /runbooks/file-deletion/dwell: "3 days" is not a duration like 90m, 72h, 5d or 1d12h`,
    );
    expect(bad.stderr).to.include(
      `${broken}:8: /runbooks/restore-test/pick: "oldest" is not "newest" or "random:N"`,
    );
  });

  it("history with no runs says so", async () => {
    const result = await drillCli(["history", "--dir", join(dir, "none")]);
    expect(result).to.deep.include({ code: 0, stdout: `no drill runs in ${join(dir, "none")}\n` });
  });

  it("the sample town's drill config plans site-loss with the DR host's own password file", async () => {
    const result = await drillCli([
      "run",
      "site-loss",
      "--config",
      join(PROJECT_ROOT, "examples/millbrook/drill.yaml"),
      "--runs-dir",
      join(dir, "millbrook-runs"),
      "--dry-run",
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include("password not used by this run (the hosts use their own)");
    expect(result.stdout).to.match(
      /dr-fs01\$ RESTIC_PASSWORD_FILE=\/etc\/restic\/offsite\.pass restic -r s3:https:\/\/\S+ restore /,
    );
    expect(result.stdout).to.include("sh -c 'test -s index.html && grep -q Millbrook index.html'");
  });

  it("the drill inventory and config examples of docs/drills.md load as written", async () => {
    const section = await readFile(join(PROJECT_ROOT, "docs/drills.md"), "utf8");
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const inventoryBlock = blocks.find((b) => /^hosts:/m.test(b) && /drill:/.test(b));
    const configBlock = blocks.find((b) => /^runbooks:/m.test(b));
    expect(inventoryBlock, "inventory example").to.be.a("string");
    expect(configBlock, "config example").to.be.a("string");
    await writeFile(join(dir, "readme-hosts.yaml"), inventoryBlock!);
    const inventory = await loadInventory(join(dir, "readme-hosts.yaml"));
    expect(inventory.ok, JSON.stringify(inventory)).to.equal(true);
    await writeFile(join(dir, "readme-drill.yaml"), configBlock!);
    const config = await loadDrillConfig(join(dir, "readme-drill.yaml"), "site-loss", [
      "file-deletion",
      "ransomware",
      "site-loss",
      "backup-integrity",
    ]);
    expect(config.ok, JSON.stringify(config)).to.equal(true);
  });
});
