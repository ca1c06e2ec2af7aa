// `stronghold schedule` from a workspace made by `stronghold init`: the systemd units pass the real
// `systemd-analyze verify`, --install places them under a temporary root, the cron file and the
// workflows name only commands the CLI has, and a workflow installs the town's own copy.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import type { Command } from "commander";
import { parse } from "yaml";
import { buildProgram, main } from "../../src/cli/main.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { utcCronFields } from "../../src/workspace/schedule.js";

const COMMAND = path.join(PROJECT_ROOT, "bin", "stronghold.js");

async function run(cwd: string, ...args: string[]) {
  return runWith("/usr/bin:/bin", cwd, ...args);
}

async function runWith(PATH: string, cwd: string, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "stronghold", ...args], {
    stdout: (chunk) => void (stdout += chunk),
    stderr: (chunk) => void (stderr += chunk),
    stdin: new PassThrough(),
    env: { NO_COLOR: "1", PATH },
    isTTY: false,
    cwd,
  });
  return { code, stdout, stderr };
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

/** Every command path the CLI registers, e.g. "check", "drill run". */
function registeredCommands(): Set<string> {
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
  const names = new Set<string>();
  const walk = (command: Command, prefix: string[]) => {
    for (const sub of command.commands) {
      const words = [...prefix, sub.name()];
      names.add(words.join(" "));
      walk(sub, words);
    }
  };
  walk(program, []);
  return names;
}

/** The command words after each `stronghold` (or its path) in a text: ["drill", "run"], ["check"]. */
function strongholdCommands(text: string): string[][] {
  return [
    ...text.matchAll(/(?:^|[\s'"/])stronghold(?:\.js)?\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?/g),
  ].map((m) => [m[1]!, ...(m[2] ? [m[2]] : [])]);
}

function expectOnlyRealCommands(text: string, what: string): number {
  const known = registeredCommands();
  const found = strongholdCommands(text);
  for (const words of found) {
    const name = known.has(words.join(" ")) ? words.join(" ") : words[0]!;
    expect(known.has(name), `${what}: stronghold ${words.join(" ")}`).to.equal(true);
    // A group (drill) is never run bare: its subcommand must exist too.
    if (words[0] === "drill")
      expect(known.has(words.join(" ")), `${what}: ${words.join(" ")}`).to.equal(true);
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
    expect(files).to.include.members([
      "stronghold-nightly.service",
      "stronghold-nightly.timer",
      "stronghold-drill-backup-integrity.service",
      "stronghold-drill-backup-integrity.timer",
      "stronghold-drill-restore-test-weekly.service",
      "stronghold-drill-restore-test-weekly.timer",
    ]);
    const verified = await verify(files.map((f) => path.join(out, f)));
    expect(verified.output).to.equal("");
    expect(verified.code).to.equal(0);
    const drill = await readFile(
      path.join(out, "stronghold-drill-backup-integrity.service"),
      "utf8",
    );
    expect(drill).to.include(`WorkingDirectory=${ws}\n`);
    expect(drill).to.include(
      `ExecStart=/usr/bin/flock --wait 21600 .stronghold.lock ${COMMAND} drill run backup-integrity --plain\n`,
    );
    expect(drill).to.include("TimeoutStopSec=15min\n");
    const weekly = await readFile(
      path.join(out, "stronghold-drill-restore-test-weekly.timer"),
      "utf8",
    );
    expect(weekly).to.include("OnCalendar=Sun *-*-* 04:00:00 America/New_York\n");
    const nightly = await readFile(path.join(out, "stronghold-nightly.service"), "utf8");
    // The collect may fail ("-"): the check still runs.
    expect(nightly).to.match(
      /ExecStart=-\/usr\/bin\/flock .* collect --hosts hosts\.yaml --out machines/,
    );
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
    expect(files.filter((f) => f.endsWith(".timer"))).to.have.length(5);
    for (const f of files) expect(statSync(path.join(dir, f)).mode & 0o777, f).to.equal(0o644);
    expect(ran.stdout).to.include("systemctl daemon-reload && systemctl enable --now stronghold-");
    const verified = await verify(files.map((f) => path.join(dir, f)));
    expect(verified.output).to.equal("");
    expect(verified.code).to.equal(0);
    expect(await readFile(path.join(dir, "stronghold-nightly.service"), "utf8")).to.include(
      "User=stronghold\n",
    );
  });

  it("emits a cron file: one locked line per job, the installed command, the time zone", async () => {
    const out = path.join(tmp, "cron");
    const ran = await run(ws, "schedule", "--emit", "cron", "--out", out, "--command", COMMAND);
    expect(ran.code, ran.stderr).to.equal(0);
    const text = await readFile(path.join(out, "stronghold"), "utf8");
    expect(text).to.include("CRON_TZ=America/New_York\n");
    const jobs = text.split("\n").filter((l) => /^\d/.test(l));
    expect(jobs).to.have.length(5);
    for (const line of jobs) {
      // minute hour day-of-month month day-of-week user command
      expect(line).to.match(
        /^\d+ \d+ \S+ \S+ \S+ root cd \S+ && \/usr\/bin\/flock --wait 21600 \.stronghold\.lock /,
      );
      expect(line).to.include(COMMAND);
    }
    expect(jobs[0]).to.match(/^15 2 \* \* \* /);
    expect(jobs.filter((l) => /^0 4 \* \* 0 .* drill run restore-test /.test(l))).to.have.length(1);
    expect(expectOnlyRealCommands(jobs.join("\n"), "cron")).to.equal(6);
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
    expect(nightly.on.schedule.length).to.equal(5);
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
    expect(onPath.stdout).to.include(`.stronghold.lock ${path.join(bin, "stronghold")} drill run`);
    const notOnPath = await run(ws, "schedule", "--emit", "cron");
    expect(notOnPath.stdout).to.include(`.stronghold.lock ${COMMAND} drill run`);
  });

  describe("GitHub schedules in UTC", () => {
    const cases: [string, Parameters<typeof utcCronFields>[0], string, string, string][] = [
      [
        "New York in winter",
        { every: "daily", day: "sun", at: "02:15" },
        "America/New_York",
        "2026-12-05",
        "15 7 * * *",
      ],
      [
        "New York in summer",
        { every: "daily", day: "sun", at: "02:15" },
        "America/New_York",
        "2026-07-05",
        "15 6 * * *",
      ],
      [
        "Tokyo, weekly, back a day",
        { every: "weekly", day: "sun", at: "02:15" },
        "Asia/Tokyo",
        "2026-12-05",
        "15 17 * * 6",
      ],
      [
        "Honolulu, weekly, on a day",
        { every: "weekly", day: "sat", at: "20:00" },
        "Pacific/Honolulu",
        "2026-12-05",
        "0 6 * * 0",
      ],
      [
        "UTC, quarterly",
        { every: "quarterly", day: "sun", at: "05:00" },
        "UTC",
        "2026-12-05",
        "0 5 1 1,4,7,10 *",
      ],
    ];
    for (const [name, when, zone, day, expected] of cases)
      it(name, () =>
        expect(utcCronFields(when, zone, new Date(`${day}T12:00:00Z`))).to.equal(expected),
      );
  });
});
