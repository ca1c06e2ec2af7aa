/**
 * Executes a plan's steps once the run is set up: fences checked on the hosts, then the steps
 * phase by phase, then cleanup — always, after a pass, a failure, a timeout or a signal — and the
 * evidence written at the end.
 */
import { redactDeep, type JournalTarget } from "../results/journal.js";
import { computeMetrics } from "../results/metrics.js";
import type { DrillRun, DrillVerdict, StepOutcome, StepRecord } from "../results/run-record.js";
import { writeEvidence } from "../results/evidence.js";
import { drillVerdict } from "../results/verdict.js";
import { checkFencesOnHosts } from "../fencing/fences-on-hosts.js";
import type { PlannedStep, PlannedTarget } from "../planning/plan.js";
import { describeError } from "../runbook/failures.js";
import {
  findLeftovers,
  JOURNAL_FORMAT,
  journalFolder,
  leftoverPatterns,
  readHostJournals,
  removeHostJournal,
  writeHostJournal,
  type HostJournalRecord,
} from "./host-journal.js";
import type { ExecutionState } from "./execution-state.js";
import { runStep } from "./run-step.js";
import { describeProcesses, stopRunCommands, TERM_BOUND_MS } from "./run-commands.js";

/** One run of a plan; `run()` resolves with its record once the evidence is on disk. */
export class DrillExecution {
  constructor(
    private readonly state: ExecutionState,
    private readonly evidenceDir: string,
    private readonly fenceTimeoutMs: number,
  ) {}

  private targetsRecord(): JournalTarget[] {
    return this.state.plan.targets.map((t) => ({
      key: t.key,
      role: t.spec.role,
      host: t.host.name,
      transport: this.state.plan.view.target(t.key).transport,
      destructive: t.spec.destructive,
      sandbox: t.host.drill.sandbox,
    }));
  }

