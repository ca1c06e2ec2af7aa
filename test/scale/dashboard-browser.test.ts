// The dashboard in a real browser: Debian's chromium driven by playwright-core, loading the page
// `stronghold report html` wrote from a sample ledger, from file://. No mocks.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { main } from "../../src/cli/main.js";
import { chromiumPath } from "../../src/evidence/dashboard/pdf.js";
import { bufferIo } from "../collect/buffer-io.js";
import {
  FAILED_DRILL_DAY,
  LEDGER_LAST_DAY,
  buildSampleLedger,
} from "../fixtures/dashboard-ledger.js";

/** The DOM members the page functions use: the project compiles without the DOM library. */
interface DomElement {
  readonly id: string;
  readonly tagName: string;
  readonly hidden: boolean;
  readonly innerText: string;
  readonly textContent: string | null;
  readonly cells: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getBoundingClientRect(): { readonly width: number; readonly right: number };
}

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** CSS px of the printable width: the paper less the 12 mm side margins of the PDF. */
const PRINTABLE_PX = { a4: ((210 - 24) / 25.4) * 96, letter: (8.5 - 24 / 25.4) * 96 };

describe("dashboard in Chromium", function () {
  this.timeout(120_000);
  let root: string;
  let html: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const external: string[] = [];

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
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
    });
  });
  after(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    problems.length = 0;
    external.length = 0;
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning")
        problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`));
    // Every request passes through here: anything but the page's own files is refused and noted.
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file://")) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector("html[data-charts=ready]", { state: "attached", timeout: 20_000 });
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
    const charts = await page.$$eval("[data-chart]", (els) =>
      (els as unknown as DomElement[]).map((el) => ({
        name: el.getAttribute("data-chart"),
        rendered: el.getAttribute("data-rendered"),
        marks: el.querySelectorAll("svg path, svg rect, svg circle, svg line").length,
        dots: el.querySelectorAll('svg g[aria-label="dot"] > *').length,
        bars: el.querySelectorAll('svg g[aria-label="bar"] > rect').length,
      })),
    );
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

  const visible = () =>
    page.$$eval("#machines-table tbody tr", (rows) =>
      (rows as unknown as DomElement[])
        .filter((r) => !r.hidden)
        .map((r) => r.querySelector("th")!.textContent ?? ""),
    );

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
    const links = await page.$$eval("a[href]", (as) =>
      (as as unknown as DomElement[]).map((a) => a.getAttribute("href") ?? ""),
    );
    const ids = new Set(
      await page.$$eval("[id]", (els) => (els as unknown as DomElement[]).map((el) => el.id)),
    );
    const files = links.filter((h) => !h.startsWith("#"));
    expect(files.length).to.be.greaterThan(10);
    for (const href of links) {
      if (href.startsWith("#")) expect(ids, href).to.include(decodeURIComponent(href.slice(1)));
      else
        expect(existsSync(fileURLToPath(new URL(href, pathToFileURL(html)))), href).to.equal(true);
    }
    // An artifact opens in the browser too: the drill's journal of the last day.
    const journal = files.find((h) => h.startsWith("../evidence/ledger/objects/"))!;
    const response = await page.goto(new URL(journal, pathToFileURL(html)).href);
    expect(response?.ok()).to.equal(true);
  });

  for (const paper of ["a4", "letter"] as const)
    it(`prints on ${paper}: nothing wider than the page, sections on their own pages`, async () => {
      const width = Math.floor(PRINTABLE_PX[paper]);
      await page.emulateMedia({ media: "print" });
      await page.setViewportSize({ width, height: 1000 });
      const wide = await page.$$eval(
        "body *",
        (els, w) => {
          const out: string[] = [];
          for (const el of els as unknown as DomElement[]) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > w + 1)
              out.push(`${el.tagName} ${el.getAttribute("class") ?? ""} ${Math.round(r.right)}`);
          }
          return out.slice(0, 5);
        },
        width,
      );
      expect(wide).to.deep.equal([]);
      const pdf = await page.pdf({
        format: paper === "a4" ? "A4" : "Letter",
        margin: { top: "14mm", bottom: "16mm", left: "12mm", right: "12mm" },
        printBackground: true,
      });
      const text = pdf.toString("latin1");
      const pages = text.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
      // Header and five sections, each starting a page; the sample's tables fit in a few more.
      expect(pages).to.be.within(6, 20);
      const box =
        paper === "a4"
          ? /\/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]/
          : /\/MediaBox \[0 0 612 792\]/;
      expect(text).to.match(box);
    });

  it("has no serious or critical accessibility violation (axe-core)", async () => {
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: {
            run: (o: object) => Promise<{
              violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
            }>;
          };
        }
      ).axe;
      const result = await axe.run({ resultTypes: ["violations"] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      }));
    });
    expect(
      violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
    ).to.deep.equal([]);
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
      expect(text).to.match(
        paper === "a4"
          ? /\/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]/
          : /\/MediaBox \[0 0 612 792\]/,
      );
      expect(text.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).to.be.within(6, 20);
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
});
