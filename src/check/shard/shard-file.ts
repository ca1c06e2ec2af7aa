/**
 * Shard files: the first half of a check split across hosts. A shard lists every input (so all
 * shards agree on the order) but reads, parses and validates only its own share: the files and
 * JSON Lines lines that hash to it. It keeps per machine its place in the input, its results and
 * the fleet view the fleet controls need, and reports the input problems of its share.
 *
 * A shard file is JSON Lines: a header, then one line per machine in input order. Results and
 * software entries recur across thousands of machines, so the header holds each distinct one once
 * and machines name them by index. `mergeShards` checks that the shards belong together and
 * streams their machines, in input order, into the same assembly a single run uses, so the reports
 * come out byte for byte the same.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { FleetView } from "../controls/types.js";
import { evaluateMachine } from "../evaluation/evaluate-batch.js";
import { RunSharing } from "../evaluation/run-sharing.js";
import { passResult } from "../evaluation/evaluate-machine.js";
import type { ControlResult, InputProblem, Source } from "../evaluation/result.js";
import { RunAssembly, type CheckRun } from "../evaluation/run-check.js";
import type { CheckReport } from "../evaluation/report-model.js";
import { locateFailures } from "../input/locate-evidence.js";
import { itemShape, visitRecords, workItems } from "../input/machines.js";
import type { Policy } from "../policy/resolve.js";
import { VERSION } from "../../support/version.js";
import { InternTable } from "../../support/intern-table.js";
import { ResultRow } from "../evaluation/result-row.js";
import { InputError } from "../../support/errors.js";
import { shardOf, type ShardSpec } from "./split.js";
import type { ShardReader } from "./shard-reader.js";

/** Marks a shard file; bump SHARD_FORMAT on any change a merge could misread. */
export const SHARD_KIND = "stronghold-check-shard";
export const SHARD_FORMAT = 3;

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

export type NonPassResult = Exclude<ControlResult, { status: "pass" }>;

/** A fleet view as a shard writes it: a software inventory as indexes into the header's table. */
export type ShardFleetView = Omit<FleetView, "software"> & {
  readonly software?: readonly number[] | Exclude<FleetView["software"], readonly unknown[]>;
};

/** One machine line of a shard file. */
export interface ShardMachine {
  readonly position: Position;
  readonly subject: string;
  readonly department: string;
  readonly site: string;
  readonly role: string;
  readonly source: Source;
  /** Indexes into the header's `results`: what did not pass. A control not listed passed. */
  readonly results: readonly number[];
  readonly fleet: ShardFleetView;
}

/** The first line of a shard file: what the merge compares across shards, and the tables. */
export interface ShardHeader {
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
  /** How many machine lines follow: a file cut short is refused, not merged. */
  readonly machines: number;
  /**
   * Input problems of this shard's share; problems outside any file's share (a missing path, a
   * folder without machine files) are shard 1's.
   */
  readonly problems: readonly { readonly position: Position; readonly problem: InputProblem }[];
  /** The distinct results that did not pass, which machines name by index. */
  readonly results: readonly NonPassResult[];
  /** The distinct software entries, which fleet views name by index. */
  readonly software: readonly unknown[];
}

/** A shard in memory: the header's fields, and each machine line already serialised. */
export interface ShardFile {
  readonly header: Omit<ShardHeader, "results" | "software">;
  /** The tables' entries, serialised. */
  readonly results: readonly string[];
  readonly software: readonly string[];
  readonly lines: readonly string[];
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

/** Distinct values by their JSON text, each numbered in order of first appearance. */
class Table {
  readonly texts: string[] = [];
  private readonly byText = new Map<string, number>();
  private readonly byObject = new WeakMap<object, number>();

