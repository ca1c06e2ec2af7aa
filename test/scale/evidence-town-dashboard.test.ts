// The dashboard of the ledger six real nightly runs of the sample town wrote
// (test/fixtures/evidence-town.ts, built once per test process), in Debian's chromium through
// playwright-core: `stronghold report html` (bin/stronghold.js) as of the last night and as of the
// night the drill failed, loaded from file://. The expected machines, scores and drills are read
// from the artifacts the nights stored. No mocks.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import type { LedgerEntry } from "../../src/evidence/entry.js";
import { objectPath } from "../../src/evidence/ledger.js";
import {
  CORRUPTION_FOUND_AT,
  evidenceTown,
  type EvidenceNight,
  type EvidenceTown,
} from "../fixtures/evidence-town.js";
import {
  MEDIA_BOX,
  PRINTABLE_PX,
  brokenLinks,
  charts,
  launchChromium,
  openDashboard,
  pdfPages,
  printPdf,
  seriousViolations,
  tooWide,
  visibleMachines,
  type DomElement,
} from "./dashboard-page.js";
import { readLedgerEntries } from "../evidence/ledger-files.js";

const BIN = path.resolve("bin/stronghold.js");
const run = promisify(execFile);

/** What a night's JSON check report says about each subject. */
interface StoredReport {
  readonly scores: {
    readonly fleet: { readonly score: number; readonly counts: { readonly fail: number } };
  };
  readonly subjects: readonly {
    readonly subject: string;
    readonly department: string;
    readonly site: string;
    /** Its set of not-applicable results, when some control does not apply to it. */
    readonly notApplicable?: number;
    readonly results: readonly { readonly control: string; readonly status: string }[];
  }[];
}

