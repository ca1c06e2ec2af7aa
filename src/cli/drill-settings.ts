/**
 * `drill run` settings: flags first, then the drill config file, then defaults — the inventory,
 * the repository and its credentials, the password source, the runbook options, the run's id and
 * evidence folder. Nothing here reaches a host.
 */
import type { LedgerFlag } from "./evidence-ledger.js";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { RUNBOOK_IDS } from "../../runbooks/ids.js";
import { findRunbook } from "../../runbooks/index.js";
import { readDocumentSync } from "../documents/read-document.js";
import { loadDrillConfig, type DrillConfigValues } from "../drill/planning/config.js";
import type { Runbook } from "../drill/runbook/runbook.js";
import type { DrillOptions } from "../drill/runbook/settings.js";
import type { Inventory } from "../hosts/inventory.js";
import { loadInventory } from "../hosts/load-inventory.js";
import {
  parseRepository,
  repositoryFromStackOutputs,
  type RepositoryLocation,
  type S3Credentials,
} from "../restic/repository.js";
import { InputError, UsageError } from "../support/errors.js";
import { Secret } from "../support/secret.js";
import type { Io } from "./io.js";
import { currentWorkspace } from "./workspace-settings.js";
import { definedOnly } from "../support/defined-only.js";

/** The flags of `drill run`, as commander parses them. */
export interface RunFlags {
  hosts?: string;
  config?: string;
  repo?: string;
  stackOutputs?: string;
  cacert?: string;
  passwordFile?: string;
  target?: string[];
  data?: string;
  restoreTo?: string;
  drPasswordFile?: string;
  healthCheck?: string;
  sample?: string;
  checkSubset?: string;
  freshSnapshot?: boolean;
  dwell?: string;
  pick?: string;
  missingTolerance?: string;
  rtoMinutes?: string;
  rpoMinutes?: string;
  dryRun?: boolean;
  reportDir?: string;
  runsDir?: string;
  plain?: boolean;
  ledger?: LedgerFlag;
}

/** Where run folders go unless --runs-dir or the config file says otherwise. */
export const DEFAULT_RUNS_DIR = "runs";

/** The repository password, described for the plan and read only for a real run. */
export interface PasswordSource {
  readonly describe: string;
  readonly read: () => Secret;
}

/** The runbook with this id, or a usage error listing the ids there are. */
export function runbookOrUsage(id: string): Runbook {
  const runbook = findRunbook(id);
  if (!runbook)
    throw new UsageError(
      `no runbook "${id}": choose one of ${RUNBOOK_IDS.join(", ")} (stronghold drill list)`,
    );
  return runbook;
}

/** Everything a run needs, resolved from the flags, then the drill config file, then defaults. */
export interface RunSettings {
  readonly inventory: Inventory;
  readonly choice: RepositoryChoice | undefined;
  readonly password: PasswordSource | undefined;
  readonly options: DrillOptions;
  readonly runId: string;
  readonly evidenceDir: string;
  readonly rtoMinutes: number | undefined;
  readonly rpoMinutes: number | undefined;
  readonly targets: Map<string, string>;
  /** The files the run read: the hosts inventory, the drill config, the stack outputs. */
  readonly files: {
    readonly hosts: string;
    readonly config?: string;
    readonly stackOutputs?: string;
  };
}

/**
 * The drill config a drill command works with: the file --config names, else the workspace's
 * `drill`; inside a workspace its stronghold.yaml fills in what the drill config does not say (the
 * inventory, the stack outputs, evidence/drills as the runs folder). `runbook` is "" for commands
 * that serve every runbook.
 */
export async function drillConfigOf(
  configFlag: string | undefined,
  runbook: string,
  io: Io,
): Promise<DrillConfigValues> {
  const workspace = await currentWorkspace(io);
  let config: DrillConfigValues = { targets: {} };
  const configFile = configFlag ?? workspace?.drill;
  if (configFile !== undefined) {
    const loaded = await loadDrillConfig(configFile, runbook, RUNBOOK_IDS);
    if (!loaded.ok) throw new InputError(loaded.problems);
    config = loaded.values;
  }
  if (workspace === undefined) return config;
  return {
    ...definedOnly({
      hosts: workspace.hosts,
      stackOutputs: config.repository === undefined ? workspace.stackOutputs : undefined,
      runsDir: path.join(workspace.evidence, "drills"),
    }),
    ...config,
  };
}

