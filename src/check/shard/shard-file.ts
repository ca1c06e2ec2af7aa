/**
 * Shard files: the first half of a check split across hosts. A shard lists every input (so all
 * shards agree on the order) but reads, parses and validates only its own share: the files and
 * JSON Lines lines that hash to it. It keeps per machine its place in the input, its results and
 * the fleet view the fleet controls need, and reports the input problems of its share.
 * `mergeShards` checks that the shards belong together and replays them, in input order, into
 * the same assembly a single run uses, so the reports come out byte for byte the same.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { FleetView } from "../controls/types.js";
import { evaluateMachine } from "../evaluation/evaluate-batch.js";
import { notApplicable, passResult } from "../evaluation/evaluate-machine.js";
import type {
  ControlResult,
  InputProblem,
  NotApplicableResult,
  Source,
} from "../evaluation/result.js";
import { RunAssembly, type AdmittedMachine, type CheckRun } from "../evaluation/run-check.js";
import type { CheckReport } from "../evaluation/report-model.js";
import { itemShape, visitRecords, workItems } from "../input/machines.js";
import type { Policy } from "../policy/resolve.js";
import { VERSION } from "../../support/version.js";
import { shardOf, type ShardSpec } from "./split.js";

/** Marks a shard file; bump SHARD_FORMAT on any change a merge could misread. */
export const SHARD_KIND = "stronghold-check-shard";
export const SHARD_FORMAT = 2;

const FLEET_FIELDS = [
  "hostname",
  "assetTag",
  "serialNumber",
  "macAddresses",
  "ipAddresses",
  "ipAssignment",
  "department",
  "site",
  "role",
  "software",
  "lifecycle",
] as const satisfies readonly (keyof FleetView)[];

/**
 * Where a record sits in the whole input, as one run reads it: the work item (a batch of files, a
 * chunk of JSON Lines), the file or line within it, and the record among that one's records.
 */
export type Position = readonly [item: number, unit: number, record: number];

/** One machine of a shard: where it sits in the whole input, its non-pass results, its fleet view. */
export interface ShardMachine {
  readonly position: Position;
  readonly subject: string;
  readonly department: string;
  readonly site: string;
  readonly role: string;
  readonly source: Source;
  /**
   * Results that did not pass; a control not listed passed (as in the JSON report). A number is
   * an index into the shard's `notApplicable` table: the same reasons recur on most machines.
   */
  readonly results: readonly (number | Exclude<ControlResult, { status: "pass" }>)[];
  readonly fleet: FleetView;
}

/** What a shard concluded, and what a merge must compare across shards. */
export interface ShardFile {
  readonly kind: typeof SHARD_KIND;
  readonly shardFormat: typeof SHARD_FORMAT;
  readonly toolVersion: string;
  readonly shard: ShardSpec;
  /** The check's paths and options: the merge reloads the policy and registers from them. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** SHA-256 of the resolved controls and of every side file (overlay, registers, waivers). */
  readonly policyDigest: string;
  /** SHA-256 of the input's shape as every shard listed it: files, and JSON Lines line lengths. */
  readonly inputsDigest: string;
  /**
   * Input problems of this shard's share; problems outside any file's share (a missing path, a
   * folder without machine files) are shard 1's.
   */
  readonly problems: readonly { readonly position: Position; readonly problem: InputProblem }[];
  /** The distinct not-applicable results, which machines name by index. */
  readonly notApplicable: readonly NotApplicableResult[];
  readonly machines: readonly ShardMachine[];
}

/** A digest of what decides the results besides the machines: controls, parameters, registers. */
export function policyDigest(
  policy: Policy,
  sideFiles: Readonly<Record<string, string | undefined>>,
): string {
  const hash = createHash("sha256");
  hash.update(
    JSON.stringify({
      baselines: policy.baselines.map(({ id, version }) => ({ id, version })),
      overlay: policy.overlay ?? null,
      controls: policy.controls.map((c) => c.meta),
    }),
  );
  for (const [option, sha] of Object.entries(sideFiles).sort(([a], [b]) => (a < b ? -1 : 1)))
    hash.update(`\u0000${option}\u0000${sha ?? "none"}`);
  return hash.digest("hex");
}

const fleetView = (machine: FleetView): FleetView =>
  Object.fromEntries(
    FLEET_FIELDS.filter((f) => machine[f] !== undefined).map((f) => [f, machine[f]]),
  ) as unknown as FleetView;

