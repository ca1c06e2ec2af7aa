/** The collection report as a table for the terminal: one row per host, then the totals. */
import pc from "picocolors";
import type { CollectionReport } from "./collection-report.js";
import type { HostResult } from "./host-outcome.js";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function note(h: HostResult): string {
  if (h.outcome === "ok") return h.file;
  const first = h.details?.[0];
  return first
    ? `${h.message}: ${first}${h.details!.length > 1 ? ` (+${h.details!.length - 1})` : ""}`
    : h.message;
}

/** Writes the table; `color` paints outcomes (green ok, red failures). */
export function renderCollectionTable(
  report: CollectionReport,
  write: (chunk: string) => void,
  options: { readonly color: boolean },
): void {
  const paint = options.color ? pc : pc.createColors(false);
  const rows = report.hosts.map((h) => [
    h.name,
    h.outcome,
    seconds(h.durationMs),
    h.outcome === "ok" ? String(h.unknown.length) : "-",
    note(h),
  ]);
  const header = ["host", "outcome", "time", "unknown", "file / problem"];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[], outcome?: string) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
        if (i !== 1 || outcome === undefined) return padded;
        return outcome === "ok" ? paint.green(padded) : paint.red(padded);
      })
      .join("  ")
      .trimEnd();
  write(`${paint.bold(line(header))}\n`);
  for (const [i, row] of rows.entries()) write(`${line(row, report.hosts[i]!.outcome)}\n`);
  const { summary } = report;
  const failures = Object.entries(summary.byOutcome)
    .filter(([o]) => o !== "ok")
    .map(([o, n]) => `${n} ${o}`)
    .join(", ");
  write(
    `\n${summary.hosts} host(s): ${summary.ok} ok, ${summary.failed} failed${failures ? ` (${failures})` : ""} in ${seconds(report.durationMs)}\n`,
  );
}
