/**
 * Showing a drill as it runs: a live task list (listr2) on a terminal, plain lines otherwise (CI
 * logs, cron mail), and the plan of a dry run. The engine reports through a DrillObserver; these
 * only render.
 */
import { Listr, type ListrTaskWrapper } from "listr2";
import { formatBytes, formatDuration, describeTarget } from "../results/metrics.js";
import type { DrillPlan, PlannedStep } from "../planning/plan.js";
import type { DrillRun, StepOutcome } from "../results/run-record.js";
import type { DrillObserver } from "./observer.js";

type Write = (chunk: string) => void;

function stepLabel(s: PlannedStep): string {
  return `${s.step.phase}/${s.step.name}`;
}

function outcomeText(o: StepOutcome): string {
  switch (o.status) {
    case "passed":
      return `ok (${formatDuration(o.durationMs / 1000)}${o.attempts > 1 ? `, ${o.attempts} attempts` : ""})`;
    case "skipped":
      return `skipped: ${o.reason}`;
    case "failed":
    case "timed-out":
    case "interrupted":
      return `${o.status.toUpperCase()} after ${formatDuration(o.durationMs / 1000)}: ${o.error}`;
  }
}

/** One line per event, for logs. */
export function plainProgress(write: Write): DrillObserver {
  return {
    fence: (outcome, details) => {
      if (outcome === "ok")
        write("fences: every destructive path is inside its sandbox on its host\n");
      else for (const d of details) write(`fences ${outcome}: ${d}\n`);
    },
    stepStart: (s, attempt) =>
      write(`→ ${stepLabel(s)}${attempt > 1 ? ` (attempt ${attempt})` : ""}: ${s.step.summary}\n`),
    stepEnd: (s, o) => {
      write(
        `${o.status === "passed" ? "✔" : o.status === "skipped" ? "-" : "✖"} ${stepLabel(s)} ${outcomeText(o)}\n`,
      );
      if (o.status !== "passed" && o.status !== "skipped")
        for (const d of o.details) write(`    ${d}\n`);
    },
    note: (s, message, warning) =>
      write(`  ${warning ? "warning" : "·"} ${s.step.name}: ${message}\n`),
    signal: (signal, action) => write(`${signal}: ${action}\n`),
  };
}

interface Pending {
  promise: Promise<StepOutcome>;
  resolve: (o: StepOutcome) => void;
}

/**
 * A listr2 task list with one task per step; each task waits for its step's outcome from the
 * engine. `done()` settles steps that never ran (a refused run) and waits for the renderer.
 */
export function listrProgress(plan: DrillPlan): {
  observer: DrillObserver;
  done: () => Promise<void>;
} {
  const pending = new Map<string, Pending>();
  const wrappers = new Map<string, ListrTaskWrapper<unknown, never, never>>();
  for (const s of plan.steps) {
    let resolve!: (o: StepOutcome) => void;
    const promise = new Promise<StepOutcome>((r) => (resolve = r));
    pending.set(s.step.name, { promise, resolve });
  }
  const list = new Listr(
    plan.steps.map((s) => ({
      title: `${s.step.phase} › ${s.step.name}: ${s.step.summary}`,
      task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
        wrappers.set(s.step.name, task);
        const o = await pending.get(s.step.name)!.promise;
        switch (o.status) {
          case "passed":
            task.title = `${s.step.phase} › ${s.step.name} (${formatDuration(o.durationMs / 1000)})`;
            return;
          case "skipped":
            task.skip(o.reason);
            return;
          case "failed":
          case "timed-out":
          case "interrupted":
            throw new Error(`${o.status}: ${o.error}`);
        }
      },
    })),
    { concurrent: false, exitOnError: false, registerSignalListeners: false },
  );
  const running = list.run().catch(() => undefined);
  return {
    observer: {
      stepEnd: (s, o) => pending.get(s.step.name)?.resolve(o),
      note: (s, message, warning) => {
        const task = wrappers.get(s.step.name);
        if (task) task.output = `${warning ? "warning: " : ""}${message}`;
      },
    },
    done: async () => {
      for (const p of pending.values()) p.resolve({ status: "skipped", reason: "not run" });
      await running;
    },
  };
}

/** The plan of a dry run: targets with transports, each step with its commands and paths. */
export function renderPlan(
  plan: DrillPlan,
  extra: { evidenceDir: string; password: string },
): string {
  const m = plan.runbook.meta;
  const out: string[] = [];
  out.push(`Dry run of ${m.id}: ${m.title}`);
  out.push("Nothing is changed and no host is contacted.", "");
  out.push(`Run id:      ${plan.runId}`);
  out.push(`Evidence:    ${extra.evidenceDir} (journal.jsonl, report.md, junit.xml)`);
  out.push(`Inventory:   ${plan.inventoryFile}`);
  out.push(`Repository:  ${plan.repository?.label ?? "(none)"}; password ${extra.password}`);
  out.push(
    `Objectives:  RTO ${formatDuration(plan.rtoMinutes * 60)}, RPO ${formatDuration(plan.rpoMinutes * 60)}`,
    "",
  );
  out.push("Targets:");
  for (const t of plan.targets) {
    const view = plan.view.target(t.key);
    out.push(
      `  ${t.key} (role ${t.spec.role}) → ${t.host.name} via ${t.host.transport.kind === "ssh" ? `ssh ${view.transport}` : "local transport"}` +
        (t.spec.destructive
          ? `; changed by the drill, sandbox ${view.sandbox.join(", ")}`
          : "; not changed by the drill"),
    );
  }
  out.push("", "Steps:");
  plan.steps.forEach((s, i) => {
    const st = s.step;
    const tries = st.retry.attempts > 1 ? `, up to ${st.retry.attempts} tries` : "";
    out.push(
      `  ${i + 1}. ${st.phase} › ${st.name} [${st.kind}] timeout ${formatDuration(st.timeoutMs / 1000)}${tries}`,
    );
    out.push(`       ${st.summary}`);
    for (const c of s.commands) out.push(`       ${c.host}$ ${c.command}`);
    for (const t of s.touches) for (const p of t.paths) out.push(`       changes ${t.host}:${p}`);
  });
  out.push(
    "",
    "Fences: every target the drill changes is a drill target and every path it changes lies in the",
    "target's sandbox as written; a real run also resolves symbolic links on the hosts before any step.",
    "",
  );
  return out.join("\n");
}

/** The closing summary of a run: verdict, objectives, data, where the evidence is. */
export function renderSummary(run: DrillRun): string {
  const v = run.verdict;
  const m = run.metrics;
  const lines = [
    v.status === "passed"
      ? `drill ${run.runbook.id} PASSED`
      : `drill ${run.runbook.id} ${v.status.toUpperCase()} at ${v.failedAt}`,
    `  RTO: ${m.rto ? describeTarget(m.rto) : "not applicable (no disaster injected)"}`,
    `  RPO: ${m.rpo ? describeTarget(m.rpo) : "not applicable"}`,
    `  verified ${m.verified.files} files (${formatBytes(m.verified.bytes)}); restored ${m.restored.files} files (${formatBytes(m.restored.bytes)}) in ${formatDuration(m.restored.seconds)}${m.restored.bytesPerSecond === undefined ? "" : ` at ${formatBytes(m.restored.bytesPerSecond)}/s`}`,
    ...run.warnings.map((w) => `  warning (${w.step}): ${w.message}`),
    `  evidence: ${run.evidenceDir}/ (report.md, journal.jsonl, junit.xml)`,
  ];
  return `${lines.join("\n")}\n`;
}
