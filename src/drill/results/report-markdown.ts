/**
 * The drill report in Markdown, for people and CI summaries: the verdict and the step it failed
 * at, RTO and RPO against the targets, what was restored and verified, every step's outcome, the
 * warnings, and where the evidence is. Every value is escaped, so data cannot break a table.
 */
import { cell, escapeInline } from "../../output/markdown-text.js";
import { formatBytes, formatDuration } from "./metrics.js";
import type { DrillRun, StepOutcome, TargetMetric } from "./run-record.js";

/** The Markdown report's file name in a run folder. */
export const REPORT_FILE = "report.md";

function code(text: string): string {
  const body = text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const ticks = body.includes("`") ? "``" : "`";
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

const OUTCOME_LABEL: Readonly<Record<StepOutcome["status"], string>> = {
  passed: "✅ passed",
  failed: "❌ failed",
  "timed-out": "⏱️ timed out",
  interrupted: "⛔ interrupted",
  skipped: "➖ not run",
};

function objectiveRow(name: string, m: TargetMetric | undefined): string {
  if (m === undefined)
    return `| ${name} | — | — | not applicable | this drill injects no disaster |`;
  const achieved = m.achievedSeconds === undefined ? "—" : formatDuration(m.achievedSeconds);
  const result = m.met === undefined ? "not measured" : m.met ? "✅ met" : "❌ missed";
  return `| ${name} | ${formatDuration(m.targetSeconds)} | ${achieved} | ${result} | ${cell(m.basis)} |`;
}

const ATTACK_VERDICT = {
  withstood:
    "✅ **The backups withstood the attack**: every attempt was refused, or the storage kept the attacked version and the canary was restored from it.",
  unproven:
    "⚠️ **Not shown that the backups withstand an attack**: no attempt destroyed the canary, but some could not be made.",
  destroyable:
    "❌ **The backups can be destroyed** from the infected host: an attempt destroyed the canary.",
} as const;

/** The report text. */
export function renderMarkdownReport(run: DrillRun): string {
  const out: string[] = [];
  const v = run.verdict;
  out.push(`# Drill report: ${escapeInline(run.runbook.title)} (${code(run.runbook.id)})`, "");
  if (v.status === "passed") {
    out.push("✅ **Drill passed**: every step passed and the recovery objectives were met.", "");
  } else {
    const label =
      v.status === "refused"
        ? "⛔ **Drill refused** before any step ran"
        : v.status === "interrupted"
          ? `⛔ **Drill interrupted** (${escapeInline(run.interruptedBy ?? "signal")})`
          : "❌ **Drill failed**";
    out.push(`${label} — failing step: ${code(v.failedAt)}`, "");
    for (const reason of v.reasons) out.push(`- ${escapeInline(reason)}`);
    out.push("");
  }
  out.push(escapeInline(run.runbook.scenario), "");
  out.push(
    "| Run | Started | Ended | Inventory | Repository |",
    "| --- | --- | --- | --- | --- |",
    `| ${code(run.runId)} | ${run.startedAt} | ${run.endedAt} | ${cell(run.inventory)} | ${cell(run.repository ?? "—")} |`,
    "",
  );

  const m = run.metrics;
  out.push("## Recovery objectives", "");
  out.push(
    "| Objective | Target | Achieved | Result | Measured as |",
    "| --- | --- | --- | --- | --- |",
    objectiveRow("RTO", m.rto),
    objectiveRow("RPO", m.rpo),
    "",
  );
  const facts: string[] = [];
  if (m.infectionStartedAt) facts.push(`infection started at ${m.infectionStartedAt}`);
  if (m.disasterAt)
    facts.push(
      `${m.infectionStartedAt ? "detected (disaster)" : "disaster injected"} at ${m.disasterAt}`,
    );
  if (m.recoveredAt) facts.push(`recovery verified at ${m.recoveredAt}`);
  if (m.drillSnapshot) {
    facts.push(
      `recovered from the drill's own snapshot ${code(m.drillSnapshot.snapshot)} taken ${m.drillSnapshot.time}`,
    );
    if (m.recoveryPoint)
      facts.push(
        `the RPO is measured to the town's newest snapshot ${code(m.recoveryPoint.snapshot)} taken ${m.recoveryPoint.time}`,
      );
  } else if (m.recoveryPoint)
    facts.push(
      `recovered from snapshot ${code(m.recoveryPoint.snapshot)} taken ${m.recoveryPoint.time}`,
    );
  if (facts.length > 0) out.push(`${facts.join("; ")}.`, "");

  out.push("## Data", "");
  out.push(
    "| Files verified | Bytes verified | Files restored | Bytes restored | Restore time | Throughput |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${m.verified.files} | ${formatBytes(m.verified.bytes)} | ${m.restored.files} | ${formatBytes(m.restored.bytes)} | ${formatDuration(m.restored.seconds)} | ${m.restored.bytesPerSecond === undefined ? "—" : `${formatBytes(m.restored.bytesPerSecond)}/s`} |`,
    "",
  );

  if (m.backupAttack) {
    out.push("## Attack on the backups", "");
    out.push(
      `${ATTACK_VERDICT[m.backupAttack.verdict]} Each attempt was aimed at a canary snapshot the drill wrote, with the restic credentials of the infected host:`,
      "",
    );
    for (const a of m.backupAttack.attempts) out.push(`- ${escapeInline(a)}`);
    out.push("");
  }

  out.push("## Targets", "");
  out.push(
    "| Target | Role | Host | Transport | Changed by the drill | Sandbox |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const t of run.targets)
    out.push(
      `| ${cell(t.key)} | ${cell(t.role)} | ${cell(t.host)} | ${cell(t.transport)} | ${t.destructive ? "yes" : "no"} | ${cell(t.sandbox.join(", ") || "—")} |`,
    );
  out.push("");

  out.push("## Steps", "");
  out.push(
    "| # | Phase | Step | Kind | Outcome | Attempts | Duration |",
    "| ---: | --- | --- | --- | --- | ---: | ---: |",
  );
  run.steps.forEach((s, i) => {
    const o = s.outcome;
    const attempts = o.status === "skipped" ? "—" : String(o.attempts);
    const duration = o.status === "skipped" ? "—" : formatDuration(o.durationMs / 1000);
    out.push(
      `| ${i + 1} | ${s.phase} | ${code(s.name)} | ${s.kind} | ${OUTCOME_LABEL[o.status]} | ${attempts} | ${duration} |`,
    );
  });
  out.push("");
  for (const s of run.steps) {
    const o = s.outcome;
    if (o.status === "passed" || o.status === "skipped") continue;
    out.push(`### ${code(s.name)} ${o.status}`, "", escapeInline(o.error), "");
    for (const d of o.details) out.push(`- ${escapeInline(d)}`);
    if (o.details.length > 0) out.push("");
  }

  if (run.warnings.length > 0) {
    out.push("## Warnings", "");
    for (const w of run.warnings) out.push(`- ${code(w.step)}: ${escapeInline(w.message)}`);
    out.push("");
  }

  out.push("## Evidence", "");
  out.push(
    "- `journal.jsonl`: every step's start and end, every command (secrets redacted, output truncated), append-only",
    "- `junit.xml`: one test case per step, and one per recovery objective",
    "",
  );
  return out.join("\n");
}