  async run(): Promise<DrillRun> {
    const { plan, journal } = this.state;
    journal.write({
      event: "run-start",
      runId: plan.runId,
      runbook: { id: plan.runbook.meta.id, title: plan.runbook.meta.title },
      inventory: plan.inventoryFile,
      ...(plan.repository ? { repository: plan.repository.label } : {}),
      targets: this.targetsRecord(),
      settings: plan.settings,
      rtoMinutes: plan.rtoMinutes,
      rpoMinutes: plan.rpoMinutes,
      steps: plan.steps.map((s) => ({ phase: s.step.phase, name: s.step.name, kind: s.step.kind })),
    });

    const fence = await this.checkFences();
    const records: StepRecord[] = [];
    if (fence.kind !== "ok") {
      for (const s of plan.steps)
        records.push(
          this.record(s, {
            status: "skipped",
            reason: `not run: ${fence.kind === "refused" ? "the fences refused the run" : "the hosts could not be checked"}`,
          }),
        );
      return this.finish(records, {
        status: fence.kind === "refused" ? "refused" : "failed",
        failedAt: "fencing",
        reasons: fence.details,
      });
    }

    if (!this.state.recovering) {
      const { lines: earlier, journals } = await this.earlierRuns();
      if (earlier.length > 0) {
        for (const s of plan.steps)
          records.push(
            this.record(s, {
              status: "skipped",
              reason: "not run: an earlier run on these hosts is not finished",
            }),
          );
        return this.finish(records, {
          status: "refused",
          failedAt: "earlier run",
          reasons: [
            ...earlier,
            journals > 0
              ? `run stronghold drill recover --hosts ${plan.inventoryFile} (with the repository flags this drill used) to put the originals back and verify them, then run the drill again`
              : // drill recover works from journals: with none, it would find nothing to do.
                `no drill journal accounts for the scratch space above (a run killed before it wrote one, or a command of a killed run still running after its recovery): check that no drill command is running on the host, compare the scratch folders with the share, and remove them by hand (docs/drills.md, "A drill killed outright"); then run the drill again`,
          ],
        });
      }
      const unwritten = await this.writeJournals();
      if (unwritten !== undefined) {
        for (const s of plan.steps)
          records.push(this.record(s, { status: "skipped", reason: "not run: no intent journal" }));
        return this.finish(records, {
          status: "failed",
          failedAt: "intent journal",
          reasons: [unwritten],
        });
      }
    }

    let stopped: StepRecord | undefined;
    for (const s of plan.steps.filter((p) => p.step.phase !== "cleanup")) {
      if (this.state.recovering) {
        records.push(this.skip(s, "not run: drill recover runs only the cleanup of a killed run"));
        continue;
      }
      if (stopped !== undefined || this.state.interrupts.received !== undefined) {
        const reason = this.state.interrupts.received
          ? `not run: interrupted by ${this.state.interrupts.received}`
          : `not run: step ${stopped?.name ?? "?"} did not pass`;
        records.push(this.skip(s, reason));
        continue;
      }
      const record = this.record(s, await runStep(this.state, s, false));
      records.push(record);
      if (record.outcome.status !== "passed") stopped = record;
    }
    // A killed run's commands may still be running: stopped before its cleanup, or they could
    // undo it (a safeguard's copy recreating the scratch folder cleanup removed).
    if (this.state.recovering) await this.stopRunCommands("before cleanup");
    for (const s of plan.steps.filter((p) => p.step.phase === "cleanup")) {
      if (this.state.interrupts.forced) {
        records.push(
          this.skip(s, "NOT RUN: cleanup was abandoned after a repeated signal and its bound"),
        );
        continue;
      }
      records.push(this.record(s, await runStep(this.state, s, true)));
    }
    const stepsCleaned = records.every(
      (r) => r.phase !== "cleanup" || r.outcome.status === "passed",
    );
    // A command of the run still running now (one a killed run's host received just before
    // the kill, or a timed-out command's child) may have changed what cleanup checked: the
    // journal stays for drill recover.
    const late = stepsCleaned ? await this.stopRunCommands("after cleanup") : [];
    const cleaned = stepsCleaned && late.length === 0;
    if (cleaned) await this.removeJournals();
    else
      this.state.warnings.push({
        step: "cleanup",
        message: `cleanup did not finish: the intent journal stays on ${this.journaledHosts().join(", ") || "the hosts"}, and drills there are refused until stronghold drill recover has finished it`,
      });
    if (this.state.recovering)
      return this.finish(
        records,
        cleaned
          ? { status: "passed" }
          : {
              status: "failed",
              failedAt:
                records.find((r) => r.phase === "cleanup" && r.outcome.status !== "passed")?.name ??
                "cleanup",
              reasons: [
                ...records
                  .filter((r) => r.phase === "cleanup" && r.outcome.status !== "passed")
                  .map(
                    (r) =>
                      `cleanup step ${r.name}: ${"error" in r.outcome ? r.outcome.error : r.outcome.status === "skipped" ? r.outcome.reason : ""}`,
                  ),
                ...late,
              ],
            },
      );
    return this.finish(
      records,
      late.length > 0 ? { status: "failed", failedAt: "cleanup", reasons: late } : undefined,
    );
  }

  /**
   * Stops the run's commands still running on each of its hosts: before cleanup in `drill
   * recover` (the killed run's), and after cleanup in every run, where each found is a line that
   * fails the run and keeps its journal. A host that cannot be asked is a warning.
   */
  private async stopRunCommands(when: "before cleanup" | "after cleanup"): Promise<string[]> {
    const { plan, sessions, journal, observer } = this.state;
    const late: string[] = [];
    const seen = new Set<string>();
    const step = plan.steps.find((s) => s.step.phase === "cleanup");
    for (const t of plan.targets) {
      if (seen.has(t.host.name) || sessions.isLost(t.host)) continue;
      seen.add(t.host.name);
      try {
        const found = await stopRunCommands(await sessions.get(t.host), this.state.marker, {
          termBoundMs: TERM_BOUND_MS,
          timeoutMs: this.fenceTimeoutMs,
        });
        const problems: string[] = [];
        if (found.stopped.length > 0) {
          const message = `${t.host.name}: stopped ${describeProcesses(found.stopped)} of run ${plan.runId} still running ${when}`;
          journal.write({ event: "note", step: "cleanup", message });
          if (step) observer.note?.(step, message, false);
          if (when === "after cleanup")
            problems.push(
              `${message}: they may have changed what cleanup put back, so the intent journal stays for drill recover`,
            );
        }
        if (found.survivors.length > 0)
          problems.push(
            `${t.host.name}: ${describeProcesses(found.survivors)} of run ${plan.runId} still running after KILL ${when}; stop them by hand, then run drill recover`,
          );
        for (const message of problems) {
          journal.write({ event: "warning", step: "cleanup", message });
          this.state.warnings.push({ step: "cleanup", message });
        }
        if (when === "after cleanup") late.push(...problems);
      } catch (error) {
        const message = `${t.host.name}: cannot look for run ${plan.runId}'s commands ${when}: ${describeError(error)}`;
        journal.write({ event: "warning", step: "cleanup", message });
        this.state.warnings.push({ step: "cleanup", message });
      }
    }
    return late;
  }

