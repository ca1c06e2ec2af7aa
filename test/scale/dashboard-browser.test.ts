// The dashboard in a real browser: Debian's chromium driven by playwright-core, loading the page
// `stronghold report html` wrote from a sample ledger, from file://. No mocks.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { main } from "../../src/cli/main.js";
import { bufferIo } from "../collect/buffer-io.js";
import { buildDashboardModel } from "../../src/evidence/dashboard/build-model.js";
import { renderDashboard } from "../../src/evidence/dashboard/render.js";
import {
  FAILED_DRILL_DAY,
  LEDGER_LAST_DAY,
  buildSampleLedger,
} from "../fixtures/dashboard-ledger.js";
import {
  MEDIA_BOX,
  PRINTABLE_PX,
  brokenLinks,
  charts as chartsOf,
  launchChromium,
  openDashboard,
  pdfPages,
  printPdf,
  seriousViolations,
  tooWide,
  visibleMachines,
  type DomElement,
} from "./dashboard-page.js";

describe("dashboard in Chromium", function () {
  this.timeout(120_000);
  let root: string;
  let html: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let external: string[];

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), "dashboard-browser-"));
    const ledger = path.join(root, "evidence", "ledger");
    buildSampleLedger(ledger);
    html = path.join(root, "site", "dashboard.html");
    const io = bufferIo();
    const code = await main(
      [
        "node",
        "stronghold",
        "report",
        "html",
        "--ledger",
        ledger,
        "--out",
        html,
        "--at",
        `${LEDGER_LAST_DAY}T23:00:00Z`,
      ],
      io,
    );
    expect(code, io.err()).to.equal(0);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    ({ page, problems, external } = await openDashboard(browser, html));
  });
  afterEach(async () => page?.close());

  it("loads from file:// with no console error, no failed or external request, no injected code", async () => {
    expect(problems).to.deep.equal([]);
    expect(external).to.deep.equal([]);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
    ).to.equal(undefined);
    expect(await page.title()).to.match(/^Evidence dashboard — millbrook, 2026-06-30$/);
  });

  it("draws marks in every chart", async () => {
    const charts = await chartsOf(page);
    expect(charts.map((c) => c.name)).to.deep.equal([
      "rto",
      "rpo",
      "score",
      "departments",
      "sites",
      "cost",
    ]);
    for (const c of charts) {
      expect(c.rendered, c.name!).to.equal("true");
      expect(c.marks, c.name!).to.be.greaterThan(0);
    }
    const by = new Map(charts.map((c) => [c.name, c]));
    // One dot per drill (12 days), per plan (12), and a bar per department and site (3 each).
    expect(by.get("rto")!.dots).to.equal(12);
    expect(by.get("cost")!.dots).to.equal(12);
    expect(by.get("departments")!.bars).to.equal(3);
    expect(by.get("sites")!.bars).to.equal(3);
  });

  const visible = () => visibleMachines(page);

  const filters: { name: string; act: () => Promise<unknown>; rows: string[] }[] = [
    {
      name: "no filter",
      act: () => Promise.resolve(),
      rows: ["</script>", "LAPTOP-0042", "pc-01"],
    },
    {
      name: "department police",
      act: () => page.selectOption("#filter-department", "police"),
      rows: ["LAPTOP-0042", "pc-01"],
    },
    {
      name: "site town-hall",
      act: () => page.selectOption("#filter-site", "town-hall"),
      rows: ["pc-01"],
    },
    {
      name: "control asset-registered",
      act: () => page.selectOption("#filter-control", "asset-registered"),
      rows: ["LAPTOP-0042"],
    },
    {
      name: "text 'laptop'",
      act: () => page.fill("#filter-text", "laptop"),
      rows: ["LAPTOP-0042"],
    },
    {
      name: "text matching nothing",
      act: () => page.fill("#filter-text", "no-such-machine"),
      rows: [],
    },
  ];
  for (const f of filters)
    it(`filters the failing machines: ${f.name}`, async () => {
      await f.act();
      const rows = await visible();
      expect(rows.map((r) => (r.startsWith("</script>") ? "</script>" : r))).to.have.members(
        f.rows,
      );
      expect(await page.textContent("#machine-count")).to.equal(
        `${f.rows.length} of 3 machines shown`,
      );
    });

  it("a control's machine count goes to the failing machines, filtered to that control", async () => {
    await page.selectOption("#filter-site", "main-library");
    await page.click('a[data-filter-control="asset-registered"]');
    expect(new URL(page.url()).hash).to.equal("#failing-machines");
    expect(await visible()).to.deep.equal(["LAPTOP-0042"]);
    expect(await page.inputValue("#filter-site")).to.equal("");
  });

  it("links only to anchors on the page and to files that exist", async () => {
    const { broken, files } = await brokenLinks(page, html);
    expect(files.length).to.be.greaterThan(10);
    expect(broken).to.deep.equal([]);
    // An artifact opens in the browser too: the drill's journal of the last day.
    const journal = files.find((h) => h.startsWith("../evidence/ledger/objects/"))!;
    const response = await page.goto(new URL(journal, pathToFileURL(html)).href);
    expect(response?.ok()).to.equal(true);
  });

  for (const paper of ["a4", "letter"] as const)
    it(`prints on ${paper}: nothing wider than the page, sections on their own pages`, async () => {
      expect(await tooWide(page, Math.floor(PRINTABLE_PX[paper]))).to.deep.equal([]);
      const pdf = await printPdf(page, paper);
      const pages = pdfPages(pdf);
      // Header and five sections, each starting a page; the sample's tables fit in a few more.
      expect(pages).to.be.within(6, 20);
      expect(pdf.toString("latin1")).to.match(MEDIA_BOX[paper]);
    });

  it("has no serious or critical accessibility violation (axe-core)", async () => {
    expect(await seriousViolations(page)).to.deep.equal([]);
  });

  for (const paper of ["a4", "letter"] as const)
    it(`report html --pdf --paper ${paper} prints the page after its charts drew`, async () => {
      const pdf = path.join(root, `council-${paper}.pdf`);
      const io = bufferIo();
      const code = await main(
        [
          "node",
          "stronghold",
          "report",
          "html",
          "--ledger",
          path.join(root, "evidence", "ledger"),
          "--out",
          path.join(root, "site", `${paper}.html`),
          "--at",
          `${LEDGER_LAST_DAY}T23:00:00Z`,
          "--pdf",
          pdf,
          "--paper",
          paper,
        ],
        io,
      );
      expect(code, io.err()).to.equal(0);
      expect(io.err()).to.include(`wrote ${pdf}\n`);
      const text = readFileSync(pdf).toString("latin1");
      expect(text.startsWith("%PDF-")).to.equal(true);
      expect(text).to.match(MEDIA_BOX[paper]);
      expect(pdfPages(readFileSync(pdf))).to.be.within(6, 20);
    });

  it("shows the failed drill's day as of that day", async () => {
    const dayHtml = path.join(root, "site", "failed-day.html");
    const io = bufferIo();
    const code = await main(
      [
        "node",
        "stronghold",
        "report",
        "html",
        "--ledger",
        path.join(root, "evidence", "ledger"),
        "--out",
        dayHtml,
        "--at",
        `${FAILED_DRILL_DAY}T23:00:00Z`,
      ],
      io,
    );
    expect(code, io.err()).to.equal(0);
    await page.goto(pathToFileURL(dayHtml).href);
    await page.waitForSelector("html[data-charts=ready]", { state: "attached" });
    const rows = await page.$$eval("#backups table:first-of-type tbody tr", (trs) =>
      (trs as unknown as DomElement[]).map((tr) =>
        Array.from(tr.cells)
          .map((c) => c.innerText.replace(/\s+/g, " ").trim())
          .join(" | "),
      ),
    );
    expect(rows[0]).to.match(
      /^clerk-fs01 \| 2026-06-24 file-deletion \| 1 \| .* \| failed 2026-06-25 at objective rto$/,
    );
    expect(problems).to.deep.equal([]);
    expect(readFileSync(dayHtml, "utf8")).to.include("restore took 1 h 30 min, target 1 h");
  });

  // The first drill ran at 04:00 UTC on 19 June: midnight in New York, 13:00 in Tokyo, where
  // this browser thinks it is. The axes and tips must read New York's clock.
  it("draws time axes in the town's zone, whatever the browser's", async () => {
    const zoned = path.join(root, "site", "new-york.html");
    const model = buildDashboardModel(path.join(root, "evidence", "ledger"), {
      at: new Date(`${LEDGER_LAST_DAY}T23:00:00Z`),
      timeZone: "America/New_York",
    });
    expect(model.backups.drills[0]?.entry.at).to.equal("2026-06-19T04:00:00.000Z");
    writeFileSync(zoned, renderDashboard(model));
    const tokyo = await browser.newPage({ timezoneId: "Asia/Tokyo" });
    try {
      await tokyo.goto(pathToFileURL(zoned).href);
      await tokyo.waitForSelector("html[data-charts=ready]", { state: "attached" });
      const axis = (chart: string, part: string) =>
        tokyo.$$eval(`[data-chart="${chart}"] svg g[aria-label="x-axis ${part}"] text`, (els) =>
          (els as unknown as DomElement[]).map((e) => e.textContent),
        );
      for (const chart of ["rto", "rpo", "score", "cost"])
        expect(await axis(chart, "label"), chart).to.deep.equal(["America/New_York →"]);
      // In UTC (and in Tokyo) the first tick would be 20 June.
      expect((await axis("rto", "tick label"))[0]).to.equal("19Jun");
      await tokyo.hover('[data-chart="rto"] svg g[aria-label="dot"] > *', { force: true });
      const tip = await tokyo.waitForSelector('[data-chart="rto"] svg g[aria-label="tip"] text');
      expect(await tip.textContent()).to.include("America/New_York 2026-06-19 00:00");
    } finally {
      await tokyo.close();
    }
  });
});
