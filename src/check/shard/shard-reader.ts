/**
 * Reads a shard file for a merge: its header at once, then one machine line at a time, so a
 * merge holds one line per shard rather than every shard whole. Every line is checked before it is
 * used; a problem names the file, the line and the JSON pointer.
 */
import { closeSync, openSync } from "node:fs";
import type { FleetView } from "../controls/types.js";
import { notApplicable } from "../evaluation/evaluate-machine.js";
import type { InputProblem, Source } from "../evaluation/result.js";
import {
  SHARD_FORMAT,
  SHARD_KIND,
  comparePositions,
  type NonPassResult,
  type Position,
  type ShardFleetView,
  type ShardHeader,
  type ShardMachine,
} from "./shard-file.js";
import { shardOf } from "./split.js";
import { LineSource } from "./line-source.js";

/** A file altered this much is not worth reading on: its first problems say enough. */
const MAX_PROBLEMS_PER_FILE = 10;

const STATUSES = new Set(["fail", "waived", "not-applicable", "error"]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isPosition = (v: unknown): v is Position =>
  Array.isArray(v) && v.length === 3 && v.every(isCount);
const indexesInto = (v: unknown, size: number): v is number[] =>
  Array.isArray(v) && v.every((i) => isCount(i) && i < size);

/** Why a first line is no header this version can merge, or undefined when it is one. */
function headerProblem(value: unknown): { pointer: string; message: string } | undefined {
  const problem = (pointer: string, message: string) => ({ pointer, message });
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
  if (!isCount(value.machines)) return problem("/machines", "must be a count of machine lines");
  if (!Array.isArray(value.problems)) return problem("/problems", "must be an array");
  for (const [i, p] of (value.problems as unknown[]).entries())
    if (!isObject(p) || !isPosition(p.position) || !isObject(p.problem))
      return problem(`/problems/${i}`, "is not a problem of a shard (position, problem)");
  if (!Array.isArray(value.results)) return problem("/results", "must be an array");
  for (const [i, r] of (value.results as unknown[]).entries())
    if (!isObject(r) || typeof r.control !== "string" || !STATUSES.has(r.status as string))
      return problem(`/results/${i}`, "is not a result that did not pass (control, status)");
  if (!Array.isArray(value.software)) return problem("/software", "must be an array");
  return undefined;
}

/** Why a line is no machine of this shard, or undefined when it is one. */
function machineProblem(
  m: unknown,
  header: ShardHeader,
): { pointer: string; message: string } | undefined {
  if (
    !isObject(m) ||
    !isPosition(m.position) ||
    typeof m.subject !== "string" ||
    !isObject(m.source) ||
    typeof m.source.file !== "string" ||
    !isObject(m.fleet)
  )
    return {
      pointer: "",
      message: "is not a machine of a shard (position, subject, source, results, fleet)",
    };
  if (!indexesInto(m.results, header.results.length))
    return { pointer: "/results", message: "must be indexes into the header's /results" };
  const software = m.fleet.software;
  if (Array.isArray(software) && !indexesInto(software, header.software.length))
    return { pointer: "/fleet/software", message: "must be indexes into the header's /software" };
  if (shardOf(m.source as unknown as Source, header.shard.count) !== header.shard.index)
    return {
      pointer: "",
      message: `belongs to another shard than ${header.shard.index}/${header.shard.count}: the file was altered`,
    };
  return undefined;
}

export class ShardReader {
  /** The distinct results of the header, shared by the machines that name them. */
  readonly results: readonly NonPassResult[];
  /** Problems of the machine lines read so far. */
  readonly problems: InputProblem[] = [];
  /** The line of the machine `next` returned last. */
  line = 1;
  private machines = 0;
  private last: Position | undefined;
  private closed = false;

  private constructor(
    readonly file: string,
    readonly header: ShardHeader,
    private readonly fd: number,
    private readonly source: LineSource,
  ) {
    // Shared, frozen objects: the JSON report then writes each distinct result's text once.
    this.results = header.results.map((r) =>
      r.status === "not-applicable" ? notApplicable(r.control, r.reason) : Object.freeze(r),
    );
  }

  /** Opens a shard file and reads its header, or says why it cannot be merged. */
  static open(
    file: string,
    shardCount = 1,
  ):
    | { reader: ShardReader; problems?: undefined }
    | { reader?: undefined; problems: InputProblem[] } {
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message =
        code === "ENOENT" ? "does not exist" : `cannot be read: ${code ?? String(error)}`;
      return { problems: [{ file, pointer: "", message }] };
    }
    // Many shards open at once share a bounded amount of buffer memory.
    const chunk = Math.min(1 << 20, Math.max(1 << 16, Math.floor((256 << 20) / shardCount)));
    const source = new LineSource(fd, chunk);
    const fail = (pointer: string, message: string) => {
      closeSync(fd);
      return { problems: [{ file, line: 1, pointer, message }] };
    };
    let first: string | undefined;
    try {
      first = source.read();
    } catch (error) {
      return fail("", `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(first ?? "");
    } catch {
      // An older shard file is one JSON document: its first line is no JSON of its own.
      const older = /^\{"kind":"stronghold-check-shard","shardFormat":(-?\d+)/.exec(first ?? "");
      value = older === null ? undefined : { kind: SHARD_KIND, shardFormat: Number(older[1]) };
    }
    const problem = headerProblem(value);
    if (problem !== undefined) return fail(problem.pointer, problem.message);
    return { reader: new ShardReader(file, value as ShardHeader, fd, source) };
  }

  /** The next machine, checked; undefined at the end or once the file proved altered. */
  next(): ShardMachine | undefined {
    while (this.problems.length < MAX_PROBLEMS_PER_FILE) {
      const text = this.source.read();
      if (text === undefined) return undefined;
      this.line++;
      if (text.trim() === "") continue;
      this.machines++;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        this.report("", `is not valid JSON: ${(error as Error).message}`);
        continue;
      }
      const problem = machineProblem(value, this.header);
      if (problem !== undefined) {
        this.report(problem.pointer, problem.message);
        continue;
      }
      const machine = value as ShardMachine;
      if (this.last !== undefined && comparePositions(this.last, machine.position) >= 0) {
        this.report("/position", "comes before the machine above it: the file was altered");
        continue;
      }
      this.last = machine.position;
      return machine;
    }
    return undefined;
  }

  /** The fleet view the fleet controls see: software entries from the header's table. */
  fleetView(view: ShardFleetView): FleetView {
    const software = view.software;
    if (!Array.isArray(software)) return view as FleetView;
    const table = this.header.software;
    return { ...view, software: (software as readonly number[]).map((i) => table[i]) } as FleetView;
  }

  /** Closes the file and returns every problem of its lines, a file cut short included. */
  finish(): InputProblem[] {
    this.close();
    if (this.problems.length === 0 && this.machines !== this.header.machines)
      this.problems.push({
        file: this.file,
        pointer: "",
        message: `holds ${this.machines} machine lines where its header says ${this.header.machines}: the file was cut short or altered; rerun the shard`,
      });
    return this.problems;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private report(pointer: string, message: string): void {
    this.problems.push({ file: this.file, line: this.line, pointer, message });
  }
}
