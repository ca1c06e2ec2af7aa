/**
 * The answers as a terminal table, Markdown or JSON. Each question lays its answer out once
 * (sentences and tables); the two text formats render that layout.
 */
import type { ComplianceAnswer } from "./compliance.js";
import { PASSED, type DrillRow } from "./drill-rows.js";
import type { DrillsAnswer } from "./drills.js";
import type { FailingForAnswer } from "./failing-for.js";
import type { LastRestoreAnswer } from "./last-restore.js";
import type { UncoveredAnswer } from "./uncovered.js";

export const FORMATS = ["table", "json", "markdown"] as const;
export type QueryFormat = (typeof FORMATS)[number];

export type Answer =
  LastRestoreAnswer | ComplianceAnswer | FailingForAnswer | DrillsAnswer | UncoveredAnswer;

interface Table {
  readonly title?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** An answer laid out: a heading, sentences, then tables. */
interface Layout {
  readonly heading: string;
  readonly lines: readonly string[];
  readonly tables: readonly Table[];
}

/** "2h 05m", "4m 10s", "35s". */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86_400)}d ${String(Math.floor((s % 86_400) / 3600)).padStart(2, "0")}h`;
}

const percent = (score: number) => `${(Math.round(score * 10) / 10).toFixed(1)}%`;

function objective(o: DrillRow["rto"]): string {
  if (o === undefined) return "—";
  const verdict = o.met === undefined ? "" : o.met ? " met" : " MISSED";
  return `${duration(o.achievedSeconds)} / ${duration(o.targetSeconds)}${verdict}`;
}

/** "failed at restore: why", for a drill that did not pass. */
function outcome(d: DrillRow): string {
  const at = d.failedAt === undefined ? d.verdict : `${d.verdict} at ${d.failedAt}`;
  return d.reasons.length === 0 ? at : `${at}: ${d.reasons.join("; ")}`;
}

const evidence = (seq: number, hash: string) => `#${seq} ${hash.slice(0, 12)}`;

function drillTable(rows: readonly DrillRow[], title?: string): Table {
  return {
    ...(title === undefined ? {} : { title }),
    columns: [
      "day",
      "runbook",
      "verdict",
      "RTO achieved / target",
      "RPO achieved / target",
      "verified",
      "systems",
      "evidence",
    ],
    rows: rows.map((d) => [
      d.day,
      d.runbook,
      d.failedAt === undefined ? d.verdict : `${d.verdict} at ${d.failedAt}`,
      objective(d.rto),
      objective(d.rpo),
      `${d.verified.files} files`,
      d.systems.join(", "),
      evidence(d.seq, d.hash),
    ]),
  };
}

const zoneLine = (zone: string) =>
  `Days are ${zone === "UTC" ? "UTC days (no workspace time zone)" : `local days in ${zone}`}.`;

