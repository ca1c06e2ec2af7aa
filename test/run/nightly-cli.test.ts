// `stronghold run` end to end, in process: a workspace made by `stronghold init` whose hosts are
// the drill lab's (real sshd on loopback: collect reads them, backup-integrity drills them with a
// real restic repository on an S3 server, s3rver over TLS), a Windows drop folder, and alerts to
// a real SMTP server (smtp-server, STARTTLS required, with authentication) and a real HTTP
// listener for JSON, Slack and Teams webhooks on 127.0.0.1. Twice healthy; then a host that
// cannot be reached, a Windows machine failing new controls and a corrupted repository; then all
// of it mended: the recovery is reported.
import { expect } from "chai";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { SMTPServer } from "smtp-server";
import { parse, stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import { previousSummary, type RunSummary } from "../../src/run/summary.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { JOURNAL_FOLDER } from "../../src/drill/running/host-journal.js";
import { startDrillLab, useDrillLab, type DrillLab } from "../fixtures/drill-lab.js";
import { killDrillAt, shareState } from "../drill/kill-recover.js";
import { labArgs } from "../drill/runbook-helpers.js";
import type { LedgerEntry } from "../../src/evidence/entry.js";
import { RUN_NAME_ENV } from "../../src/evidence/record-run.js";
import { freePort } from "../fixtures/sshd.js";
import { generateCertificate } from "../fixtures/tls.js";
import { strongholdInProcess } from "../fixtures/stronghold-in-process.js";

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Ran> {
  return strongholdInProcess(args, { cwd, env });
}

interface Mail {
  readonly user: string;
  /** Whether the session had been upgraded with STARTTLS when the message came. */
  readonly secure: boolean;
  readonly raw: string;
}

const WINDOWS = path.join(PROJECT_ROOT, "test", "fixtures", "windows");

describe("stronghold run: the nightly job of a workspace", function () {
  this.timeout(180_000);
  let lab: DrillLab;
  let tmp: string;
  let ws: string;
  let smtp: SMTPServer;
  let http: Server;
  const mails: Mail[] = [];
  const posts: { url: string; body: unknown }[] = [];
  let env: NodeJS.ProcessEnv;
  let healthyHosts: string;

  before(async () => {
    lab = await startDrillLab({ remote: "s3" });
    tmp = await mkdtemp(path.join(tmpdir(), "stronghold-run-"));
    // The S3 server's credentials, as a town's runner has its bucket's in the environment.
    env = { ...process.env, ...lab.env, NO_COLOR: "1" };

    const tls = await generateCertificate(tmp);
    smtp = new SMTPServer({
      // STARTTLS on a plain port (587-style); no login before the upgrade.
      key: await readFile(tls.keyFile),
      cert: await readFile(tls.certFile),
      onAuth(auth, _session, callback) {
        if (auth.username === "stronghold" && auth.password === "smtp-secret")
          callback(null, { user: auth.username });
        else callback(new Error("Invalid username or password"));
      },
      onData(stream, session, callback) {
        let raw = "";
        stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
        stream.on("end", () => {
          mails.push({ user: String(session.user), secure: session.secure, raw });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    http = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        posts.push({ url: req.url ?? "", body: JSON.parse(body) as unknown });
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const httpPort = (http.address() as AddressInfo).port;

    const init = await run(
      tmp,
      env,
      "init",
      "ashford",
      "--town",
      "Town of Ashford",
      "--time-zone",
      "UTC",
    );
    expect(init.code, init.stderr).to.equal(0);
    ws = path.join(tmp, "ashford");
    // The lab's hosts, with the department, site and role collect needs for their machine files;
    // all of the data read, so a corrupted pack is always found.
    await useDrillLab(ws, lab, { "backup-integrity": { sample: 3, checkSubset: "100%" } });
    const drop = path.join(tmp, "windows-share");
    await mkdir(drop);
    await copyFile(
      path.join(WINDOWS, "win11-workstation-compliant.json"),
      path.join(drop, "win11.json"),
    );
    await writeFile(path.join(ws, "smtp.pass"), "smtp-secret\n");
    await writeFile(path.join(ws, "hook.url"), `http://127.0.0.1:${httpPort}/generic\n`);
    await writeFile(path.join(ws, "slack.url"), `http://127.0.0.1:${httpPort}/slack\n`);
    await writeFile(path.join(ws, "teams.url"), `http://127.0.0.1:${httpPort}/teams\n`);
    const file = path.join(ws, "stronghold.yaml");
    const settings = parse(await readFile(file, "utf8")) as Record<string, unknown>;
    await writeFile(
      file,
      stringify({
        ...settings,
        windowsDrop: drop,
        stackOutputs: undefined,
        check: { failOn: "never" },
        schedule: {
          at: "02:15",
          drills: [
            { runbook: "backup-integrity", every: "daily" },
            // Never due today: the day before today's weekday.
            { runbook: "restore-test", every: "weekly", day: yesterdayWeekday() },
          ],
        },
        notifications: {
          on: ["failure", "regression", "recovery"],
          email: {
            smtpHost: "127.0.0.1",
            smtpPort,
            caFile: tls.certFile,
            user: "stronghold",
            passwordFile: "smtp.pass",
            from: "stronghold@ashford.example",
            to: ["it@ashford.example"],
          },
          webhooks: [
            { kind: "json", urlFile: "hook.url" },
            { kind: "slack", urlFile: "slack.url" },
            { kind: "teams", urlFile: "teams.url" },
          ],
        },
      }),
    );
  });

  after(async () => {
    await lab?.stop();
    await new Promise((r) => smtp?.close(() => r(undefined)));
    await new Promise((r) => http?.close(() => r(undefined)));
    await rm(tmp, { recursive: true, force: true });
  });

  async function summaries(): Promise<RunSummary[]> {
    const runs = path.join(ws, "evidence", "runs");
    const names = (await readdir(runs)).sort();
    return Promise.all(
      names.map(
        async (n) =>
          JSON.parse(await readFile(path.join(runs, n, "summary.json"), "utf8")) as RunSummary,
      ),
    );
  }

  it("runs every stage; a healthy first run exits 0 and alerts nobody", async () => {
    const ran = await run(ws, env, "run");
    expect(ran.code, ran.stdout + ran.stderr).to.equal(0);
    const [summary] = await summaries();
    expect(summary!.stages.map((s) => `${s.stage} ${s.status}`)).to.deep.equal([
      "recover passed",
      "collect passed",
      "windows passed",
      "check passed",
      "drills passed",
      "push skipped",
    ]);
    expect(summary!.drills.map((d) => `${d.runbook} ${d.verdict}`)).to.deep.equal([
      "backup-integrity passed",
    ]);
    expect(summary!.check!.score).to.be.a("number");
    expect(ran.stdout).to.match(/^ {2}collect {2}passed .* 2 of 2 host\(s\) collected$/m);
    expect(ran.stdout).to.include("compared with: nothing (first run)");
    for (const f of ["fs01.json", "dr01.json"])
      expect(await readdir(path.join(ws, "machines"))).to.include(f);
    expect(await readdir(path.join(ws, "evidence", "reports"))).to.include.members([
      "stronghold-report.json",
      "stronghold-report.sarif",
      "collection-report.json",
    ]);
    expect(mails).to.have.length(0);
    expect(posts).to.have.length(0);

    // After its own ledger entry the run writes the dashboard, as report html would.
    const page = path.join(ws, "evidence", "dashboard.html");
    expect(ran.stdout).to.include(`\ndashboard: ${page}\n`);
    const html = await readFile(page, "utf8");
    expect(html.match(/\s(?:src|href)\s*=\s*["']?(?:https?:)?\/\//gi) ?? []).to.deep.equal([]);
    expect(html).to.include(summary!.day);
    expect(html).to.include("backup-integrity");
  });

  it("a second run sees no regression and exits 0", async () => {
    const ran = await run(ws, env, "run");
    expect(ran.code, ran.stdout + ran.stderr).to.equal(0);
    const [first, second] = await summaries();
    expect(second!.comparison.regressions).to.deep.equal([]);
    expect(second!.check!.failingControls).to.deep.equal(first!.check!.failingControls);
    expect(ran.stdout).to.match(/compared with \S+: 0 regression\(s\), 0 recovery\(ies\)/);
    expect(mails).to.have.length(0);
  });

  it("a host that cannot be reached, a Windows machine failing new controls and a corrupted repository: exit 1, one digest per channel", async () => {
    // A workstation added to the inventory whose SSH port is closed.
    const hostsFile = path.join(ws, "hosts.yaml");
    healthyHosts = await readFile(hostsFile, "utf8");
    const inventory = parse(healthyHosts) as { hosts: Record<string, unknown>[] };
    inventory.hosts.push({
      name: "pw-ws07",
      address: "127.0.0.1",
      port: await freePort(),
      user: "stronghold",
      connectTimeoutSeconds: 5,
      machine: { department: "public-works", site: "garage", role: "workstation" },
    });
    await writeFile(hostsFile, stringify(inventory));
    await copyFile(
      path.join(WINDOWS, "win10-22h2-laptop-bitlocker-off.json"),
      path.join(ws, "..", "windows-share", "win10.json"),
    );
    await lab.corruptPack();
    const ran = await run(ws, env, "run");
    expect(ran.code, ran.stdout + ran.stderr).to.equal(1);
    const third = (await summaries())[2]!;
    expect(third.stages.map((s) => `${s.stage} ${s.status}`)).to.deep.equal([
      "recover passed",
      "collect failed",
      "windows passed",
      "check passed",
      "drills failed",
      "push skipped",
    ]);
    const collect = third.stages.find((s) => s.stage === "collect")!;
    expect(collect.detail).to.match(/^2 of 3 host\(s\) collected; failed: pw-ws07 \(\S+\)$/);
    const regressions = third.comparison.regressions;
    expect(regressions.some((r) => /^control \S+ newly failing$/.test(r))).to.equal(true);
    expect(regressions).to.include("drill backup-integrity failed (passed last time)");
    for (const stage of ["collect", "drills"])
      expect(
        regressions.some((r) => r.startsWith(`stage ${stage} failed (passed last run)`)),
        stage,
      ).to.equal(true);
    expect(ran.stdout).to.match(/^ {2}collect {2}failed .* failed: pw-ws07/m);
    expect(ran.stdout).to.match(/^ {2}drills {3}failed .* backup-integrity failed/m);

    expect(mails).to.have.length(1);
    const mail = mails[0]!;
    expect(mail.user).to.equal("stronghold");
    expect(mail.secure, "sent after STARTTLS").to.equal(true);
    // Long header lines are folded (RFC 5322): unfold them first.
    const headers = mail.raw.split("\r\n\r\n")[0]!.replace(/\r\n[ \t]+/g, " ");
    expect(headers, headers).to.match(
      /^Subject: Stronghold Town of Ashford \S+: 2 failure\(s\), \d+ regression\(s\)/m,
    );
    const body = mailText(mail);
    expect(body).to.include("drill backup-integrity failed (passed last time)");
    expect(body).to.include(`Dashboard: ${path.join(ws, "evidence", "dashboard.html")}`);
    expect(body).to.match(/- collect failed: 2 of 3 host\(s\) collected; failed: pw-ws07/);
    for (const r of regressions.filter((r) => r.startsWith("control ")))
      expect(body).to.include(`- ${r}`);

    expect(posts.map((p) => p.url).sort()).to.deep.equal(["/generic", "/slack", "/teams"]);
    const generic = posts.find((p) => p.url === "/generic")!.body as {
      town: string;
      exitCode: number;
      regressions: string[];
      failures: string[];
      dashboard: string;
    };
    expect(generic.town).to.equal("Town of Ashford");
    expect(generic.dashboard).to.equal(path.join(ws, "evidence", "dashboard.html"));
    expect(generic.exitCode).to.equal(1);
    expect(generic.regressions).to.deep.equal(regressions);
    expect(generic.failures).to.have.length(2);
    expect(generic.failures[0]).to.match(/^collect failed: 2 of 3 host\(s\) collected/);
    expect(generic.failures[1]).to.match(/^drills failed: backup-integrity failed/);
    const slack = posts.find((p) => p.url === "/slack")!.body as { text: string };
    expect(slack.text).to.include("*Stronghold Town of Ashford").and.include("Regressions:");
    const teams = posts.find((p) => p.url === "/teams")!.body as Record<string, string>;
    expect(teams["@type"]).to.equal("MessageCard");
    expect(teams["@context"]).to.equal("https://schema.org/extensions");
    expect(teams.title).to.match(/^Stronghold Town of Ashford \S+: 2 failure\(s\)/);
    expect(teams.summary).to.equal(teams.title);
    // Teams renders the text as Markdown: a line break needs two trailing spaces.
    expect(teams.text).to.include("Regressions:  \n- ");
    expect(teams.text).to.include("drill backup-integrity failed (passed last time)");
    expect(third.notifications!.sent).to.have.length(4);
    expect(third.notifications!.failed).to.deep.equal([]);
  });

  it("everything mended: exit 0, and one digest of the recoveries", async () => {
    await writeFile(path.join(ws, "hosts.yaml"), healthyHosts);
    await rm(path.join(ws, "..", "windows-share", "win10.json"));
    await lab.repairPack();
    mails.length = 0;
    posts.length = 0;
    const ran = await run(ws, env, "run");
    expect(ran.code, ran.stdout + ran.stderr).to.equal(0);
    const fourth = (await summaries())[3]!;
    // Every stage passed but push, which this workspace does not configure (test/run/run-push.test.ts).
    expect(
      fourth.stages.every((s) => s.status === (s.stage === "push" ? "skipped" : "passed")),
    ).to.equal(true);
    const recoveries = fourth.comparison.recoveries;
    expect(recoveries).to.include("stage collect passed again (failed last run)");
    expect(recoveries).to.include("stage drills passed again (failed last run)");
    expect(recoveries).to.include("drill backup-integrity passed again (failed last time)");
    expect(recoveries.some((r) => /^control \S+ passes again$/.test(r))).to.equal(true);
    expect(fourth.comparison.regressions).to.deep.equal([]);
    expect(mails).to.have.length(1);
    const body = mailText(mails[0]!);
    expect(body).to.include("Recoveries:\n- ");
    expect(body).to.not.include("Failures:");
    for (const r of recoveries) expect(body).to.include(`- ${r}`);
    expect(posts.map((p) => p.url).sort()).to.deep.equal(["/generic", "/slack", "/teams"]);
    const generic = posts.find((p) => p.url === "/generic")!.body as { recoveries: string[] };
    expect(generic.recoveries).to.deep.equal(recoveries);
  });

  it("a second run at once finds the lock held and does not start", async () => {
    const holder = await import("node:child_process").then((c) =>
      c.spawn("sleep", ["30"], { stdio: "ignore" }),
    );
    try {
      await writeFile(path.join(ws, ".stronghold-run.lock"), `${holder.pid}\n`);
      const ran = await run(ws, env, "run", "--only", "windows");
      expect(ran.code).to.equal(1);
      expect(ran.stderr).to.include(`another run (pid ${holder.pid}) holds`);
    } finally {
      holder.kill();
    }
  });

  it("--only names a stage that does not exist: exit 2, no stack trace", async () => {
    const ran = await run(ws, env, "run", "--only", "check,colect");
    expect(ran.code).to.equal(2);
    expect(ran.stderr).to.include(
      '--only names no stage "colect": choose from recover, collect, windows, check, drills, push',
    );
    expect(ran.stderr).to.not.match(/\n\s+at /);
  });

  it("SIGTERM during a drill: the drill cleans up, no later drill or stage starts, exit 1, never a baseline", async () => {
    const file = path.join(ws, "stronghold.yaml");
    const settings = await readFile(file, "utf8");
    const doc = parse(settings) as { schedule: { drills: unknown[] } };
    // Two drills due today: the second must not start once the run is asked to stop.
    doc.schedule.drills = [
      { runbook: "backup-integrity", every: "daily" },
      { runbook: "file-deletion", every: "daily" },
    ];
    await writeFile(file, stringify(doc));
    mails.length = 0;
    posts.length = 0;
    const journal = path.join(lab.fs01Sandbox, JOURNAL_FOLDER);
    let stderr = "";
    let stdout = "";
    const running = main(["node", "stronghold", "run"], {
      stdout: (chunk) => void (stdout += chunk),
      stderr: (chunk) => void (stderr += chunk),
      stdin: new PassThrough(),
      env,
      isTTY: false,
      cwd: ws,
    });
    try {
      // The drill is under way once its journal is on the host (bounded: 60 s).
      for (let i = 0; i < 600 && !existsSync(journal); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(journal), "backup-integrity started").to.equal(true);
      process.emit("SIGTERM");
      const code = await running;
      expect(code, stdout + stderr).to.equal(1);
    } finally {
      await writeFile(file, settings);
    }
    expect(stderr).to.include("run: SIGTERM: the stage under way finishes");
    expect(existsSync(journal), "the drill's cleanup ran and removed its journal").to.equal(false);
    const stopped = (await summaries()).at(-1)!;
    expect(stopped.interrupted).to.equal("SIGTERM");
    expect(stopped.drills.map((d) => `${d.runbook} ${d.verdict}`)).to.deep.equal([
      "backup-integrity interrupted",
      "file-deletion not run",
    ]);
    expect(stopped.drills[1]!.reason).to.equal("not started: SIGTERM");
    expect(stdout).to.include("(stopped by SIGTERM)");
    expect(mails).to.have.length(1);
    expect(mailText(mails[0]!)).to.include("- run stopped by SIGTERM");
    // The next run compares with the last full run, not with the stopped one.
    const runs = (await readdir(path.join(ws, "evidence", "runs"))).sort();
    const baseline = previousSummary(path.join(ws, "evidence", "runs"))!;
    expect(baseline.name).to.equal(runs.at(-2));
    expect(baseline.summary.interrupted).to.equal(undefined);
  });

  it("a drill killed outright between nights: the next run's recover stage puts the share back and records the killed run", async () => {
    const before = shareState(lab.dataDir);
    const runs = await mkdtemp(path.join(tmpdir(), "stronghold-killed-"));
    // The drill was a stage of the night before: the entry names that night, not the recovering one.
    const night = (await readdir(path.join(ws, "evidence", "runs"))).sort().at(-1)!;
    try {
      const killed = await killDrillAt(
        lab,
        ["file-deletion", ...labArgs(lab, runs), "--no-ledger"],
        runs,
        "delete-files",
        100,
        { [RUN_NAME_ENV]: night },
      );
      expect(killed.killed, "the drill was killed inside delete-files").to.equal(true);
      expect(shareState(lab.dataDir)).to.not.deep.equal(before);
    } finally {
      await rm(runs, { recursive: true, force: true });
    }
    // Another ledger than the workspace's: the recover stage must append where the run does.
    const ledger = path.join(ws, "evidence", "ledger-elsewhere");
    const ran = await run(ws, env, "run", "--ledger", ledger);
    expect(shareState(lab.dataDir), ran.stdout + ran.stderr).to.deep.equal(before);
    const last = (await summaries()).at(-1)!;
    const recover = last.stages.find((s) => s.stage === "recover")!;
    expect(recover.status).to.equal("passed");
    expect(recover.detail).to.match(/^run (\S+-file-deletion) recovered: originals back/);
    const runId = /^run (\S+) /.exec(recover.detail)![1];
    const entries = (await readFile(path.join(ledger, "entries.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as LedgerEntry);
    const interrupted = entries.filter((e) => e.kind === "drill" && e.metrics["runId"] === runId);
    expect(interrupted.map((e) => [e.verdict, e.subject, e.run])).to.deep.equal([
      ["interrupted", "file-deletion", night],
    ]);
    expect((await readdir(path.join(ws, "evidence", "runs"))).sort().at(-1)).to.not.equal(night);
  });
});

/** A mail's body as text: quoted-printable soft breaks joined, CRLF made LF. */
function mailText(mail: Mail): string {
  return mail.raw.replace(/=\r\n/g, "").replace(/\r\n/g, "\n");
}

function yesterdayWeekday() {
  const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
  return days[(new Date().getUTCDay() + 6) % 7]!;
}