/** Lists every input, reads and evaluates this shard's share, and returns the shard file's content. */
export async function evaluateShard(
  run: Omit<CheckRun, "inputs" | "stdin">,
  inputs: readonly string[],
  stdin: Readable | undefined,
  shard: ShardSpec,
  header: { readonly settings: Readonly<Record<string, unknown>>; readonly policyDigest: string },
): Promise<ShardFile> {
  const { policy, at, data } = run;
  const digest = createHash("sha256");
  const problems: { position: Position; problem: InputProblem }[] = [];
  const machines: ShardMachine[] = [];
  const shared = new Map<ControlResult, number>();
  const notApplicableTable: NotApplicableResult[] = [];
  const compact = (r: Exclude<ControlResult, { status: "pass" }>) => {
    // Not-applicable results are shared objects (one per control and reason).
    if (r.status !== "not-applicable" || !Object.isFrozen(r)) return r;
    let i = shared.get(r);
    if (i === undefined) {
      i = notApplicableTable.push(r) - 1;
      shared.set(r, i);
    }
    return i;
  };
  const owns = (part: Source) => shardOf(part, shard.count) === shard.index;
  let seq = 0;
  for await (const item of workItems(inputs, stdin)) {
    const itemIndex = seq++;
    digest.update(`${itemShape(item)}\n`);
    // Records already made (stdin, missing paths) are in every shard: each keeps its own.
    const made = item.kind === "records";
    visitRecords(
      item,
      (record, unit, k) => {
        const position: Position = [itemIndex, unit, k];
        if (record.kind === "problem") {
          if (!made || shard.index === 1) problems.push({ position, problem: record.problem });
          return;
        }
        if (made && !owns(record.source)) return;
        const m = evaluateMachine(record, policy.controls, at, data);
        machines.push({
          position,
          subject: m.subject,
          department: m.department,
          site: m.site,
          role: m.role,
          source: m.source,
          results: m.results
            .filter((r): r is Exclude<ControlResult, { status: "pass" }> => r.status !== "pass")
            .map(compact),
          fleet: fleetView(m.fleet),
        });
      },
      made ? undefined : owns,
    );
  }
  return {
    kind: SHARD_KIND,
    shardFormat: SHARD_FORMAT,
    toolVersion: VERSION,
    shard,
    settings: header.settings,
    policyDigest: header.policyDigest,
    inputsDigest: digest.digest("hex"),
    problems,
    notApplicable: notApplicableTable,
    machines,
  };
}

/** Writes a shard file as one JSON document, one machine per line. */
export function renderShard(shard: ShardFile, write: (chunk: string) => void): void {
  const { machines, problems, ...head } = shard;
  write(`${JSON.stringify(head).slice(0, -1)},"problems":${JSON.stringify(problems)},"machines":[`);
  machines.forEach((m, i) => write(`${i === 0 ? "" : ","}\n${JSON.stringify(m)}`));
  write(`\n]}\n`);
}

/** A shard file's name under --out: `shard-2-of-3.json`. */
export const shardFileName = (shard: ShardSpec): string =>
  `shard-${shard.index}-of-${shard.count}.json`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isPosition = (v: unknown): v is Position =>
  Array.isArray(v) && v.length === 3 && v.every(isCount);

/** Checks that parsed JSON is a shard file this version can merge; problems name the file. */
export function readShard(
  file: string,
  value: unknown,
): { shard: ShardFile; problems?: undefined } | { shard?: undefined; problems: InputProblem[] } {
  const problem = (pointer: string, message: string) => ({
    problems: [{ file, pointer, message }],
  });
  if (!isObject(value) || value.kind !== SHARD_KIND)
    return problem("", "is not a shard file (written by stronghold check --shard i/n)");
  if (value.shardFormat !== SHARD_FORMAT)
    return problem(
      "/shardFormat",
      `is shard format ${JSON.stringify(value.shardFormat)}; this stronghold merges format ${SHARD_FORMAT}: rerun the shards with this version`,
    );
  const shard = value.shard;
  if (
    !isObject(shard) ||
    !isCount(shard.index) ||
    !isCount(shard.count) ||
    shard.index < 1 ||
    shard.index > shard.count
  )
    return problem("/shard", "must be { index, count } with 1 <= index <= count");
  for (const key of ["toolVersion", "policyDigest", "inputsDigest"] as const)
    if (typeof value[key] !== "string") return problem(`/${key}`, "must be a string");
  if (!isObject(value.settings)) return problem("/settings", "must be an object");
  if (!Array.isArray(value.problems)) return problem("/problems", "must be an array");
  for (const [i, p] of (value.problems as unknown[]).entries())
    if (!isObject(p) || !isPosition(p.position) || !isObject(p.problem))
      return problem(`/problems/${i}`, "is not a problem of a shard (position, problem)");
  if (!Array.isArray(value.notApplicable)) return problem("/notApplicable", "must be an array");
  if (!Array.isArray(value.machines)) return problem("/machines", "must be an array");
  for (const [i, m] of (value.machines as unknown[]).entries()) {
    if (
      !isObject(m) ||
      !isPosition(m.position) ||
      typeof m.subject !== "string" ||
      !isObject(m.source) ||
      typeof m.source.file !== "string" ||
      !Array.isArray(m.results) ||
      !isObject(m.fleet)
    )
      return problem(
        `/machines/${i}`,
        "is not a machine of a shard (position, subject, source, results, fleet)",
      );
    const tableSize = (value.notApplicable as unknown[]).length;
    const bad = (m.results as unknown[]).findIndex((r) =>
      typeof r === "number"
        ? !Number.isInteger(r) || r < 0 || r >= tableSize
        : !isObject(r) || typeof r.control !== "string" || typeof r.status !== "string",
    );
    if (bad >= 0)
      return problem(
        `/machines/${i}/results/${bad}`,
        "is neither a result nor an index into /notApplicable",
      );
    if (shardOf(m.source as unknown as Source, shard.count) !== shard.index)
      return problem(
        `/machines/${i}`,
        `belongs to another shard than ${shard.index}/${shard.count}: the file was altered`,
      );
  }
  return { shard: value as unknown as ShardFile };
}

