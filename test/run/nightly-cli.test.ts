// `stronghold run` end to end, in process: a workspace made by `stronghold init` whose hosts are
// the drill lab's (real sshd on loopback: collect reads them, backup-integrity drills them with a
// real restic repository), a Windows drop folder, and alerts to a real SMTP server (smtp-server,
// with authentication) and a real HTTP listener on 127.0.0.1. Twice healthy, then with a Windows
// machine that fails controls and a corrupted repository.
import { expect } from "chai";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { SMTPServer } from "smtp-server";
import { parse, stringify } from "yaml";
import { main } from "../../src/cli/main.js";
import type { RunSummary } from "../../src/run/summary.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { startDrillLab, type DrillLab } from "../fixtures/drill-lab.js";

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "stronghold", ...args], {
    stdout: (chunk) => void (stdout += chunk),
    stderr: (chunk) => void (stderr += chunk),
    stdin: new PassThrough(),
    env,
    isTTY: false,
    cwd,
  });
  return { code, stdout, stderr };
}

interface Mail {
  readonly user: string;
  readonly password: string;
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

  before(async () => {
    lab = await startDrillLab();
    tmp = await mkdtemp(path.join(tmpdir(), "stronghold-run-"));
    env = { ...process.env, NO_COLOR: "1" };

    smtp = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === "stronghold" && auth.password === "smtp-secret")
          callback(null, { user: auth.username });
        else callback(new Error("Invalid username or password"));
      },
      onData(stream, session, callback) {
        let raw = "";
        stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
        stream.on("end", () => {
          mails.push({ user: String(session.user), password: "", raw });
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
    // The lab's hosts, with the department, site and role collect needs for their machine files.
    const inventory = parse(await readFile(lab.inventoryFile, "utf8")) as {
      hosts: Record<string, unknown>[];
    };
    for (const host of inventory.hosts)
      host.machine = { department: "town-hall", site: "town-hall", role: "server" };
    await writeFile(path.join(ws, "hosts.yaml"), stringify(inventory));
    await writeFile(
      path.join(ws, "drill.yaml"),
      stringify({
        version: 1,
        repository: lab.repositorySpec,
        passwordFile: lab.passwordFile,
        data: lab.dataDir,
        // All of the data read, so a corrupted pack is always found.
        runbooks: { "backup-integrity": { sample: 3, checkSubset: "100%" } },
      }),
    );
    const drop = path.join(tmp, "windows-share");
    await mkdir(drop);
    await copyFile(
      path.join(WINDOWS, "win11-workstation-compliant.json"),
      path.join(drop, "win11.json"),
    );
    await writeFile(path.join(ws, "smtp.pass"), "smtp-secret\n");
    await writeFile(path.join(ws, "hook.url"), `http://127.0.0.1:${httpPort}/generic\n`);
    await writeFile(path.join(ws, "slack.url"), `http://127.0.0.1:${httpPort}/slack\n`);
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
            secure: false,
            user: "stronghold",
            passwordFile: "smtp.pass",
            from: "stronghold@ashford.example",
            to: ["it@ashford.example"],
          },
          webhooks: [
            { kind: "json", urlFile: "hook.url" },
            { kind: "slack", urlFile: "slack.url" },
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

  it("a Windows machine failing new controls and a corrupted repository: exit 1, one digest per channel", async () => {
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
      "collect passed",
      "windows passed",
      "check passed",
      "drills failed",
    ]);
    const regressions = third.comparison.regressions;
    expect(regressions.some((r) => /^control \S+ newly failing$/.test(r))).to.equal(true);
    expect(regressions).to.include("drill backup-integrity failed (passed last time)");
    expect(regressions.some((r) => r.startsWith("stage drills failed (passed last run)"))).to.equal(
      true,
    );
    expect(ran.stdout).to.match(/^ {2}drills {3}failed .* backup-integrity failed/m);

    expect(mails).to.have.length(1);
    const mail = mails[0]!;
    expect(mail.user).to.equal("stronghold");
    // Long header lines are folded (RFC 5322): unfold them first.
    const headers = mail.raw.split("\r\n\r\n")[0]!.replace(/\r\n[ \t]+/g, " ");
    expect(headers, headers).to.match(
      /^Subject: Stronghold Town of Ashford \S+: 1 failure\(s\), \d+ regression\(s\)/m,
    );
    const body = mail.raw.replace(/=\r\n/g, "").replace(/\r\n/g, "\n");
    expect(body).to.include("drill backup-integrity failed (passed last time)");
    for (const r of regressions.filter((r) => r.startsWith("control ")))
      expect(body).to.include(`- ${r}`);

    expect(posts.map((p) => p.url).sort()).to.deep.equal(["/generic", "/slack"]);
    const generic = posts.find((p) => p.url === "/generic")!.body as {
      town: string;
      exitCode: number;
      regressions: string[];
      failures: string[];
    };
    expect(generic.town).to.equal("Town of Ashford");
    expect(generic.exitCode).to.equal(1);
    expect(generic.regressions).to.deep.equal(regressions);
    expect(generic.failures).to.have.length(1);
    expect(generic.failures[0]).to.match(/^drills failed: backup-integrity failed/);
    const slack = posts.find((p) => p.url === "/slack")!.body as { text: string };
    expect(slack.text).to.include("*Stronghold Town of Ashford").and.include("Regressions:");
    expect(third.notifications!.sent).to.have.length(3);
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
      '--only names no stage "colect": choose from recover, collect, windows, check, drills',
    );
    expect(ran.stderr).to.not.match(/\n\s+at /);
  });
});

function yesterdayWeekday() {
  const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
  return days[(new Date().getUTCDay() + 6) % 7]!;
}