  indexOf(value: unknown): number {
    const shared = typeof value === "object" && value !== null && Object.isFrozen(value);
    // Shared objects (not-applicable results) are looked up without serialising them again.
    let i = shared ? this.byObject.get(value) : undefined;
    if (i !== undefined) return i;
    const text = JSON.stringify(value);
    i = this.byText.get(text);
    if (i === undefined) {
      i = this.texts.push(text) - 1;
      this.byText.set(text, i);
    }
    if (shared) this.byObject.set(value, i);
    return i;
  }
}

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
  const lines: string[] = [];
  const results = new Table();
  const software = new Table();
  const sharing = new RunSharing();
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
        const m = evaluateMachine(record, policy.controls, at, data, sharing);
        // The merge may be asked for SARIF: lines are found now, while the text is in hand. The
        // fleet controls conclude in the merge, which reads the file again for their evidence.
        locateFailures(m.results, record.locate, false);
        const nonPass: number[] = [];
        for (const r of m.results) if (r.status !== "pass") nonPass.push(results.indexOf(r));
        const fleet: Record<string, unknown> = {};
        for (const f of FLEET_FIELDS) {
          const value = m.fleet[f];
          if (value === undefined) continue;
          fleet[f] =
            f === "software" && Array.isArray(value)
              ? (value as unknown[]).map((entry) => software.indexOf(entry))
              : value;
        }
        const machine: ShardMachine = {
          position,
          subject: m.subject,
          department: m.department,
          site: m.site,
          role: m.role,
          source: m.source,
          results: nonPass,
          fleet: fleet as unknown as ShardFleetView,
        };
        lines.push(JSON.stringify(machine));
      },
      made ? undefined : owns,
    );
  }
  return {
    header: {
      kind: SHARD_KIND,
      shardFormat: SHARD_FORMAT,
      toolVersion: VERSION,
      shard,
      settings: header.settings,
      policyDigest: header.policyDigest,
      inputsDigest: digest.digest("hex"),
      machines: lines.length,
      problems,
    },
    results: results.texts,
    software: software.texts,
    lines,
  };
}

/** Writes a shard file: the header with its tables on the first line, then a line per machine. */
export function renderShard(shard: ShardFile, write: (chunk: string) => void): void {
  write(
    `${JSON.stringify(shard.header).slice(0, -1)},"results":[${shard.results.join(",")}],"software":[${shard.software.join(",")}]}\n`,
  );
  for (const line of shard.lines) write(`${line}\n`);
}

/** A shard file's name under --out: `shard-2-of-3.jsonl`. */
export const shardFileName = (shard: ShardSpec): string =>
  `shard-${shard.index}-of-${shard.count}.jsonl`;

/**
 * Checks that the shards are one complete set from the same inputs and policy: every problem
 * found, each naming the shard file it concerns.
 */