/**
 * Checks that the shards are one complete set from the same inputs and policy: every problem
 * found, each naming the shard file it concerns.
 */
export function checkShardSet(
  shards: readonly { file: string; shard: ShardFile }[],
): InputProblem[] {
  const problems: InputProblem[] = [];
  const first = shards[0];
  if (!first) return [{ file: "(arguments)", pointer: "", message: "no shard files given" }];
  const count = first.shard.shard.count;
  const same = [
    ["shard count", (s: ShardFile) => String(s.shard.count)],
    ["stronghold version", (s: ShardFile) => s.toolVersion],
    ["check options and paths", (s: ShardFile) => JSON.stringify(s.settings)],
    ["policy (controls, overlay, registers, waivers)", (s: ShardFile) => s.policyDigest],
    ["inputs (files and lines listed, in order)", (s: ShardFile) => s.inputsDigest],
  ] as const;
  for (const { file, shard } of shards.slice(1))
    for (const [what, of] of same)
      if (of(shard) !== of(first.shard))
        problems.push({
          file,
          pointer: "",
          message: `does not match ${first.file}: different ${what}; every shard must come from the same check`,
        });
  const byIndex = new Map<number, string>();
  for (const { file, shard } of shards) {
    const seen = byIndex.get(shard.shard.index);
    if (seen !== undefined)
      problems.push({
        file,
        pointer: "/shard",
        message: `is shard ${shard.shard.index}/${count} again (also ${seen}): give each shard once`,
      });
    else byIndex.set(shard.shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    problems.push({
      file: "(arguments)",
      pointer: "",
      message: `shard(s) ${missing.map((i) => `${i}/${count}`).join(", ")} missing: a merge needs all ${count}`,
    });
  return problems;
}

/**
 * Replays the machines of a complete, checked set of shards in input order into a run's
 * assembly: the fleet controls, waivers and scores then conclude as in one run.
 */
export function mergeShards(
  run: Omit<CheckRun, "inputs" | "stdin">,
  shards: readonly ShardFile[],
): CheckReport {
  const controls = run.policy.controls;
  const indexOf = new Map(controls.map((c, i) => [c.meta.id, i]));
  const before = (a: Position, b: Position) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const entries: { m: ShardMachine; table: NotApplicableResult[] }[] = [];
  for (const shard of shards) {
    const table = shard.notApplicable.map((r) => notApplicable(r.control, r.reason));
    for (const m of shard.machines) entries.push({ m, table });
  }
  entries.sort((a, b) => before(a.m.position, b.m.position));
  entries.forEach(({ m }, i) => {
    if (i > 0 && before(entries[i - 1]!.m.position, m.position) === 0)
      throw new Error(`machine at ${m.position.join("/")} appears in two shards`);
  });
  const assembly = new RunAssembly(run);
  assembly.addProblems(
    shards
      .flatMap((s) => s.problems)
      .sort((a, b) => before(a.position, b.position))
      .map((p) => p.problem),
  );
  for (const { m, table } of entries) {
    const results: ControlResult[] = controls.map((c) => passResult(c.meta.id));
    for (const given of m.results) {
      const r = typeof given === "number" ? table[given] : given;
      if (r === undefined)
        throw new Error(
          `machine at ${m.position.join("/")}: an index outside its not-applicable table`,
        );
      const i = indexOf.get(r.control);
      if (i === undefined) throw new Error(`a shard names control ${r.control}, not in the policy`);
      results[i] = r.status === "not-applicable" ? notApplicable(r.control, r.reason) : r;
    }
    const machine: AdmittedMachine = {
      subject: m.subject,
      department: m.department,
      site: m.site,
      role: m.role,
      source: m.source,
      results,
      fleet: m.fleet,
    };
    assembly.admit(machine);
  }
  return assembly.report();
}