  /** The destructive targets' hosts with the folder their journals go in. */
  private journalHosts(): { target: PlannedTarget; folder: string }[] {
    return this.state.plan.targets
      .filter((t) => t.spec.destructive)
      .flatMap((t) => {
        const folder = journalFolder(
          this.state.resolvedSandbox.get(t.host.name) ?? t.host.drill.sandbox,
        );
        return folder === undefined ? [] : [{ target: t, folder }];
      });
  }

  private journaledHosts(): string[] {
    return [...new Set(this.journalHosts().map((j) => j.target.host.name))];
  }

  /**
   * Journals and scratch folders of earlier runs on every host of this run, destructive or not
   * (a share left damaged by a killed run is no "before" state for any drill): one line each.
   */
  private async earlierRuns(): Promise<{ lines: string[]; journals: number }> {
    const { plan, sessions } = this.state;
    const found: string[] = [];
    let journals = 0;
    const seen = new Set<string>();
    for (const t of plan.targets) {
      if (seen.has(t.host.name)) continue;
      seen.add(t.host.name);
      const sandbox = this.state.resolvedSandbox.get(t.host.name) ?? t.host.drill.sandbox;
      const folder = journalFolder(sandbox);
      const paths = plan.steps.flatMap((s) =>
        s.touches.filter((x) => x.host === t.host.name).flatMap((x) => x.paths),
      );
      try {
        const session = await sessions.get(t.host);
        if (folder !== undefined)
          for (const j of await readHostJournals(session, folder, this.fenceTimeoutMs)) {
            journals += 1;
            found.push(
              "record" in j
                ? `${t.host.name}: run ${j.record.runId} (${j.record.runbook}, started ${j.record.startedAt}) did not finish its cleanup: its journal is ${j.file}`
                : `${t.host.name}: a drill journal that cannot be read: ${j.file}: ${j.problem}`,
            );
          }
        for (const leftover of await findLeftovers(
          session,
          leftoverPatterns(plan.runId, paths),
          this.fenceTimeoutMs,
        ))
          found.push(`${t.host.name}: scratch space of an earlier run: ${leftover}`);
      } catch (error) {
        const why = `cannot look for earlier runs' journals and scratch space: ${describeError(error)}`;
        // A host this drill does not change (site-loss's lost primary) is only a warning.
        if (plan.targets.some((x) => x.host.name === t.host.name && x.spec.destructive))
          found.push(`${t.host.name}: ${why}`);
        else this.state.warnings.push({ step: "start", message: `${t.host.name}: ${why}` });
      }
    }
    for (const line of found)
      this.state.journal.write({ event: "note", step: "start", message: line });
    return { lines: found, journals };
  }

  /** Writes the intent journal on each destructive target; undefined when all are written. */
  private async writeJournals(): Promise<string | undefined> {
    const { plan, sessions } = this.state;
    const cleanup = plan.steps.filter((s) => s.step.phase === "cleanup");
    for (const { target, folder } of this.journalHosts()) {
      const record: HostJournalRecord = {
        format: JOURNAL_FORMAT,
        runId: plan.runId,
        runbook: plan.runbook.meta.id,
        host: target.host.name,
        startedAt: this.state.startedAt.toISOString(),
        inventory: plan.inventoryFile,
        options: plan.options,
        targets: Object.fromEntries(plan.targets.map((t) => [t.key, t.host.name])),
        rtoMinutes: plan.rtoMinutes,
        rpoMinutes: plan.rpoMinutes,
        runMarker: this.state.marker,
        changes: plan.steps
          .map((s) => ({
            step: s.step.name,
            paths: s.touches.filter((x) => x.host === target.host.name).flatMap((x) => x.paths),
          }))
          .filter((c) => c.paths.length > 0),
        keeps: cleanup.map((s) => s.step.summary).join("; "),
        ...(this.state.nightly === undefined ? {} : { nightly: this.state.nightly }),
      };
      try {
        const file = await writeHostJournal(
          await sessions.get(target.host),
          folder,
          record,
          this.fenceTimeoutMs,
        );
        this.state.journal.write({
          event: "note",
          step: "start",
          message: `intent journal written on ${target.host.name}: ${file}`,
        });
      } catch (error) {
        return describeError(error);
      }
    }
    return undefined;
  }