/** Resolves a run's settings; bad flags or files are a UsageError or an InputError naming them. */
export async function resolveRunSettings(
  runbook: Runbook,
  flags: RunFlags,
  io: Io,
): Promise<RunSettings> {
  const config = await drillConfigOf(flags.config, runbook.meta.id, io);
  const hostsFile = flags.hosts ?? config.hosts;
  if (hostsFile === undefined)
    throw new UsageError(
      "drill run needs --hosts <inventory file> (or hosts: in --config, or a stronghold.yaml workspace)",
    );
  const inventory = await loadInventory(hostsFile);
  if (!inventory.ok) throw new InputError(inventory.problems);

  const choice = repositoryOf(flags, config);
  const password = passwordSource(flags, config, io);
  const options: DrillOptions = {
    ...definedOnly({
      data: flags.data ?? config.data,
      restoreTo: flags.restoreTo ?? config.restoreTo,
      drPasswordFile: flags.drPasswordFile ?? config.drPasswordFile,
      healthCheck: flags.healthCheck ?? config.healthCheck,
      sample: positiveInteger("--sample", flags.sample) ?? config.sample,
      checkSubset: flags.checkSubset ?? config.checkSubset,
      dwell: flags.dwell ?? config.dwell,
      pick: flags.pick ?? config.pick,
      missingTolerance:
        percent("--missing-tolerance", flags.missingTolerance) ?? config.missingTolerance,
    }),
    freshSnapshot: flags.freshSnapshot ?? config.freshSnapshot ?? false,
  };
  const runsDir = flags.runsDir ?? config.runsDir ?? DEFAULT_RUNS_DIR;
  const runId = newRunId(runbook.meta.id, runsDir);
  const evidenceDir = flags.reportDir ?? path.join(runsDir, runId);
  const rto = minutes("--rto-minutes", flags.rtoMinutes) ?? config.rtoMinutes;
  const rpo = minutes("--rpo-minutes", flags.rpoMinutes) ?? config.rpoMinutes;
  return {
    inventory: inventory.inventory,
    choice,
    password,
    options,
    runId,
    evidenceDir,
    rtoMinutes: rto,
    rpoMinutes: rpo,
    targets: targetChoices(flags.target ?? [], config.targets),
    files: {
      hosts: hostsFile,
      ...definedOnly({
        config: flags.config ?? (await currentWorkspace(io))?.drill,
        stackOutputs:
          flags.stackOutputs ?? (flags.repo === undefined ? config.stackOutputs : undefined),
      }),
    },
  };
}

function minutes(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`${option} "${value}" must be a positive number of minutes`);
  return n;
}

function percent(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/%$/, ""));
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100)
    throw new UsageError(
      `${option} must be a percentage from 0 to 100 (e.g. 1 or 2.5%), got "${value}"`,
    );
  return n;
}

function positiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${option} "${value}" must be a whole number ≥ 1`);
  return n;
}

function targetChoices(
  values: readonly string[],
  config: Readonly<Record<string, string>>,
): Map<string, string> {
  const choices = new Map(Object.entries(config));
  for (const value of values) {
    const match = /^([a-z0-9][a-z0-9-]*)=(.+)$/.exec(value);
    if (!match)
      throw new UsageError(`--target "${value}" must be role=host, e.g. file-server=fs01`);
    choices.set(match[1]!, match[2]!);
  }
  return choices;
}

export interface RepositoryChoice {
  readonly location: RepositoryLocation;
  /** Keys saved in the stack outputs (with --show-secrets), used before the environment's. */
  readonly credentials?: S3Credentials;
}

/** The repository from --repo / --stack-outputs (flags first, then the config file). */
export function repositoryOf(
  flags: Pick<RunFlags, "repo" | "stackOutputs" | "cacert">,
  config: DrillConfigValues,
): RepositoryChoice | undefined {
  const spec = flags.repo ?? (flags.stackOutputs === undefined ? config.repository : undefined);
  const outputs =
    flags.stackOutputs ?? (flags.repo === undefined ? config.stackOutputs : undefined);
  if (flags.repo !== undefined && flags.stackOutputs !== undefined)
    throw new UsageError("--repo and --stack-outputs both name the repository: give one");
  let location: RepositoryLocation | undefined;
  let credentials: S3Credentials | undefined;
  if (spec !== undefined) location = parseRepository(spec);
  else if (outputs !== undefined) {
    const doc = readDocumentSync(outputs);
    if (!doc.ok) throw new InputError([doc.problem]);
    const found = repositoryFromStackOutputs(doc.value, outputs);
    if (!found.ok) throw new InputError(found.problems);
    location = found.location;
    credentials = found.credentials;
  }
  const cacert = flags.cacert ?? config.cacert;
  if (location && cacert !== undefined) {
    if (location.kind !== "s3" && location.kind !== "rest")
      throw new UsageError(`--cacert applies to s3: and rest: repositories, not ${location.kind}`);
    location = { ...location, caCertFile: cacert };
  }
  return location === undefined ? undefined : { location, ...(credentials ? { credentials } : {}) };
}

function readPasswordFile(file: string, option: string): Secret {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `${option} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const password = text.split(/\r?\n/)[0] ?? "";
  if (password === "")
    throw new UsageError(`${option} ${file} is empty: its first line is the repository password`);
  return new Secret(password);
}

/** The password and how it was given (for the plan), from flag, config or restic's own variables. */
export function passwordSource(
  flags: Pick<RunFlags, "passwordFile">,
  config: DrillConfigValues,
  io: Io,
): PasswordSource | undefined {
  const file = flags.passwordFile ?? config.passwordFile;
  if (file !== undefined)
    return { describe: `from file ${file}`, read: () => readPasswordFile(file, "--password-file") };
  const envFile = io.env.RESTIC_PASSWORD_FILE;
  if (envFile)
    return {
      describe: `from RESTIC_PASSWORD_FILE (${envFile})`,
      read: () => readPasswordFile(envFile, "RESTIC_PASSWORD_FILE"),
    };
  const envPassword = io.env.RESTIC_PASSWORD;
  if (envPassword) return { describe: "from RESTIC_PASSWORD", read: () => new Secret(envPassword) };
  return undefined;
}

/** Cloud credentials restic needs for the repository, as Secrets: from the stack outputs, else the environment. */
export function repositoryEnv(choice: RepositoryChoice, io: Io): Record<string, Secret | string> {
  if (choice.location.kind !== "s3") return {};
  const id = choice.credentials?.accessKeyId.reveal() ?? io.env.AWS_ACCESS_KEY_ID;
  const key = choice.credentials?.secretAccessKey.reveal() ?? io.env.AWS_SECRET_ACCESS_KEY;
  if (!id || !key)
    throw new UsageError(
      "an s3: repository needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (or stack outputs saved with --show-secrets)",
    );
  const env: Record<string, Secret | string> = {
    AWS_ACCESS_KEY_ID: new Secret(id),
    AWS_SECRET_ACCESS_KEY: new Secret(key),
  };
  if (io.env.AWS_SESSION_TOKEN) env.AWS_SESSION_TOKEN = new Secret(io.env.AWS_SESSION_TOKEN);
  if (io.env.AWS_DEFAULT_REGION) env.AWS_DEFAULT_REGION = io.env.AWS_DEFAULT_REGION;
  return env;
}

/** `2026-05-01T10-20-30Z-file-deletion`, made unique in the runs folder. */
function newRunId(runbook: string, runsDir: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-");
  let id = `${stamp}-${runbook}`;
  for (let n = 2; existsSync(path.join(runsDir, id)); n++) id = `${stamp}-${runbook}-${n}`;
  return id;
}