export function checkShardSet(
  shards: readonly { readonly file: string; readonly header: ShardHeader }[],
): InputProblem[] {
  const problems: InputProblem[] = [];
  const first = shards[0];
  if (!first) return [{ file: "(arguments)", pointer: "", message: "no shard files given" }];
  const count = first.header.shard.count;
  const same = [
    ["shard count", (s: ShardHeader) => String(s.shard.count)],
    ["stronghold version", (s: ShardHeader) => s.toolVersion],
    ["check options and paths", (s: ShardHeader) => JSON.stringify(s.settings)],
    ["policy (controls, overlay, registers, waivers)", (s: ShardHeader) => s.policyDigest],
    ["inputs (files and lines listed, in order)", (s: ShardHeader) => s.inputsDigest],
  ] as const;
  for (const { file, header } of shards.slice(1))
    for (const [what, of] of same)
      if (of(header) !== of(first.header))
        problems.push({
          file,
          pointer: "",
          message: `does not match ${first.file}: different ${what}; every shard must come from the same check`,
        });
  const byIndex = new Map<number, string>();
  for (const { file, header } of shards) {
    const seen = byIndex.get(header.shard.index);
    if (seen !== undefined)
      problems.push({
        file,
        pointer: "/shard",
        message: `is shard ${header.shard.index}/${count} again (also ${seen}): give each shard once`,
      });
    else byIndex.set(header.shard.index, file);
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

/** Input order of two positions: negative when `a` comes first. */
export const comparePositions = (a: Position, b: Position): number =>
  a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

// A fleet has a few dozen (OS family, role, lifecycle) plans; a bound keeps an odd file cheap.
const MAX_PLANS_PER_SHARD = 1_000;

/**
 * Streams the machines of a complete, checked set of shards into a run's assembly in input
 * order, one line at a time from each file: the fleet controls, waivers and scores then conclude
 * as in one run, and a machine's fleet view dies as soon as the fleet controls have seen it.
 */
export function mergeShards(
  run: Omit<CheckRun, "inputs" | "stdin">,
  readers: readonly ShardReader[],
): CheckReport {
  const controls = run.policy.controls;
  const indexOf = new Map(controls.map((c, i) => [c.meta.id, i]));
  const passes = controls.map((c) => passResult(c.meta.id));
  // Machines of one applicability plan name the same not-applicable results: their rows share
  // those and the passes, and keep only the rest as their own.
  const plans = new Map<ShardReader, InternTable<readonly ControlResult[]>>();
  const planOf = (reader: ShardReader, indexes: readonly number[]) => {
    let key = "";
    for (const index of indexes)
      if (reader.results[index]!.status === "not-applicable") key += `${index},`;
    let table = plans.get(reader);
    if (table === undefined) plans.set(reader, (table = new InternTable(MAX_PLANS_PER_SHARD)));
    return table.get(key, () => {
      const plan: ControlResult[] = passes.slice();
      for (const index of indexes) {
        const r = reader.results[index]!;
        if (r.status === "not-applicable") plan[indexOf.get(r.control)!] = r;
      }
      return plan;
    });
  };
  const assembly = new RunAssembly(run);
  assembly.addProblems(
    readers
      .flatMap((r) => r.header.problems)
      .sort((a, b) => comparePositions(a.position, b.position))
      .map((p) => p.problem),
  );
  const problems: InputProblem[] = [];
  for (const reader of readers)
    reader.results.forEach((r, i) => {
      if (!indexOf.has(r.control))
        problems.push({
          file: reader.file,
          line: 1,
          pointer: `/results/${i}`,
          message: `names control ${r.control}, which the policy does not have: the file was altered`,
        });
    });
  if (problems.length > 0) throw new InputError(problems);

  // The next machine of every shard, smallest position first (a binary heap).
  const heads: { machine: ShardMachine; reader: ShardReader }[] = [];
  const before = (i: number, j: number) =>
    comparePositions(heads[i]!.machine.position, heads[j]!.machine.position) < 0;
  const swap = (i: number, j: number) => ([heads[i], heads[j]] = [heads[j]!, heads[i]!]);
  const down = (start: number) => {
    for (let i = start; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heads.length && before(l, least)) least = l;
      if (r < heads.length && before(r, least)) least = r;
      if (least === i) return;
      swap(i, least);
      i = least;
    }
  };
  for (const reader of readers) {
    const machine = reader.next();
    if (machine !== undefined) heads.push({ machine, reader });
  }
  for (let i = (heads.length >> 1) - 1; i >= 0; i--) down(i);

  let last: { position: Position; file: string } | undefined;
  while (heads.length > 0) {
    const { machine: m, reader } = heads[0]!;
    if (last !== undefined && comparePositions(last.position, m.position) === 0)
      problems.push({
        file: reader.file,
        line: reader.line,
        pointer: "/position",
        message: `is the position of a machine in ${last.file} too: a machine appears in two shards`,
      });
    last = { position: m.position, file: reader.file };
    const next = reader.next();
    if (next === undefined) {
      heads[0] = heads[heads.length - 1]!;
      heads.pop();
    } else heads[0] = { machine: next, reader };
    down(0);
    if (problems.length > 0 || reader.problems.length > 0) continue;
    const results = ResultRow.over(planOf(reader, m.results));
    for (const index of m.results) {
      const r = reader.results[index]!;
      if (r.status !== "not-applicable") results.set(indexOf.get(r.control)!, r);
    }
    assembly.admit({
      subject: m.subject,
      department: m.department,
      site: m.site,
      role: m.role,
      source: m.source,
      results,
      fleet: reader.fleetView(m.fleet),
    });
  }
  for (const reader of readers) problems.push(...reader.finish());
  if (problems.length > 0) throw new InputError(problems);
  return assembly.report();
}
