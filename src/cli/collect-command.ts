/** `stronghold collect`: read machine configs off Linux and macOS hosts over SSH into machine files. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import type { InputProblem } from "../documents/input-problem.js";
import { InputError, UsageError } from "../support/errors.js";
import { renderCollectionTable } from "../collect/report-table.js";
import { REPORT_FILE, type CollectionReport } from "../collect/collection-report.js";
import { DEFAULT_EDR_CATALOG, loadEdrCatalog } from "../collect/linux/edr-catalog.js";
import { createProgress } from "../collect/progress.js";
import { runCollection } from "../collect/run-collection.js";
import type { InventoryHost } from "../hosts/inventory.js";
import { loadInventory } from "../hosts/load-inventory.js";
import { writeFileAtomic } from "../output/write-atomic.js";
import { wantsColor, type Io } from "./io.js";
import { currentWorkspace } from "./workspace-settings.js";
import { recordCollect } from "../evidence/record-collect.js";
import { frameworksOf } from "../evidence/frameworks.js";
import {
  addLedgerOptions,
  evidenceFrameworks,
  hashInputs,
  ledgerTarget,
  recordEvidence,
  storeFiles,
  type LedgerFlag,
} from "./evidence-ledger.js";

interface CollectOptions {
  hosts?: string;
  concurrency: string;
  out?: string;
  report?: string;
  timeout: string;
  sudo?: boolean;
  only?: string;
  edrAgents: string;
  color?: boolean;
  quiet?: boolean;
  ledger?: LedgerFlag;
}

/** Hosts collected at once unless --concurrency says otherwise. */
export const DEFAULT_CONCURRENCY = 8;
/** Time per host unless --timeout says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 120;

function positiveInteger(value: string, option: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > max)
    throw new UsageError(`${option} "${value}" must be a whole number from 1 to ${max}`);
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 3600)
    throw new UsageError(
      `--timeout "${value}" must be a number of seconds above 0 and at most 3600`,
    );
  return n;
}

/** The hosts --only names (case-insensitive), every unknown name reported at once. */
function selectHosts(hosts: readonly InventoryHost[], only: string | undefined): InventoryHost[] {
  if (only === undefined) return [...hosts];
  const wanted = only
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  const byName = new Map(hosts.map((h) => [h.name.toLowerCase(), h]));
  const missing = wanted.filter((n) => !byName.has(n.toLowerCase()));
  if (missing.length > 0 || wanted.length === 0) {
    throw new UsageError(
      `--only ${missing.length > 0 ? `names hosts the inventory does not have: ${missing.join(", ")}` : "names no host"}`,
    );
  }
  const chosen = new Set(wanted.map((n) => n.toLowerCase()));
  return hosts.filter((h) => chosen.has(h.name.toLowerCase()));
}

async function loadInputs(options: CollectOptions & { hosts: string }) {
  const [inventory, catalog] = await Promise.allSettled([
    loadInventory(options.hosts),
    loadEdrCatalog(options.edrAgents),
  ]);
  const problems: InputProblem[] = [];
  if (inventory.status === "fulfilled" && !inventory.value.ok)
    problems.push(...inventory.value.problems);
  if (inventory.status === "rejected") throw inventory.reason;
  if (catalog.status === "rejected") {
    if (!(catalog.reason instanceof InputError)) throw catalog.reason;
    problems.push(...catalog.reason.problems);
  }
  if (problems.length > 0) throw new InputError(problems);
  if (inventory.status !== "fulfilled" || !inventory.value.ok || catalog.status !== "fulfilled")
    throw new Error("unreachable: problems were reported above");
  return { inventory: inventory.value.inventory, catalog: catalog.value };
}

function writeReport(report: CollectionReport, file: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileAtomic(file, (write) => write(`${JSON.stringify(report, null, 2)}\n`));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new UsageError(`--report ${file}: cannot write the collection report (${code})`);
  }
}

/** Where collect writes machine files unless --out or a workspace says otherwise. */
const DEFAULT_OUT = "inventory";

/**
 * Inside a workspace, stronghold.yaml gives the inventory (hosts), the folder (machines) and the
 * report's place (evidence/reports); flags win.
 */
async function withWorkspace(
  options: CollectOptions,
  io: Io,
): Promise<CollectOptions & { hosts: string; out: string; report: string }> {
  const ws = await currentWorkspace(io);
  const hosts = options.hosts ?? ws?.hosts;
  if (hosts === undefined)
    throw new UsageError(
      "collect needs --hosts <file> (a hosts inventory), or run it inside a workspace (stronghold init)",
    );
  return {
    ...options,
    hosts,
    out: options.out ?? ws?.machines ?? DEFAULT_OUT,
    report:
      options.report ??
      (ws === undefined ? REPORT_FILE : path.join(ws.evidence, "reports", REPORT_FILE)),
  };
}

