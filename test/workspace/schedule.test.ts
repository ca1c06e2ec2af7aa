// `stronghold schedule` from a workspace made by `stronghold init`: the systemd units pass the real
// `systemd-analyze verify`, --install places them under a temporary root, the cron file and the
// workflows name only commands the CLI has, and a workflow installs the town's own copy.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import type { Command } from "commander";
import { parse } from "yaml";
import { buildProgram } from "../../src/cli/main.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { loadWorkspace } from "../../src/workspace/workspace-file.js";
import { cronIsDue, utcCrons } from "../../src/workspace/schedule.js";
import { strongholdInProcess } from "../fixtures/stronghold-in-process.js";

const COMMAND = path.join(PROJECT_ROOT, "bin", "stronghold.js");

async function run(cwd: string, ...args: string[]) {
  return runWith("/usr/bin:/bin", cwd, ...args);
}

function runWith(PATH: string, cwd: string, ...args: string[]) {
  return strongholdInProcess(args, { cwd, env: { PATH } });
}

function verify(files: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/systemd-analyze", ["verify", ...files]);
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Every command path the CLI registers, e.g. "check", "drill run", with its long options. */
function registeredCommands(): Map<string, Set<string>> {
  const program = buildProgram(
    {
      stdout: () => undefined,
      stderr: () => undefined,
      stdin: new PassThrough(),
      env: {},
      isTTY: false,
    },
    () => undefined,
  );
  const names = new Map<string, Set<string>>();
  const walk = (command: Command, prefix: string[]) => {
    for (const sub of command.commands) {
      const words = [...prefix, sub.name()];
      names.set(words.join(" "), new Set(sub.options.map((o) => o.long ?? "")));
      walk(sub, words);
    }
  };
  walk(program, []);
  return names;
}

/** Each `stronghold` command in a text: its words (["drill", "run"]) and the --options after them. */
function strongholdCommands(text: string): { words: string[]; options: string[] }[] {
  return [
    ...text.matchAll(
      /(?:^|[\s'"/])stronghold(?:\.js)?\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?([^\n]*)/g,
    ),
  ].map((m) => ({
    words: [m[1]!, ...(m[2] ? [m[2]] : [])],
    options: [...m[3]!.matchAll(/(?:^|[\s+:])(--[a-z][a-z-]*)/g)].map((o) => o[1]!),
  }));
}

/** Asserts every command and option a text runs exists; returns how many commands it found. */
function expectOnlyRealCommands(text: string, what: string): number {
  const known = registeredCommands();
  const found = strongholdCommands(text);
  for (const { words, options } of found) {
    const name = known.has(words.join(" ")) ? words.join(" ") : words[0]!;
    expect(known.has(name), `${what}: stronghold ${words.join(" ")}`).to.equal(true);
    // A group (drill) is never run bare: its subcommand must exist too.
    if (words[0] === "drill")
      expect(known.has(words.join(" ")), `${what}: ${words.join(" ")}`).to.equal(true);
    for (const option of options)
      expect(known.get(name)!.has(option), `${what}: stronghold ${name} ${option}`).to.equal(true);
  }
  return found.length;
}

describe("stronghold schedule", function () {
  this.timeout(60_000);
  let tmp: string;
  let ws: string;
  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "stronghold-schedule-"));
    ws = path.join(tmp, "ashford");
    const init = await run(tmp, "init", "ashford", "--time-zone", "America/New_York");
    expect(init.code, init.stderr).to.equal(0);
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  it("emits systemd units that systemd-analyze verify accepts", async () => {
    const out = path.join(tmp, "units");
    const ran = await run(ws, "schedule", "--emit", "systemd", "--out", out, "--command", COMMAND);
    expect(ran.code, ran.stderr).to.equal(0);
    const files = (await readdir(out)).sort();
    // One job: the run decides which drills are due; its own lock keeps runs apart.
    expect(files).to.deep.equal(["stronghold-nightly.service", "stronghold-nightly.timer"]);
    const verified = await verify(files.map((f) => path.join(out, f)));
    expect(verified.output).to.equal("");
    expect(verified.code).to.equal(0);
    const service = await readFile(path.join(out, "stronghold-nightly.service"), "utf8");
    expect(service).to.include(`WorkingDirectory=${ws}\n`);
    expect(service).to.include(`ExecStart=${COMMAND} run\n`);
    expect(service).to.include("TimeoutStopSec=15min\n");
    expect(service).to.include("backup-integrity daily, restore-test weekly");
    const timer = await readFile(path.join(out, "stronghold-nightly.timer"), "utf8");
    expect(timer).to.include("OnCalendar=*-*-* 02:15:00 America/New_York\n");
    expect(timer).to.include("Persistent=true\n");
    for (const f of files) expectOnlyRealCommands(await readFile(path.join(out, f), "utf8"), f);
  });

  it("verify catches a broken unit (the check above is not vacuous)", async () => {
    const out = path.join(tmp, "units");
    const broken = path.join(tmp, "broken.service");
    const text = (await readFile(path.join(out, "stronghold-nightly.service"), "utf8")).replace(
      "TimeoutStopSec=15min",
      "TimeoutStopSec=fifteen",
    );
    await writeFile(broken, text);
    const verified = await verify([broken]);
    expect(verified.output).to.include("Failed to parse");
  });

  it("--install places the units under --root and says how to enable them", async () => {
    const root = path.join(tmp, "root");
    const ran = await run(
      ws,
      "schedule",
      "--install",
      "--root",
      root,
      "--user",
      "stronghold",
      "--command",
      COMMAND,
    );
    expect(ran.code, ran.stderr).to.equal(0);
    const dir = path.join(root, "etc", "systemd", "system");
    const files = (await readdir(dir)).sort();
    expect(files).to.deep.equal(["stronghold-nightly.service", "stronghold-nightly.timer"]);
    for (const f of files) expect(statSync(path.join(dir, f)).mode & 0o777, f).to.equal(0o644);
    expect(ran.stdout).to.include(
      "systemctl daemon-reload && systemctl enable --now stronghold-nightly.timer",
    );
    const verified = await verify(files.map((f) => path.join(dir, f)));
    expect(verified.output).to.equal("");
    expect(verified.code).to.equal(0);
    expect(await readFile(path.join(dir, "stronghold-nightly.service"), "utf8")).to.include(
      "User=stronghold\n",
    );
  });

  it("emits a cron file: one line running the installed command in the workspace, the time zone", async () => {
    const out = path.join(tmp, "cron");
    const ran = await run(ws, "schedule", "--emit", "cron", "--out", out, "--command", COMMAND);
    expect(ran.code, ran.stderr).to.equal(0);
    const text = await readFile(path.join(out, "stronghold"), "utf8");
    expect(text).to.include("CRON_TZ=America/New_York\n");
    const jobs = text.split("\n").filter((l) => /^\d/.test(l));
    // minute hour day-of-month month day-of-week user command
    expect(jobs).to.deep.equal([`15 2 * * * root cd ${ws} && ${COMMAND} run`]);
    expect(expectOnlyRealCommands(jobs.join("\n"), "cron")).to.equal(1);
  });

  it("emits a workflow that parses, installs the town's tarball and runs only real commands", async () => {
    const out = path.join(tmp, "workflows");
    const ran = await run(ws, "schedule", "--emit", "github", "--out", out, "--command", COMMAND);
    expect(ran.code, ran.stderr).to.equal(0);
    for (const file of [
      path.join(out, "nightly.yml"),
      path.join(ws, ".github/workflows/nightly.yml"),
      path.join(ws, ".github/workflows/compliance.yml"),
    ]) {
      const text = await readFile(file, "utf8");
      const workflow = parse(text) as {
        on: Record<string, unknown>;
        jobs: Record<string, { steps: { run?: string; uses?: string; if?: string }[] }>;
      };
      const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
      for (const s of steps)
        expect(s.run ?? s.uses, `${file}: ${JSON.stringify(s)}`).to.be.a("string");
      const runs = steps.flatMap((s) => (s.run ? [s.run] : []));
      expect(runs).to.include("npm install -g ./vendor/stronghold-0.1.0.tgz");
      // Never a bare package name, never npx.
      expect(text).to.not.match(/npx|npm install -g stronghold/);
      expect(expectOnlyRealCommands(runs.join("\n"), file)).to.be.greaterThan(0);
    }
    const nightly = parse(await readFile(path.join(out, "nightly.yml"), "utf8")) as {
      on: { schedule: { cron: string }[] };
      concurrency: { "cancel-in-progress": boolean };
    };
    // New York has two UTC offsets a year: one cron for each.
    expect(nightly.on.schedule.map((s) => s.cron)).to.deep.equal(["15 7 * * *", "15 6 * * *"]);
    expect(nightly.concurrency["cancel-in-progress"]).to.equal(false);
    const compliance = await readFile(path.join(ws, ".github/workflows/compliance.yml"), "utf8");
    expect(compliance).to.include("github/codeql-action/upload-sarif");
    expect(compliance).to.include("GITHUB_STEP_SUMMARY");
    expect((parse(compliance) as { on: object }).on).to.have.key("pull_request");
  });

  it("refuses without a workspace, and with contradicting options", async () => {
    const outside = await run(tmp, "schedule", "--emit", "cron");
    expect(outside.code).to.equal(2);
    expect(outside.stderr).to.include("run it inside a workspace");
    const both = await run(ws, "schedule", "--install", "--emit", "cron");
    expect(both.code).to.equal(2);
    expect(both.stderr).to.include("--install places systemd units, not cron files");
    const relative = await run(ws, "schedule", "--emit", "cron", "--command", "stronghold");
    expect(relative.code).to.equal(2);
    expect(relative.stderr).to.include('--command "stronghold" must be an absolute path');
  });

  it("runs the stronghold on PATH when it is this copy, else this copy's bin/stronghold.js", async () => {
    const bin = path.join(tmp, "bin");
    await mkdir(bin);
    await symlink(COMMAND, path.join(bin, "stronghold"));
    const onPath = await runWith(`${bin}:/usr/bin:/bin`, ws, "schedule", "--emit", "cron");
    expect(onPath.code, onPath.stderr).to.equal(0);
    expect(onPath.stdout).to.include(`&& ${path.join(bin, "stronghold")} run\n`);
    const notOnPath = await run(ws, "schedule", "--emit", "cron");
    expect(notOnPath.stdout).to.include(`&& ${COMMAND} run\n`);
  });

  describe("GitHub schedules in UTC", () => {
    const workspaceAt = async (timeZone: string, at: string) => {
      const text = (await readFile(path.join(ws, "stronghold.yaml"), "utf8"))
        .replace(/^timeZone: .*$/m, `timeZone: ${timeZone}`)
        .replace(/^ {2}at: .*$/m, `  at: "${at}"`);
      const file = path.join(
        tmp,
        `zone-${timeZone.replace("/", "-")}-${at.replace(":", "")}`,
        "stronghold.yaml",
      );
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      const loaded = await loadWorkspace(file, [
        "backup-integrity",
        "restore-test",
        "file-deletion",
        "site-loss",
      ]);
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
      return loaded.workspace;
    };
    const cases: [string, string, string, string[]][] = [
      [
        "New York: two offsets, two crons",
        "America/New_York",
        "02:15",
        ["15 7 * * *", "15 6 * * *"],
      ],
      ["Tokyo: no daylight saving, the day before in UTC", "Asia/Tokyo", "02:15", ["15 17 * * *"]],
      ["Honolulu: the day after in UTC", "Pacific/Honolulu", "20:00", ["0 6 * * *"]],
      [
        "Sydney: daylight saving in the southern summer",
        "Australia/Sydney",
        "01:30",
        ["30 14 * * *", "30 15 * * *"],
      ],
      ["UTC", "UTC", "05:00", ["0 5 * * *"]],
    ];
    for (const [name, zone, at, expected] of cases)
      it(name, async () =>
        expect(utcCrons(await workspaceAt(zone, at), 2026)).to.deep.equal(expected),
      );

    it("lets only the cron that falls at schedule.at local time go on, also when GitHub starts it late", async () => {
      const ny = await workspaceAt("America/New_York", "02:15");
      const winter = (t: string) => new Date(`2026-12-05T${t}Z`);
      const summer = (t: string) => new Date(`2026-07-05T${t}Z`);
      expect(cronIsDue(ny, "15 7 * * *", winter("07:15:00"))).to.equal(true);
      expect(cronIsDue(ny, "15 7 * * *", winter("08:40:00")), "85 min late").to.equal(true);
      expect(cronIsDue(ny, "15 6 * * *", winter("06:20:00"))).to.equal(false);
      expect(cronIsDue(ny, "15 6 * * *", summer("06:15:00"))).to.equal(true);
      expect(cronIsDue(ny, "15 7 * * *", summer("07:16:00"))).to.equal(false);
      const tokyo = await workspaceAt("Asia/Tokyo", "02:15");
      expect(cronIsDue(tokyo, "15 17 * * *", winter("17:30:00"))).to.equal(true);
      expect(cronIsDue(ny, "15 7 * * 1", winter("07:15:00"))).to.equal(undefined);
      expect(cronIsDue(ny, "75 7 * * *", winter("07:15:00"))).to.equal(undefined);
    });

    it("stronghold run --utc-cron: the other side of daylight saving exits 0 at once, a bad cron exits 2", async () => {
      const loaded = await loadWorkspace(path.join(ws, "stronghold.yaml"), [
        "backup-integrity",
        "restore-test",
        "file-deletion",
        "site-loss",
      ]);
      if (!loaded.ok) throw new Error("workspace");
      const now = new Date();
      const other = utcCrons(loaded.workspace, now.getUTCFullYear()).find(
        (c) => cronIsDue(loaded.workspace, c, now) === false,
      );
      expect(other, "New York has a cron that is not due now").to.be.a("string");
      const skipped = await run(ws, "run", "--utc-cron", other!);
      expect(skipped.code, skipped.stderr).to.equal(0);
      expect(skipped.stdout).to.include(
        `not due: the UTC cron "${other}" does not fall at 02:15 America/New_York today`,
      );
      expect(existsSync(path.join(ws, "evidence", "runs")), "no run started").to.equal(false);
      const bad = await run(ws, "run", "--utc-cron", "15 7 * * 1");
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include('--utc-cron "15 7 * * 1" is not a daily cron');
    });
  });
});
