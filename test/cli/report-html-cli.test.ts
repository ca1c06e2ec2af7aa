// `stronghold report html` through the CLI, in process: the workspace's ledger and page by
// default, the lifecycle section from the sample town's budget forecast, and usage errors (no
// ledger, a bad --paper, no Chromium for --pdf) as one-line messages with exit code 2.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../../src/cli/main.js";
import { bufferIo } from "../collect/buffer-io.js";
import { LEDGER_LAST_DAY, buildSampleLedger } from "../fixtures/dashboard-ledger.js";
import { strongholdInProcess } from "../fixtures/stronghold-in-process.js";

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return strongholdInProcess(["report", "html", ...args], { cwd, env });
}

describe("stronghold report html", function () {
  this.timeout(120_000);
  let tmp: string;
  let ws: string;

  before(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), "report-html-"));
    const io = { ...bufferIo(), cwd: tmp };
    const code = await main(["node", "stronghold", "init", "town", "--time-zone", "UTC"], io);
    expect(code, io.err()).to.equal(0);
    ws = path.join(tmp, "town");
    buildSampleLedger(path.join(ws, "evidence", "ledger"));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("inside a workspace, reads <evidence>/ledger and writes <evidence>/dashboard.html with the fleet's replacements", async () => {
    const ran = await run(ws, ["--at", `${LEDGER_LAST_DAY}T23:00:00Z`]);
    const page = path.join(ws, "evidence", "dashboard.html");
    expect(ran.code, ran.stderr).to.equal(0);
    expect(ran.stderr).to.equal(`wrote ${page}\n`);
    const html = readFileSync(page, "utf8");
    expect(html).to.include("Upcoming hardware replacements, from the budget forecast");
    expect(html).to.match(/href="ledger\/objects\/[0-9a-f]{2}\/[0-9a-f]{64}"/);
    // The sample town's machines fall due within the year after 2026-06-30.
    const rows = html.slice(html.indexOf('id="lifecycle"'), html.indexOf('id="coverage"'));
    expect(rows.match(/<tr><td><time/g)?.length ?? 0).to.be.greaterThan(0);
    // The coverage view names each CSF subcategory with its outcome statement.
    const csf = html.slice(html.indexOf('id="coverage-csf"'));
    expect(csf).to.include(
      '<code>PR.DS-11</code> <span class="title">Backups of data are created, protected, maintained, and tested</span>',
    );
  });

  it("outside a workspace, --ledger and --out say where", async () => {
    const out = path.join(tmp, "packet", "dash.html");
    const ran = await run(tmp, [
      "--ledger",
      path.join(ws, "evidence", "ledger"),
      "--out",
      out,
      "--at",
      LEDGER_LAST_DAY,
    ]);
    expect(ran.code, ran.stderr).to.equal(0);
    const html = readFileSync(out, "utf8");
    expect(html).to.match(/href="\.\.\/town\/evidence\/ledger\/objects\//);
    expect(html).to.include("built without a workspace");
  });

  const refused: {
    name: string;
    args: (tmp: string) => string[];
    env?: NodeJS.ProcessEnv;
    message: RegExp;
  }[] = [
    {
      name: "no ledger outside a workspace",
      args: () => [],
      message:
        /^stronghold: report html needs a ledger: give --ledger <dir>, or run it inside a workspace/,
    },
    {
      name: "a folder that holds no ledger",
      args: (t) => ["--ledger", t],
      message: /entries\.jsonl: no evidence ledger here/,
    },
    {
      name: "an unknown paper",
      args: (t) => ["--ledger", t, "--paper", "a3"],
      message: /--paper "a3" must be one of a4, letter/,
    },
    {
      name: "a date that is not one",
      args: (t) => ["--ledger", t, "--at", "yesterday"],
      message: /--at "yesterday" is not a date/,
    },
  ];
  for (const r of refused)
    it(`refuses ${r.name} with exit code 2`, async () => {
      const ran = await run(tmp, r.args(tmp), r.env);
      expect(ran.code).to.equal(2);
      expect(ran.stderr).to.match(r.message);
      expect(ran.stderr).not.to.match(/\n\s+at /);
    });

  it("without Chromium, --pdf writes the page and says in one line to run npm run setup", async () => {
    const pdf = path.join(tmp, "council.pdf");
    const ran = await run(ws, ["--at", LEDGER_LAST_DAY, "--pdf", pdf], {
      STRONGHOLD_CHROMIUM: path.join(tmp, "no-chromium"),
    });
    expect(ran.code).to.equal(2);
    const lines = ran.stderr.trimEnd().split("\n");
    expect(lines).to.have.length(2);
    expect(lines[1]).to.match(
      /^stronghold: --pdf needs Chromium, and .*no-chromium does not exist: run npm run setup/,
    );
    expect(existsSync(pdf)).to.equal(false);
  });
});
