/**
 * `drill recover`: finishes the cleanup of drills that were killed before they could clean up
 * (SIGKILL, the OOM killer, power loss). Every drill host of the inventory is asked for intent
 * journals (host-journal.ts); for each, the run is planned again from what its journal says and
 * only its cleanup runs — the originals put back and verified — and the journal goes once that
 * has passed. Safe to repeat, at any point of a killed run: a cleanup step does nothing that is
 * already done. A recovered run gets the ledger entry it could not append itself (interrupted).
 */
import path from "node:path";
import { loadInventory } from "../hosts/load-inventory.js";
import { openSession } from "../hosts/transport/open-session.js";
import type { InventoryHost } from "../hosts/inventory.js";
import { planDrill } from "../drill/planning/plan.js";
import { describeError } from "../drill/runbook/failures.js";
import { plainProgress, renderSummary } from "../drill/running/progress.js";
import { executeDrill } from "../drill/running/run-drill.js";
import {
  journalFolder,
  readHostJournals,
  type FoundJournal,
  type HostJournalRecord,
} from "../drill/running/host-journal.js";
import { findRunbook } from "../../runbooks/index.js";
import type { Runbook } from "../drill/runbook/runbook.js";
import { drillEntryOfRun } from "../evidence/ledger.js";
import { recordKilledDrill } from "../evidence/record-drill.js";
import { InputError, UsageError } from "../support/errors.js";
import { DEFAULT_RUNS_DIR, drillConfigOf } from "./drill-settings.js";
import { drillEntryParts, type DrillFiles } from "./drill-evidence.js";
import {
  EVIDENCE_NOT_RECORDED,
  ledgerTarget,
  recordEvidence,
  type LedgerFlag,
  type LedgerTarget,
} from "./evidence-ledger.js";
import type { Io } from "./io.js";
import { currentWorkspace } from "./workspace-settings.js";
import { definedOnly } from "../support/defined-only.js";

/** The flags of `drill recover`. */
export interface RecoverFlags {
  hosts?: string;
  config?: string;
  runsDir?: string;
  dryRun?: boolean;
  ledger?: LedgerFlag;
}

const TIMEOUT_MS = 30_000;

