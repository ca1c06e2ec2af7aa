/** `stronghold report html`: the evidence dashboard, from the ledger, as one HTML file (and a PDF). */
import type { Command } from "commander";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { loadReferenceData } from "../check/policy/data.js";
import { loadFrameworkCatalog } from "../evidence/frameworks.js";
import { dayInZone } from "../support/calendar-day.js";
import { buildDashboardModel } from "../evidence/dashboard/build-model.js";
import type { ReplacementRow } from "../evidence/dashboard/model.js";
import { PAPERS, PdfError, printDashboard, type Paper } from "../evidence/dashboard/pdf.js";
import { renderDashboard } from "../evidence/dashboard/render.js";
import { writeFileAtomic } from "../output/write-atomic.js";
import { InputError, UsageError } from "../support/errors.js";
import type { Workspace } from "../workspace/workspace-file.js";
import { buildBudget } from "./budget-command.js";
import { parseAt } from "./check-command.js";
import type { Io } from "./io.js";
import { currentWorkspace, workingDir } from "./workspace-settings.js";

interface HtmlOptions {
  ledger?: string;
  out?: string;
  pdf?: string;
  paper: string;
  at?: string;
}

/** Replacements due within this many days of --at (and overdue ones) are listed. */
const LIFECYCLE_DAYS = 365;

/** The budget forecast's replacements for the workspace's fleet, or why there are none. */
async function replacements(
  ws: Workspace | undefined,
  at: Date,
  io: Io,
): Promise<{ replacements?: ReplacementRow[]; lifecycleNote?: string }> {
  if (ws === undefined) return {};
  let report;
  try {
    report = await buildBudget(
      [ws.machines],
      {
        ...(ws.overlay === undefined ? {} : { overlay: ws.overlay }),
        ...(ws.registers.prices === undefined ? {} : { prices: ws.registers.prices }),
        ...(ws.fiscalYearStart === undefined ? {} : { fiscalYearStart: ws.fiscalYearStart }),
        at: at.toISOString(),
        years: "3",
        inflation: "0",
        format: "table",
      },
      { ...io, stderr: () => undefined },
    );
  } catch (error) {
    if (error instanceof InputError)
      return {
        lifecycleNote: `the budget forecast cannot read the fleet (${error.problems.length} problem(s)): run stronghold budget to see them`,
      };
    throw error;
  }
  const until = dayInZone(new Date(at.getTime() + LIFECYCLE_DAYS * 86_400_000), ws.timeZone).date;
  const rows = report.lines
    .filter((l) => l.kind === "replacement" && l.due !== undefined && l.due <= until)
    .map((l) => ({
      subject: l.subject,
      department: l.department,
      item: l.item,
      due: l.due!,
      reason: l.reason,
      detail: l.detail,
      ...(l.costCents === null ? {} : { costUsd: l.costCents / 100 }),
      late: l.late,
    }));
  return {
    replacements: rows,
    ...(rows.length === 0 ? { lifecycleNote: `no replacement falls due before ${until}` } : {}),
  };
}

/** The CSF subcategories with their titles, for the coverage view. */
async function csfSubcategories(): Promise<{ id: string; title: string }[]> {
  const loaded = await loadFrameworkCatalog();
  if (!loaded.ok) throw new InputError(loaded.problems);
  return [...loaded.catalog.csf].map(([id, title]) => ({ id, title }));
}

/**
 * Writes the dashboard of `ledger` as it stood at `at` to `out` (atomically), inside a workspace
 * with its lifecycle section; what `stronghold report html` and `stronghold run` both write.
 * Throws InputError for a damaged ledger or reference table.
 */