async function collect(given: CollectOptions, io: Io): Promise<number> {
  const options = await withWorkspace(given, io);
  const concurrency = positiveInteger(options.concurrency, "--concurrency", 256);
  const timeoutSeconds = seconds(options.timeout);
  const target = await ledgerTarget(options.ledger, io);
  const { inventory, catalog } = await loadInputs(options);
  const hosts = selectHosts(inventory.hosts, options.only);
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (error) {
    throw new UsageError(
      `--out ${options.out}: cannot create the directory (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const progress = createProgress(
    hosts.length,
    io.isTTY && Boolean(process.stderr.isTTY),
    io.stderr,
  );
  let report: CollectionReport;
  try {
    report = await runCollection({
      inventoryFile: options.hosts,
      hosts,
      outDir: options.out,
      concurrency,
      timeoutMs: timeoutSeconds * 1000,
      sudo: Boolean(options.sudo),
      catalog,
      now: () => new Date(),
      onHostDone: (result) => progress.hostDone(result),
    });
  } finally {
    progress.stop();
  }
  writeReport(report, options.report);
  if (!options.quiet)
    renderCollectionTable(report, io.stdout, { color: wantsColor(io, options.color) });
  io.stderr(
    `wrote ${report.summary.ok} machine file(s) to ${options.out} and the report to ${options.report}\n`,
  );
  const code = report.summary.failed === 0 ? 0 : 1;
  return recordEvidence(
    target,
    async (t) =>
      recordCollect({
        report,
        town: t.town,
        ...(t.at === undefined ? {} : { at: t.at }),
        inputs: hashInputs(t, [{ role: "hosts", file: options.hosts }]),
        artifacts: storeFiles(t, [options.report]),
        frameworks: frameworksOf((await evidenceFrameworks()).collect),
        ...(t.run === undefined ? {} : { run: t.run }),
      }),
    io,
    code,
  );
}

/** Adds `collect` to the program. */
export function registerCollectCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const command = program
    .command("collect")
    .summary("collect machine configs from Linux and macOS hosts over SSH")
    .description(
      [
        "Connect to each host of a hosts inventory (SSH, or this machine for",
        "transport: local), run read-only probes in one round trip — the Linux",
        "probes, or the macOS ones for a host with platform: macos — and write one",
        "machine config per host, validated against the machine-config schema and",
        "ready for `stronghold check`. A fact the probes cannot establish (a tool",
        'missing, root needed) is written "unknown". Each host\'s department, site',
        "and role come from its `machine:` entry in the inventory.",
        "",
        `The collection report (--report, default ${REPORT_FILE}) lists`,
        "every host's outcome, time and unknown facts; a table of it goes to stdout.",
        "",
        "Inside a workspace (stronghold.yaml), --hosts, --out and --report default",
        "to its hosts inventory, machines folder and evidence/reports; flags win.",
        "",
        "Exit codes:",
        "  0  every host collected",
        "  1  some host failed (unreachable, auth-failed, host-key-mismatch, timeout,",
        "     probe-error, inventory-incomplete, ...); the others were still collected",
        "  2  usage or input errors (all listed)",
        "  3  collected, but the evidence entry was not appended to the ledger",
      ].join("\n"),
    )
    .option("--hosts <file>", "hosts inventory (YAML or JSON); default: the workspace's")
    .option("--concurrency <n>", "hosts collected at once", String(DEFAULT_CONCURRENCY))
    .option(
      "--out <dir>",
      `directory for the machine files, one <host>.json each; only machine files go here (default: ${DEFAULT_OUT}, or the workspace's machines)`,
    )
    .option(
      "--report <file>",
      `where the collection report (JSON) goes (default: ${REPORT_FILE}, or the workspace's evidence/reports)`,
    )
    .option(
      "--timeout <seconds>",
      "time limit per host: connecting and all probes",
      String(DEFAULT_TIMEOUT_SECONDS),
    )
    .option(
      "--sudo",
      "run the probes that need root (sshd -T, /etc/shadow, firewall rules, DMI serial) through sudo -n",
    )
    .option("--only <names>", "collect only these hosts (comma-separated inventory names)")
    .addOption(
      new Option("--edr-agents <file>", "endpoint-protection agents to recognise").default(
        DEFAULT_EDR_CATALOG,
        "policies/data/edr-agents.yaml",
      ),
    )
    .option("--color", "force colour in the table")
    .option("--no-color", "no colour (NO_COLOR is honoured too)")
    .option("-q, --quiet", "do not print the table");
  addLedgerOptions(command).action(async (options: CollectOptions) => {
    setExit(await collect(options, io));
  });
}
