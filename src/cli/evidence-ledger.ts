/**
 * The evidence ledger as the producing commands (check, collect, drill run, infra plan, run) use
 * it: where entries go (--ledger, the workspace's evidence/ledger, or nowhere), the hashes of the
 * inputs, the artifacts stored, and an append that never loses the command's own work.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { EntryArtifact, EntryDraft, EntryInput } from "../evidence/entry.js";
import { loadEvidenceFrameworks, type EvidenceFrameworkMap } from "../evidence/frameworks.js";
import { appendEntry, hashFile, storeArtifact, storeContent } from "../evidence/ledger.js";
import { RUN_AT_ENV, RUN_NAME_ENV } from "../evidence/record-run.js";
import { InputError } from "../support/errors.js";
import { RUNBOOK_IDS } from "../../runbooks/ids.js";
import type { Io } from "./io.js";
import { currentWorkspace, workingDir } from "./workspace-settings.js";

/** Exit code of a command whose work is done and written but whose evidence was not recorded. */
export const EVIDENCE_NOT_RECORDED = 3;

/** `--ledger <dir>` given, `--no-ledger` (false), or neither. */
export type LedgerFlag = string | boolean | undefined;

/** Adds --ledger <dir> and --no-ledger to a producing command. */
export function addLedgerOptions(command: Command): Command {
  return command
    .option(
      "--ledger <dir>",
      "append this command's evidence entry to this ledger folder (default: the workspace's evidence/ledger; none outside a workspace)",
    )
    .option("--no-ledger", "append no evidence entry, even inside a workspace");
}

/** Where a command's entry goes, and what it is part of. */
export interface LedgerTarget {
  readonly dir: string;
  /** Input names are relative to this folder (the workspace's, else the working folder). */
  readonly base: string;
  readonly town: string;
  /** The nightly run's folder name, when the command runs as one of its stages. */
  readonly run?: string;
  /** The nightly run's (possibly simulated) time, which the entry carries. */
  readonly at?: string;
}

/** The ledger to append to, or undefined (--no-ledger, or outside a workspace without --ledger). */
export async function ledgerTarget(flag: LedgerFlag, io: Io): Promise<LedgerTarget | undefined> {
  if (flag === false) return undefined;
  const ws = await currentWorkspace(io);
  const cwd = workingDir(io);
  const dir =
    typeof flag === "string"
      ? path.resolve(cwd, flag)
      : ws === undefined
        ? undefined
        : path.join(ws.evidence, "ledger");
  if (dir === undefined) return undefined;
  const run = io.env[RUN_NAME_ENV];
  const at = io.env[RUN_AT_ENV];
  return {
    dir,
    base: ws?.dir ?? cwd,
    town: ws?.town ?? path.basename(cwd),
    ...(run ? { run } : {}),
    ...(at ? { at } : {}),
  };
}

/** The inputs a command read, by role, hashed; missing files and folders are left out. */
export function hashInputs(
  target: LedgerTarget,
  files: readonly { role: string; file: string | undefined }[],
): EntryInput[] {
  const seen = new Set<string>();
  const inputs: EntryInput[] = [];
  for (const { role, file } of files) {
    if (file === undefined || file === "-") continue;
    const absolute = path.resolve(target.base, file);
    if (seen.has(absolute) || !existsSync(absolute) || !statSync(absolute).isFile()) continue;
    seen.add(absolute);
    const relative = path.relative(target.base, absolute);
    inputs.push({
      role,
      name: relative.startsWith("..") ? absolute : relative,
      sha256: hashFile(absolute).sha256,
    });
  }
  return inputs;
}

/** Stores files the command wrote as artifacts. */
export function storeFiles(target: LedgerTarget, files: readonly string[]): EntryArtifact[] {
  return files.map((f) => storeArtifact(target.dir, f));
}

/** Stores content the command has in hand (a report it printed, a plan) as an artifact. */
export function storeText(target: LedgerTarget, name: string, content: string): EntryArtifact {
  return storeContent(target.dir, name, content);
}

let frameworks: Promise<EvidenceFrameworkMap> | undefined;

/** policies/data/evidence-frameworks.yaml, loaded once; a broken file is an InputError. */
export function evidenceFrameworks(): Promise<EvidenceFrameworkMap> {
  frameworks ??= loadEvidenceFrameworks(RUNBOOK_IDS).then((loaded) => {
    if (!loaded.ok) throw new InputError(loaded.problems);
    return loaded.map;
  });
  return frameworks;
}

/**
 * Builds and appends the entry. When that fails (the ledger locked for 30 s, a truncated ledger,
 * a full disk) the command's own reports are already written: it says so and exits
 * EVIDENCE_NOT_RECORDED instead of its own code, which the message still gives.
 */
export async function recordEvidence(
  target: LedgerTarget | undefined,
  build: (target: LedgerTarget) => EntryDraft | Promise<EntryDraft>,
  io: Io,
  code: number,
): Promise<number> {
  if (target === undefined) return code;
  try {
    const entry = appendEntry(target.dir, await build(target));
    io.stderr(`evidence: entry ${entry.seq} (${entry.kind}, ${entry.verdict}) in ${target.dir}\n`);
    return code;
  } catch (error) {
    if (error instanceof InputError) throw error;
    io.stderr(
      `stronghold: the evidence was NOT recorded in ${target.dir}: ${(error as Error).message}\n` +
        `  The command's own work and reports are complete (it would have exited ${code}); run it again once the ledger is fixed (stronghold evidence verify), or with --no-ledger.\n`,
    );
    return EVIDENCE_NOT_RECORDED;
  }
}