const LAYOUTS: {
  readonly [Q in Answer["question"]]: (a: Extract<Answer, { question: Q }>) => Layout;
} = {
  "last-restore": (a) => {
    const lines: string[] = [];
    const v = a.lastVerified;
    if (v === undefined)
      lines.push(`${a.system} has never been restored and verified by a drill that passed.`);
    else
      lines.push(
        `Last verified restore: ${v.day} (${v.at}) by ${v.runbook}, run ${v.runId}; RTO ${objective(v.rto)}, RPO ${objective(v.rpo)}; ${v.verified.files} files verified. Evidence: ledger entry ${evidence(v.seq, v.hash)}.`,
      );
    if (a.lastAttempt !== undefined)
      lines.push(
        `Since then ${a.failedSince} drill(s) did not pass; the latest, ${a.lastAttempt.day} (run ${a.lastAttempt.runId}), ${outcome(a.lastAttempt)}.`,
      );
    lines.push(zoneLine(a.zone));
    const rows = [
      ...(v === undefined ? [] : [v]),
      ...(a.lastAttempt === undefined ? [] : [a.lastAttempt]),
    ];
    return {
      heading: `Last verified restore of ${a.system} (${a.matchedBy})`,
      lines,
      tables: [drillTable(rows)],
    };
  },
  compliance: (a) => {
    const c = a.check;
    const lines = [`${a.note[0]!.toUpperCase()}${a.note.slice(1)}.`];
    if (c !== undefined)
      lines.push(
        `Score ${percent(c.score)} over ${c.machines} machines (gate ${c.gatePassed ? "passed" : "failed"}); results: ${c.counts.pass} pass, ${c.counts.fail} fail, ${c.counts.waived} waived, ${c.counts["not-applicable"]} not applicable, ${c.counts.error} error. Evidence: ledger entry ${evidence(c.seq, c.hash)}.`,
      );
    lines.push(zoneLine(a.zone));
    const group = (title: string, rows: ComplianceAnswer["byDepartment"]): Table => ({
      title,
      columns: ["name", "score", "machines", "failures"],
      rows: rows.map((g) => [g.name, percent(g.score), String(g.machines), String(g.failures)]),
    });
    return {
      heading: `Fleet compliance on ${a.asked}`,
      lines,
      tables:
        c === undefined
          ? []
          : [
              {
                title: "Failing controls",
                columns: ["control", "machines"],
                rows: a.failingControls.map((f) => [f.control, String(f.machines)]),
              },
              group("By department", a.byDepartment),
              group("By site", a.bySite),
            ],
    };
  },
  "failing-for": (a) => ({
    heading: `Controls failing for more than ${a.moreThanDays} days`,
    lines: [
      a.latest === undefined
        ? "No check has been recorded."
        : `${a.controls.length} control(s), up to the latest check of ${a.latest.day} (ledger entry ${evidence(a.latest.seq, a.latest.hash)}).`,
      zoneLine(a.zone),
    ],
    tables: [
      {
        columns: ["control", "since", "days", "machines", "failing on"],
        rows: a.controls.map((c) => [
          c.control,
          c.since,
          String(c.days),
          String(c.machines.length),
          c.machines.join(", "),
        ]),
      },
    ],
  }),
  drills: (a) => ({
    heading: `Drills from ${a.from} to ${a.to}`,
    lines: [
      `${a.drills.length} drill(s): ${a.passed} passed, ${a.failed} did not.`,
      ...a.drills
        .filter((d) => d.verdict !== PASSED)
        .map((d) => `${d.day} ${d.runbook} ${outcome(d)}`),
      zoneLine(a.zone),
    ],
    tables: [drillTable(a.drills)],
  }),
  uncovered: (a) => ({
    heading: `Safeguards with no evidence in the last ${a.days} days`,
    lines: [
      `${a.uncovered.length} of ${a.expected} safeguards have no passing evidence from ${a.from} to ${a.to}; ${a.covered} do.`,
      zoneLine(a.zone),
    ],
    tables: [
      {
        columns: ["framework", "safeguard", "title", "last evidence"],
        rows: a.uncovered.map((u) => [
          u.framework === "cis" ? "CIS v8" : "NIST CSF 2.0",
          u.id,
          u.title,
          u.lastEvidence === undefined ? "never" : `${u.lastEvidence.day} (#${u.lastEvidence.seq})`,
        ]),
      },
    ],
  }),
};

function layout(answer: Answer): Layout {
  const lay = LAYOUTS[answer.question] as (a: Answer) => Layout;
  return lay(answer);
}

function textTable(t: Table): string[] {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => r[i]!.length)));
  const row = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    ...(t.title === undefined ? [] : [`${t.title}:`]),
    row(t.columns),
    row(widths.map((w) => "-".repeat(w))),
    ...(t.rows.length === 0 ? ["(none)"] : t.rows.map(row)),
  ];
}

const cell = (text: string) => text.replaceAll("|", "\\|");

function markdownTable(t: Table): string[] {
  return [
    ...(t.title === undefined ? [] : [`### ${t.title}`, ""]),
    `| ${t.columns.map(cell).join(" | ")} |`,
    `|${t.columns.map(() => " --- |").join("")}`,
    ...(t.rows.length === 0
      ? [`| ${t.columns.map((_, i) => (i === 0 ? "(none)" : "")).join(" | ")} |`]
      : t.rows.map((r) => `| ${r.map(cell).join(" | ")} |`)),
  ];
}

/** The answer in `format`, ending with a newline. */
export function formatAnswer(answer: Answer, format: QueryFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(answer, null, 2)}\n`;
    case "table": {
      const l = layout(answer);
      return `${[l.heading, ...l.lines, ...l.tables.flatMap((t) => ["", ...textTable(t)])].join("\n")}\n`;
    }
    case "markdown": {
      const l = layout(answer);
      return `${[`## ${l.heading}`, "", ...l.lines.flatMap((x) => [x, ""]), ...l.tables.flatMap((t) => [...markdownTable(t), ""])].join("\n").trimEnd()}\n`;
    }
  }
}
