/** `drill list`, `drill show` and `drill history`: what the runbooks are and how past runs went. */
import { LAYOUT_DESCRIPTIONS } from "../restic/locate.js";
import { RUNBOOKS } from "../../runbooks/index.js";
import { readHistory, renderHistoryTable } from "../drill/results/history.js";
import { formatDuration } from "../drill/results/metrics.js";
import { runbookOrUsage } from "./drill-settings.js";
import type { Io } from "./io.js";

/** The runbooks as a table or JSON. */
export function listRunbooks(format: string, io: Io): number {
  if (format === "json") {
    io.stdout(
      `${JSON.stringify(
        RUNBOOKS.map((r) => ({
          id: r.meta.id,
          title: r.meta.title,
          rtoMinutes: r.meta.rtoMinutes,
          rpoMinutes: r.meta.rpoMinutes,
          roles: Object.values(r.meta.targets).map((t) => t.role),
        })),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const rows = RUNBOOKS.map((r) => [
    r.meta.id,
    r.meta.title,
    r.steps.some((s) => s.phase === "inject") ? formatDuration(r.meta.rtoMinutes * 60) : "n/a",
    formatDuration(r.meta.rpoMinutes * 60),
  ]);
  const header = ["ID", "Title", "RTO", "RPO"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    io.stdout(
      `${row
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd()}\n`,
    );
  return 0;
}

/** One runbook in full: scenario, claims, objectives, targets, what it needs, its steps. */
export function showRunbook(id: string, io: Io): number {
  const r = runbookOrUsage(id);
  const m = r.meta;
  const needs = r.settings({ freshSnapshot: false });
  const out = [
    `${m.id}: ${m.title}`,
    "",
    m.scenario,
    "",
    "Proves:",
    ...m.proves.map((p) => `  - ${p}`),
    "",
    `Objectives (defaults): RTO ${r.steps.some((s) => s.phase === "inject") ? formatDuration(m.rtoMinutes * 60) : "not measured (no disaster is injected)"}, RPO ${formatDuration(m.rpoMinutes * 60)}`,
    "",
    "Targets (chosen from the inventory by role):",
    ...Object.entries(m.targets).map(
      ([key, t]) =>
        `  ${key}: role ${t.role}${t.destructive ? " (changed by the drill: must be a drill target)" : ""} — ${t.purpose}`,
    ),
    ...(needs.ok
      ? []
      : [
          "",
          "Needs:",
          ...needs.problems.map(
            (p) => `  ${p.option} ${p.message.replace(/^is required: /, "— ")}`,
          ),
        ]),
    ...(m.usesRepository
      ? [
          "",
          "Backing up the share: restic backup <the --data folder>, as restic's docs show. The share",
          "is found in each snapshot by reading its tree, so these layouts are all recognised:",
          ...Object.values(LAYOUT_DESCRIPTIONS).map((d) => `  - ${d}`),
          "  - several paths in one snapshot, or --files-from a list (a part of the share: warned)",
        ]
      : []),
    "",
    "Steps:",
    ...r.steps.map(
      (s, i) =>
        `  ${String(i + 1).padStart(2)}. ${s.phase.padEnd(9)} ${s.name} [${s.kind}] timeout ${formatDuration(s.timeoutMs / 1000)}${s.retry.attempts > 1 ? `, ${s.retry.attempts} tries` : ""}\n      ${s.summary}`,
    ),
    "",
  ];
  io.stdout(out.join("\n"));
  return 0;
}

/** Past runs read back from their journals, with the trend. */
export function showHistory(
  options: { dir: string; runbook?: string; format: string },
  io: Io,
): number {
  if (options.runbook !== undefined) runbookOrUsage(options.runbook);
  const h = readHistory(options.dir, options.runbook);
  if (options.format === "json") io.stdout(`${JSON.stringify(h.entries, null, 2)}\n`);
  else if (h.entries.length === 0) io.stdout(`no drill runs in ${options.dir}\n`);
  else io.stdout(renderHistoryTable(h));
  for (const p of h.problems) io.stderr(`stronghold: ${p}\n`);
  return h.problems.length > 0 ? 2 : 0;
}
