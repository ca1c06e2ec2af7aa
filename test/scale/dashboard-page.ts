/**
 * The dashboard in Debian's chromium through playwright-core, for the browser tests: a page opened
 * from file:// with every console error, failed request and request outside the page recorded,
 * and the checks the tests share (visible machine rows, print width, page count, axe, links).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumPath } from "../../src/evidence/dashboard/pdf.js";

/** The DOM members the page functions use: the project compiles without the DOM library. */
export interface DomElement {
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
export const PRINTABLE_PX = { a4: ((210 - 24) / 25.4) * 96, letter: (8.5 - 24 / 25.4) * 96 };

/** The MediaBox Chromium writes for each paper size. */
export const MEDIA_BOX = {
  a4: /\/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]/,
  letter: /\/MediaBox \[0 0 612 792\]/,
} as const;

export type Paper = keyof typeof PRINTABLE_PX;

/** Debian's chromium, without its sandbox when the tests run as root. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
}

/** A page and what went wrong while it loaded and ran. */
export interface OpenedPage {
  readonly page: Page;
  /** Console errors and warnings, page errors and failed requests. */
  readonly problems: string[];
  /** Requests for anything but file:// URLs, all refused. */
  readonly external: string[];
}

/** Opens `html` from file:// in a new page and waits until its charts have drawn. */
export async function openDashboard(browser: Browser, html: string): Promise<OpenedPage> {
  const problems: string[] = [];
  const external: string[] = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
  return { page, problems, external };
}

/** Each chart: its name, whether it drew, and its marks, dots and bars. */
export function charts(page: Page) {
  return page.$$eval("[data-chart]", (els) =>
    (els as unknown as DomElement[]).map((el) => ({
      name: el.getAttribute("data-chart"),
      rendered: el.getAttribute("data-rendered"),
      marks: el.querySelectorAll("svg path, svg rect, svg circle, svg line").length,
      dots: el.querySelectorAll('svg g[aria-label="dot"] > *').length,
      bars: el.querySelectorAll('svg g[aria-label="bar"] > rect').length,
    })),
  );
}

/** The names of the failing machines the filters leave visible. */
export function visibleMachines(page: Page): Promise<string[]> {
  return page.$$eval("#machines-table tbody tr", (rows) =>
    (rows as unknown as DomElement[])
      .filter((r) => !r.hidden)
      .map((r) => r.querySelector("th")!.textContent ?? ""),
  );
}

/** Links to anchors missing from the page or to files that do not exist; and the file links. */
export async function brokenLinks(page: Page, html: string) {
  const links = await page.$$eval("a[href]", (as) =>
    (as as unknown as DomElement[]).map((a) => a.getAttribute("href") ?? ""),
  );
  const ids = new Set(
    await page.$$eval("[id]", (els) => (els as unknown as DomElement[]).map((el) => el.id)),
  );
  const files = links.filter((h) => !h.startsWith("#"));
  const broken = links.filter((href) =>
    href.startsWith("#")
      ? !ids.has(decodeURIComponent(href.slice(1)))
      : !existsSync(fileURLToPath(new URL(href, pathToFileURL(html)))),
  );
  return { broken, files };
}

/** Up to five elements reaching past `width` CSS px in the print layout at that width. */
export async function tooWide(page: Page, width: number): Promise<string[]> {
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width, height: 1000 });
  return page.$$eval(
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
}

/** The number of pages of a PDF Chromium wrote. */
export function pdfPages(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
}

/** The page printed as the dashboard's own --pdf does. */
export function printPdf(page: Page, paper: Paper): Promise<Buffer> {
  return page.pdf({
    format: paper === "a4" ? "A4" : "Letter",
    margin: { top: "14mm", bottom: "16mm", left: "12mm", right: "12mm" },
    printBackground: true,
  });
}

/** axe-core's serious and critical violations of the page. */
export async function seriousViolations(page: Page) {
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
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