export async function writeDashboard(options: {
  readonly ledger: string;
  readonly out: string;
  readonly at: Date;
  readonly workspace: Workspace | undefined;
  readonly io: Io;
}): Promise<void> {
  const { ledger, out, at } = options;
  const [reference, csf, lifecycle] = await Promise.all([
    loadReferenceData(),
    csfSubcategories(),
    replacements(options.workspace, at, options.io),
  ]);
  const model = buildDashboardModel(ledger, {
    at,
    ...(options.workspace === undefined ? {} : { timeZone: options.workspace.timeZone }),
    safeguards: reference.cisSafeguards.safeguards,
    csf,
    ...lifecycle,
  });
  const objectsHref = path
    .relative(path.dirname(out), path.join(ledger, "objects"))
    .split(path.sep)
    .join("/");
  const page = renderDashboard(model, { objectsHref: objectsHref === "" ? "." : objectsHref });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, (write) => write(page));
}

async function html(options: HtmlOptions, io: Io): Promise<number> {
  const at = parseAt(options.at);
  const paper = options.paper.toLowerCase();
  if (!(PAPERS as readonly string[]).includes(paper))
    throw new UsageError(`--paper "${options.paper}" must be one of ${PAPERS.join(", ")}`);
  const cwd = workingDir(io);
  const ws = await currentWorkspace(io);
  const ledger =
    options.ledger !== undefined
      ? path.resolve(cwd, options.ledger)
      : ws !== undefined
        ? path.join(ws.evidence, "ledger")
        : undefined;
  if (ledger === undefined)
    throw new UsageError(
      "report html needs a ledger: give --ledger <dir>, or run it inside a workspace (stronghold init)",
    );
  const out =
    options.out !== undefined
      ? path.resolve(cwd, options.out)
      : path.join(path.dirname(ledger), "dashboard.html");
  await writeDashboard({ ledger, out, at, workspace: ws, io });
  io.stderr(`wrote ${out}\n`);
  if (options.pdf !== undefined) {
    const pdf = path.resolve(cwd, options.pdf);
    mkdirSync(path.dirname(pdf), { recursive: true });
    try {
      await printDashboard(out, pdf, { paper: paper as Paper, env: io.env });
    } catch (error) {
      if (!(error instanceof PdfError)) throw error;
      io.stderr(`stronghold: ${error.message}\n`);
      return 2;
    }
    io.stderr(`wrote ${pdf}\n`);
  }
  return 0;
}

/** Adds `stronghold report html` to the `report` group. */
export function registerReportHtml(report: Command, io: Io, setExit: (code: number) => void): void {
  report
    .command("html")
    .summary("write the evidence dashboard: one self-contained HTML file (and a PDF)")
    .description(
      [
        "Write the evidence dashboard from the evidence ledger as one HTML file",
        "with everything inlined (charts included): backups (last verified restore",
        "per system, RTO and RPO against their targets), compliance (score trend,",
        "departments and sites, failing controls and machines with their evidence",
        "and remediation, waivers expiring), infrastructure (last plans, policy",
        "results, cost), lifecycle (replacements due within a year, inside a",
        "workspace) and CIS Controls v8 / NIST CSF 2.0 coverage over 90 days.",
        "Artifacts are linked by their path in the ledger's objects/ folder,",
        "relative to the page. Inside a workspace the ledger is",
        "<evidence>/ledger and the page <evidence>/dashboard.html.",
        "",
        "--pdf prints it through headless Chromium ($STRONGHOLD_CHROMIUM, else",
        "/usr/bin/chromium, which npm run setup installs).",
        "",
        "Exit codes:",
        "  0  written",
        "  2  usage or input errors: no ledger, a damaged entry, no Chromium for --pdf",
      ].join("\n"),
    )
    .option("--ledger <dir>", "the evidence ledger folder (default: the workspace's)")
    .option("--out <file>", "the HTML file to write (default: dashboard.html beside the ledger)")
    .option("--pdf <file>", "also print the dashboard to this PDF file")
    .option("--paper <size>", `paper for --pdf: ${PAPERS.join(", ")}`, "a4")
    .option("--at <time>", "show the evidence as of this day or time (default: now)")
    .action(async (options: HtmlOptions) => {
      setExit(await html(options, io));
    });
}