/** Recovers every unfinished run found on the inventory's drill hosts; resolves with the exit code. */
export async function recoverCommand(flags: RecoverFlags, io: Io): Promise<number> {
  const config = await drillConfigOf(flags.config, "", io);
  const hostsFile = flags.hosts ?? config.hosts;
  if (hostsFile === undefined)
    throw new UsageError(
      "drill recover needs --hosts <inventory file> (or hosts: in --config, or a stronghold.yaml workspace)",
    );
  const loaded = await loadInventory(hostsFile);
  if (!loaded.ok) throw new InputError(loaded.problems);
  const inventory = loaded.inventory;
  const runsDir = flags.runsDir ?? config.runsDir ?? DEFAULT_RUNS_DIR;
  const ledger = await ledgerTarget(flags.ledger, io);
  const configFile = flags.config ?? (await currentWorkspace(io))?.drill;
  let unrecorded = false;

  const found: { host: InventoryHost; journal: FoundJournal }[] = [];
  const problems: string[] = [];
  for (const host of inventory.hosts.filter((h) => h.drill.sandbox.length > 0)) {
    const folder = journalFolder(host.drill.sandbox);
    if (folder === undefined) continue;
    try {
      const session = await openSession(host);
      try {
        for (const journal of await readHostJournals(session, folder, TIMEOUT_MS))
          found.push({ host, journal });
      } finally {
        await session.close();
      }
    } catch (error) {
      problems.push(`${host.name}: cannot look for drill journals: ${describeError(error)}`);
    }
  }

  // A run with destructive targets on several hosts left a journal on each: recovered once.
  const runs = new Map<string, { host: InventoryHost; journal: FoundJournal }>();
  for (const f of found) {
    if (!("record" in f.journal)) {
      problems.push(
        `${f.host.name}: ${f.journal.file} cannot be read (${f.journal.problem}): look at it and at the scratch folders beside the share, then remove it by hand`,
      );
      continue;
    }
    if (!runs.has(f.journal.record.runId)) runs.set(f.journal.record.runId, f);
  }
  if (runs.size === 0) {
    io.stdout(
      `nothing to recover: no drill journal on ${inventory.hosts.filter((h) => h.drill.sandbox.length > 0).length} drill host(s)\n`,
    );
    for (const p of problems) io.stderr(`stronghold: ${p}\n`);
    return problems.length > 0 ? 1 : 0;
  }

  let failed = problems.length > 0;
  for (const { host, journal } of runs.values()) {
    if (!("record" in journal)) continue;
    const record = journal.record;
    const runbook = findRunbook(record.runbook);
    io.stdout(
      `run ${record.runId} (${record.runbook}, started ${record.startedAt}) left its journal on ${host.name}: ${journal.file}\n`,
    );
    if (!runbook) {
      problems.push(`${host.name}: ${journal.file} names no known runbook "${record.runbook}"`);
      failed = true;
      continue;
    }
    const planned = planDrill({
      runbook,
      inventory,
      options: record.options,
      choices: new Map(Object.entries(record.targets)),
      rtoMinutes: record.rtoMinutes,
      rpoMinutes: record.rpoMinutes,
      runId: record.runId,
      cleanupOnly: true,
    });
    if (!planned.ok) {
      const why =
        planned.kind === "usage" ? planned.problems : planned.refusals.map((r) => r.message);
      problems.push(
        `run ${record.runId}: cannot plan its cleanup again with ${hostsFile}: ${why.join("; ")}`,
      );
      failed = true;
      continue;
    }
    const cleanup = planned.plan.steps.filter((s) => s.step.phase === "cleanup");
    if (flags.dryRun) {
      io.stdout(
        `  would run its cleanup: ${cleanup.map((s) => `${s.step.name} (${s.step.summary})`).join("; ")}\n`,
      );
      if (ledger !== undefined)
        io.stdout(
          drillEntryOfRun(ledger.dir, record.runId) === undefined
            ? `  then append its ledger entry (drill, interrupted) to ${ledger.dir}\n`
            : `  its ledger entry is in ${ledger.dir} already\n`,
        );
      continue;
    }
    const stamp = new Date()
      .toISOString()
      .replace(/\.\d+Z$/, "Z")
      .replace(/:/g, "-");
    const evidenceDir = path.join(runsDir, `${stamp}-recover-${record.runId}`);
    const result = await executeDrill(planned.plan, {
      evidenceDir,
      observer: plainProgress(io.stdout),
      handleSignals: true,
      recover: true,
      // A journal without one (from before markers) has no commands to find: the id finds none.
      runMarker: record.runMarker ?? record.runId,
    });
    io.stdout(renderSummary(result));
    if (result.verdict.status !== "passed") {
      failed = true;
      problems.push(
        `run ${record.runId}: cleanup did not finish (${result.verdict.reasons[0] ?? result.verdict.failedAt}); its journal stays: run drill recover again once that is fixed`,
      );
      continue;
    }
    io.stdout(`run ${record.runId} recovered: originals back and verified, journal removed\n`);
    if (ledger === undefined) continue;
    // A run interrupted by a signal cleaned up as far as it could and appended its own entry.
    const own = drillEntryOfRun(ledger.dir, record.runId);
    if (own !== undefined) {
      io.stdout(`run ${record.runId} has its own ledger entry (entry ${own}); none appended\n`);
      continue;
    }
    const code = await recordEvidence(
      ledger,
      async (t) =>
        killedDrillEntry(t, runbook, record, {
          foundOn: host.name,
          recoveredAt: new Date().toISOString(),
          evidenceDir,
          files: { hosts: hostsFile, ...definedOnly({ config: configFile }) },
        }),
      io,
      0,
    );
    if (code === EVIDENCE_NOT_RECORDED) unrecorded = true;
  }
  for (const p of problems) io.stderr(`stronghold: ${p}\n`);
  return failed ? 1 : unrecorded ? EVIDENCE_NOT_RECORDED : 0;
}

/** The entry of a killed run: the files the recovery read, and its own evidence. */
async function killedDrillEntry(
  target: LedgerTarget,
  runbook: Runbook,
  record: HostJournalRecord,
  recovery: { foundOn: string; recoveredAt: string; evidenceDir: string; files: DrillFiles },
) {
  // The entry is the killed run's: its night is the one its journal names, not the recovering
  // night's (a drill run by hand names none).
  const parts = await drillEntryParts(target, runbook, recovery.evidenceDir, recovery.files);
  return recordKilledDrill({
    run: {
      runId: record.runId,
      runbook: { id: runbook.meta.id, title: runbook.meta.title },
      startedAt: record.startedAt,
      hosts: Object.values(record.targets),
      rtoMinutes: record.rtoMinutes,
      rpoMinutes: record.rpoMinutes,
    },
    foundOn: recovery.foundOn,
    recoveredAt: recovery.recoveredAt,
    inputs: parts.inputs,
    artifacts: parts.artifacts,
    frameworks: parts.frameworks,
    ...(record.nightly === undefined ? {} : { nightly: record.nightly }),
  });
}
