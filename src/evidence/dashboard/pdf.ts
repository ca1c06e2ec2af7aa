/**
 * Prints the dashboard to PDF through headless Chromium (playwright-core), after its charts have
 * drawn, on A4 or Letter: the council packet.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const PAPERS = ["a4", "letter"] as const;
export type Paper = (typeof PAPERS)[number];

/** Chromium is missing or failed: one line for the user. */
export class PdfError extends Error {
  override name = "PdfError";
}

/** The Chromium to drive: $STRONGHOLD_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.STRONGHOLD_CHROMIUM;
  return given !== undefined && given !== "" ? given : "/usr/bin/chromium";
}

/** How long the page may take to draw its charts. */
const READY_MS = 30_000;

/** Writes `pdf` from the dashboard file `html`. */
export async function printDashboard(
  html: string,
  pdf: string,
  options: { paper?: Paper; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const executablePath = chromiumPath(options.env);
  if (!existsSync(executablePath))
    throw new PdfError(
      `--pdf needs Chromium, and ${executablePath} does not exist: run npm run setup (it installs Debian's chromium) or set STRONGHOLD_CHROMIUM`,
    );
  const { chromium } = await import("playwright-core");
  // Chromium refuses to start its sandbox as root.
  const args = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args });
  } catch (error) {
    throw new PdfError(
      `Chromium at ${executablePath} did not start (${firstLine(error)}): run npm run setup, or set STRONGHOLD_CHROMIUM`,
    );
  }
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
    await page.emulateMedia({ media: "print" });
    try {
      await page.waitForSelector("html[data-charts=ready]", {
        state: "attached",
        timeout: READY_MS,
      });
    } catch {
      throw new PdfError(
        `the dashboard's charts did not draw in ${READY_MS / 1000} s${errors.length > 0 ? `: ${errors[0]}` : ""}`,
      );
    }
    await page.pdf({
      path: pdf,
      format: options.paper === "letter" ? "Letter" : "A4",
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate:
        '<div style="font-size:8px;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
      margin: { top: "14mm", bottom: "16mm", left: "12mm", right: "12mm" },
    });
  } finally {
    await browser.close();
  }
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0] ?? "";
}