  /** Removes the run's journals once its cleanup has passed; a failure is a warning. */
  private async removeJournals(): Promise<void> {
    const { plan, sessions } = this.state;
    for (const { target, folder } of this.journalHosts()) {
      try {
        await removeHostJournal(
          await sessions.get(target.host),
          folder,
          plan.runId,
          this.fenceTimeoutMs,
        );
      } catch (error) {
        this.state.warnings.push({ step: "cleanup", message: describeError(error) });
      }
    }
  }

  private skip(s: PlannedStep, reason: string): StepRecord {
    const outcome: StepOutcome = { status: "skipped", reason };
    this.state.journal.write({
      event: "step-end",
      step: s.step.name,
      phase: s.step.phase,
      status: "skipped",
      attempts: 0,
      durationMs: 0,
      error: reason,
    });
    this.state.observer.stepEnd?.(s, outcome);
    return this.record(s, outcome);
  }

  private record(s: PlannedStep, outcome: StepOutcome): StepRecord {
    const { step } = s;
    return {
      phase: step.phase,
      name: step.name,
      kind: step.kind,
      summary: step.summary,
      timeoutMs: step.timeoutMs,
      retry: step.retry,
      touches: s.touches.map((t) => ({ host: t.host, paths: t.paths })),
      outcome,
    };
  }

  /** Host-side fences: sandboxes and declared paths resolved on each destructive target. */
  private async checkFences(): Promise<
    { kind: "ok" } | { kind: "refused" | "failed"; details: readonly string[] }
  > {
    const { plan, sessions, journal, observer } = this.state;
    const checked = await checkFencesOnHosts(
      plan,
      (host) => sessions.get(host),
      this.fenceTimeoutMs,
    );
    const details = checked.kind === "ok" ? [] : checked.details;
    if (checked.kind === "ok")
      for (const [host, sandbox] of checked.resolvedSandbox)
        this.state.resolvedSandbox.set(host, sandbox);
    journal.write({ event: "fence", outcome: checked.kind, details });
    observer.fence?.(checked.kind, details);
    return checked.kind === "ok" ? { kind: "ok" } : { kind: checked.kind, details };
  }

  private finish(records: StepRecord[], forced: DrillVerdict | undefined): DrillRun {
    const { plan } = this.state;
    const metrics = computeMetrics({
      runStartedAt: this.state.startedAt,
      facts: this.state.facts,
      ...(this.state.firstInjectAt ? { firstInjectAt: this.state.firstInjectAt } : {}),
      steps: records,
      rtoMinutes: plan.rtoMinutes,
      rpoMinutes: plan.rpoMinutes,
      measuresRpo: plan.runbook.meta.usesRepository,
    });
    const verdict = forced ?? drillVerdict(records, metrics, this.state.interrupts.received);
    this.state.journal.write({ event: "run-end", verdict, metrics });
    this.state.journal.sync();
    const run: DrillRun = {
      runId: plan.runId,
      runbook: {
        id: plan.runbook.meta.id,
        title: plan.runbook.meta.title,
        scenario: plan.runbook.meta.scenario,
      },
      startedAt: this.state.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      inventory: plan.inventoryFile,
      ...(plan.repository ? { repository: plan.repository.label } : {}),
      targets: this.targetsRecord(),
      steps: records,
      warnings: this.state.warnings,
      metrics,
      verdict,
      ...(this.state.interrupts.received ? { interruptedBy: this.state.interrupts.received } : {}),
      evidenceDir: this.evidenceDir,
    };
    writeEvidence(run, this.state.secrets);
    // What the caller prints is as clean as what was written.
    return redactDeep(run, this.state.secrets) as DrillRun;
  }
}