describe("dashboard of six real nights of the sample town, in Chromium", function () {
  this.timeout(900_000);
  let town: EvidenceTown;
  let entries: LedgerEntry[];
  let root: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let external: string[];
  /** The dashboard as of the last night, and as of the night the drill failed. */
  let html: string;
  let failedDayHtml: string;

  const last = () => town.nights.at(-1)!;
  const failedNight = () => town.nights.find((n) => n.drill === "failed")!;
  const entryOf = (night: EvidenceNight, kind: string) =>
    entries.find((e) => e.run === night.run && e.kind === kind)!;
  /** Where and why the failed night's drill failed, as its ledger entry records it. */
  const failedDrill = () => {
    const m = entryOf(failedNight(), "drill").metrics as { failedAt: string; reasons: string[] };
    expect(CORRUPTION_FOUND_AT).to.include(m.failedAt);
    return m;
  };
  const reportOf = (night: EvidenceNight) => {
    const a = entryOf(night, "check").artifacts.find((x) => x.name === "stronghold-report.json")!;
    return JSON.parse(readFileSync(objectPath(town.ledger, a.sha256), "utf8")) as StoredReport;
  };
  /** The subjects failing some control in a stored report. */
  const failingSubjects = (report: StoredReport) =>
    report.subjects.filter((s) => s.results.some((r) => r.status === "fail"));

  async function reportHtml(out: string, at: string, ...more: string[]) {
    const { stderr } = await run(
      process.execPath,
      [BIN, "report", "html", "--ledger", town.ledger, "--out", out, "--at", at, ...more],
      { cwd: town.workspace, env: { ...process.env, NO_COLOR: "1" } },
    );
    return stderr;
  }

  before(async () => {
    town = await evidenceTown();
    entries = readLedgerEntries(town.ledger);
    root = mkdtempSync(path.join(tmpdir(), "evidence-town-dashboard-"));
    html = path.join(root, "site", "dashboard.html");
    failedDayHtml = path.join(root, "site", "failed-night.html");
    await reportHtml(html, `${last().day}T23:00:00Z`);
    await reportHtml(failedDayHtml, `${failedNight().day}T23:00:00Z`);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    ({ page, problems, external } = await openDashboard(browser, html));
  });
  afterEach(async () => page?.close());

  it("loads from file:// with no console error and no failed or external request", async () => {
    expect(problems).to.deep.equal([]);
    expect(external).to.deep.equal([]);
    expect(await page.title()).to.equal(`Evidence dashboard — ${town.town}, ${last().day}`);
  });

  it("draws marks in every chart: a dot per night's drill, a bar per department and site", async () => {
    const drawn = await charts(page);
    // The town's drill measures no RTO (it injects no disaster) and no infrastructure plan ran,
    // so the RTO and cost charts are left out rather than drawn empty.
    expect(drawn.map((c) => c.name)).to.deep.equal(["rpo", "score", "departments", "sites"]);
    for (const c of drawn) {
      expect(c.rendered, c.name!).to.equal("true");
      expect(c.marks, c.name!).to.be.greaterThan(0);
    }
    const by = new Map(drawn.map((c) => [c.name, c]));
    expect(by.get("rpo")!.dots).to.equal(town.nights.length);
    const report = reportOf(last());
    // Every subject some control does not pass (fails, waivers, errors, or not applicable).
    const machines = report.subjects.filter(
      (s) => s.results.length > 0 || s.notApplicable !== undefined,
    );
    expect(by.get("departments")!.bars).to.equal(new Set(machines.map((s) => s.department)).size);
    expect(by.get("sites")!.bars).to.equal(new Set(machines.map((s) => s.site)).size);
  });

  it("the score trend has each night's stored score, and dips the night th-fin-01 regressed", async () => {
    const trend = await page.$eval(
      "#dashboard-data",
      (el) =>
        (
          JSON.parse((el as unknown as DomElement).textContent!) as {
            compliance: { trend: { at: string; seq: number; score: number }[] };
          }
        ).compliance.trend,
    );
    expect(trend.map((p) => [p.at, p.seq, p.score])).to.deep.equal(
      town.nights.map((n) => [
        new Date(n.at).toISOString(),
        entryOf(n, "check").seq,
        reportOf(n).scores.fleet.score,
      ]),
    );
    const regressedAt = town.nights.findIndex((n) => n.regressed);
    // One more failed result among some 2,500 moves a score floored to 0.1 by one step at most:
    // the trend must not rise that night, and the night's stored report counts the failure.
    expect(trend[regressedAt]!.score).to.be.at.most(trend[regressedAt - 1]!.score);
    const fails = (n: EvidenceNight) => reportOf(n).scores.fleet.counts.fail;
    expect(fails(town.nights[regressedAt]!)).to.be.greaterThan(
      fails(town.nights[regressedAt - 1]!),
    );
    // The line is drawn through every night.
    const line = await page.$$eval(
      '[data-chart="score"] svg g[aria-label="line"] path',
      (ps) => ps.length,
    );
    expect(line).to.be.greaterThan(0);
  });

  it("lists the failing machines of the last night's report, without th-fin-01", async () => {
    const expected = failingSubjects(reportOf(last())).map((s) => s.subject);
    expect(expected).to.include(town.waiver.machine);
    expect(expected).to.not.include(town.regression.machine);
    const rows = await visibleMachines(page);
    expect(rows).to.have.members(expected);
    expect(await page.textContent("#machine-count")).to.equal(
      `${expected.length} of ${expected.length} machines shown`,
    );
  });

  const filters: {
    name: string;
    act: (p: Page) => Promise<unknown>;
    keep: (s: StoredReport["subjects"][number]) => boolean;
  }[] = [
    {
      name: "department clerk",
      act: (p) => p.selectOption("#filter-department", "clerk"),
      keep: (s) => s.department === "clerk",
    },
    {
      name: "site police-station",
      act: (p) => p.selectOption("#filter-site", "police-station"),
      keep: (s) => s.site === "police-station",
    },
    {
      name: "control sec-screen-lock",
      act: (p) => p.selectOption("#filter-control", "sec-screen-lock"),
      keep: (s) => s.results.some((r) => r.control === "sec-screen-lock" && r.status === "fail"),
    },
    {
      name: "text 'th-clerk'",
      act: (p) => p.fill("#filter-text", "th-clerk"),
      keep: (s) => s.subject.includes("th-clerk"),
    },
  ];
  for (const f of filters)
    it(`filters the failing machines: ${f.name}`, async () => {
      const all = failingSubjects(reportOf(last()));
      const expected = all.filter(f.keep).map((s) => s.subject);
      expect(expected.length, "the filter keeps some machines").to.be.greaterThan(0);
      await f.act(page);
      expect(await visibleMachines(page)).to.have.members(expected);
      expect(await page.textContent("#machine-count")).to.equal(
        `${expected.length} of ${all.length} machines shown`,
      );
    });

  it("a control's machine count goes to the failing machines, filtered to that control", async () => {
    await page.selectOption("#filter-department", "clerk");
    await page.click('a[data-filter-control="sec-screen-lock"]');
    expect(new URL(page.url()).hash).to.equal("#failing-machines");
    expect(await page.inputValue("#filter-department")).to.equal("");
    const expected = failingSubjects(reportOf(last()))
      .filter((s) => s.results.some((r) => r.control === "sec-screen-lock" && r.status === "fail"))
      .map((s) => s.subject);
    expect(await visibleMachines(page)).to.have.members(expected);
  });

  it("links only to anchors on the page and to stored artifacts, which open", async () => {
    const { broken, files } = await brokenLinks(page, html);
    expect(broken).to.deep.equal([]);
    // Every drill's three artifacts and the last check's reports at least.
    expect(files.length).to.be.at.least(town.nights.length * 3);
    const failed = entryOf(failedNight(), "drill");
    const journal = failed.artifacts.find((a) => a.name === "journal.jsonl")!;
    const href = files.find((h) => h.endsWith(journal.sha256))!;
    expect(href, "the failed drill's journal is linked").to.not.equal(undefined);
    const response = await page.goto(new URL(href, pathToFileURL(html)).href);
    expect(response?.ok()).to.equal(true);
    expect(await response!.text()).to.include('"event":"run-end"');
  });

  it("shows the failed drill among the drills, with where and why it failed", async () => {
    const rows = await page.$$eval("#drills-table tbody tr", (trs) =>
      (trs as unknown as DomElement[]).map((tr) =>
        Array.from(tr.cells)
          .map((c) => c.innerText.replace(/\s+/g, " ").trim())
          .join(" | "),
      ),
    );
    expect(rows).to.have.length(town.nights.length);
    const { reasons, failedAt } = failedDrill();
    // Newest first: the failed night is the third from the end of the week.
    const failedRow = rows[town.nights.length - 1 - town.nights.indexOf(failedNight())]!;
    expect(failedRow).to.match(
      new RegExp(
        `^${failedNight().day} 02:15 UTC \\| ${town.drill.runbook} \\| failed at ${failedAt}`,
      ),
    );
    expect(failedRow).to.include(reasons[0]);
    for (const row of rows.filter((r) => r !== failedRow)) expect(row).to.match(/\| passed \|/);
  });

  it("as of the failed night: fs01's last drill failed, its last verified restore is the night before, th-fin-01 fails", async () => {
    const opened = await openDashboard(browser, failedDayHtml);
    try {
      expect(opened.problems).to.deep.equal([]);
      // The first table of the section: the last verified restore of each system.
      const backups = await opened.page.$eval("#backups table", (table) =>
        Array.from((table as unknown as DomElement).querySelectorAll("tbody tr")).map((tr) =>
          Array.from(tr.cells)
            .map((c) => c.innerText.replace(/\s+/g, " ").trim())
            .join(" | "),
        ),
      );
      const before = town.nights[town.nights.indexOf(failedNight()) - 1]!;
      expect(backups).to.have.length(1);
      expect(backups[0]).to.match(
        new RegExp(
          `^${town.drill.systems[0]} \\| ${before.day} ${town.drill.runbook} \\| \\d+ \\| .* \\| failed ${failedNight().day} at ${failedDrill().failedAt}$`,
        ),
      );
      const expected = failingSubjects(reportOf(failedNight())).map((s) => s.subject);
      expect(expected).to.include(town.regression.machine);
      expect(await visibleMachines(opened.page)).to.have.members(expected);
    } finally {
      await opened.page.close();
    }
  });

  for (const paper of ["a4", "letter"] as const)
    it(`prints on ${paper}: nothing wider than the page, sections on their own pages`, async () => {
      expect(await tooWide(page, Math.floor(PRINTABLE_PX[paper]))).to.deep.equal([]);
      const pdf = await printPdf(page, paper);
      expect(pdf.toString("latin1")).to.match(MEDIA_BOX[paper]);
      // Header and five sections each start a page; the failing machines with their evidence
      // take several more.
      expect(pdfPages(pdf)).to.be.within(6, 60);
    });

  it("has no serious or critical accessibility violation (axe-core)", async () => {
    expect(await seriousViolations(page)).to.deep.equal([]);
  });

  it("report html --pdf writes the council packet through headless Chromium", async () => {
    const pdf = path.join(root, "council.pdf");
    const stderr = await reportHtml(
      path.join(root, "site", "council.html"),
      `${last().day}T23:00:00Z`,
      "--pdf",
      pdf,
      "--paper",
      "a4",
    );
    expect(stderr).to.include(`wrote ${pdf}\n`);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    expect(bytes.toString("latin1")).to.match(MEDIA_BOX.a4);
    expect(pdfPages(bytes)).to.be.within(6, 60);
  });
});
