/**
 * A property test of the machine-config reader: 10,000 generated machine files (fixed seed) in
 * JSON, YAML and JSON Lines, as UTF-8, UTF-8 with a byte-order mark and UTF-16 either way, some
 * valid, some with a duplicate key, deep nesting, a huge value, a wrong type or a cut-off end.
 * Every file must give a correct machine or a clear located problem: never a crash, never a
 * silent skip. fast-check is not installed here, so the generator is a small seeded PRNG
 * (mulberry32); a failing case prints its seed and index to replay it.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { readMachines, type MachineRecord } from "../../../src/check/input/machines.js";
import { Gen, PROPERTY_CASES, PROPERTY_SEED, seededRandom } from "../../fixtures/seeded.js";

const SEED = PROPERTY_SEED;
const CASES = PROPERTY_CASES;

class TextGen extends Gen {
  /** Text of 1..max code points: ASCII, accents, CJK, emoji, quotes, backslashes, controls. */
  text(max: number): string {
    const pools = [
      "abcdefghijklmnopqrstuvwxyz0123456789 -_.",
      "äöüßéèçñÅØ",
      "市役所図書館警察",
      "😀🔒🏛️",
      "\"'\\`{}[]:,#&*!|>%@",
      "\t\n\r\u0001\u007f\u2028",
    ];
    const length = this.int(1, max);
    let out = "";
    for (let i = 0; i < length; i++) {
      const pool = [...this.pick(pools)];
      out += this.pick(pool);
    }
    // Code points, not UTF-16 units: an emoji must not be cut in half.
    return [...out].slice(0, max).join("");
  }
}

type Json = Record<string, unknown>;

function machine(g: TextGen, n: number): Json {
  const m: Json = {
    hostname: `pc-${n}`,
    assetTag: g.pick(["MB-1", "unknown"]),
    serialNumber: `SN${g.int(1, 1e6)}`,
    macAddresses: ["00:11:22:33:44:55"],
    ipAddresses: g.pick([["10.0.0.5"], ["2001:db8::1"], "unknown"]),
    department: g.text(20).trim() || "library",
    site: "library",
    role: g.pick(["workstation", "laptop", "server", "kiosk"]),
    os: { family: "windows", name: "Windows 11 Pro", version: "24H2" },
    lifecycle: { status: "active" },
    collectedAt: "2026-11-19T08:00:00Z",
  };
  if (g.next() < 0.5) m.owner = g.text(60);
  if (g.next() < 0.5)
    m.software = Array.from({ length: g.int(0, 15) }, () => ({
      name: g.text(40),
      ...(g.next() < 0.5 ? { version: g.text(10) } : {}),
    }));
  return m;
}

type Format = "json" | "yaml" | "jsonl";
type Encoding = "utf8" | "utf8-bom" | "utf16le" | "utf16be";
type Mutation = "valid" | "duplicate" | "deep" | "huge" | "wrong-type" | "truncated";

interface Case {
  readonly format: Format;
  readonly encoding: Encoding;
  readonly mutation: Mutation;
  readonly machines: readonly Json[];
  readonly text: string;
  /** The pointer a problem must name (for a single machine), when the mutation fixes one. */
  readonly pointer?: RegExp;
}

// lineWidth 0: yaml 2.9.1's folding of long double-quoted strings can break a line between the
// two halves of a surrogate pair (an emoji), which its own parser then reads as two U+FFFD.
const serialise = (format: Format, value: unknown): string =>
  format === "yaml"
    ? stringify(value, { lineWidth: 0 })
    : JSON.stringify(value, null, format === "json" ? 2 : 0);

function nested(depth: number, yaml: boolean): string {
  return yaml
    ? "[".repeat(depth) + "]".repeat(depth)
    : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

function generate(g: TextGen, n: number): Case {
  const format = g.pick<Format>(["json", "json", "yaml", "yaml", "jsonl"]);
  const encoding =
    format === "jsonl" ? "utf8" : g.pick<Encoding>(["utf8", "utf8-bom", "utf16le", "utf16be"]);
  const mutation = g.pick<Mutation>([
    "valid",
    "valid",
    "valid",
    "duplicate",
    "deep",
    "huge",
    "wrong-type",
    "truncated",
  ]);
  const m = machine(g, n);
  const base = { format, encoding, mutation, machines: [m] };
  switch (mutation) {
    case "valid":
      return { ...base, text: serialise(format, m) };
    case "duplicate": {
      // A second `site` at the top, or a second `family` in `os`.
      const inOs = g.next() < 0.5;
      const text = serialise(format, m);
      if (format === "yaml") {
        const dup = inOs
          ? text.replace(/^os:\n/m, "os:\n  family: linux\n")
          : `site: hall\n${text}`;
        return { ...base, text: dup, pointer: inOs ? /^\/os\/family$/ : /^\/site$/ };
      }
      const dup = inOs
        ? text.replace(/"os": ?\{/, (s) => `${s}"family":"linux",`)
        : text.replace("{", '{"site":"hall",');
      return { ...base, text: dup, pointer: inOs ? /^\/os\/family$/ : /^\/site$/ };
    }
    case "deep": {
      // Thousands of levels are rarer: the YAML parser takes ~150 ms to give up on one.
      const depth = g.next() < 0.1 ? g.int(2000, 30_000) : g.pick([10, 100, 1000]);
      const text = serialise(format, { ...m, owner: "@@DEEP@@" }).replace(
        /"@@DEEP@@"|'@@DEEP@@'|@@DEEP@@/,
        nested(depth, format === "yaml"),
      );
      return { ...base, text, pointer: /^\/owner/ };
    }
    case "huge": {
      const owner = "x".repeat(g.next() < 0.05 ? 1_000_000 : g.pick([257, 10_000, 100_000]));
      return { ...base, text: serialise(format, { ...m, owner }), pointer: /^\/owner$/ };
    }
    case "wrong-type": {
      const field = g.pick([
        "hostname",
        "role",
        "os",
        "lifecycle",
        "collectedAt",
        "site",
        "department",
      ]);
      const value = g.pick<unknown>([3, true, null, [], {}, [1, 2], { x: 1 }]);
      return {
        ...base,
        text: serialise(format, { ...m, [field]: value }),
        pointer: new RegExp(`^/${field}(/|$)`),
      };
    }
    case "truncated": {
      const text = serialise(format, m);
      return { ...base, text: text.slice(0, g.int(1, Math.max(1, text.length - 2))) };
    }
  }
}

function encode(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case "utf8":
      return Buffer.from(text, "utf8");
    case "utf8-bom":
      return Buffer.from(`\uFEFF${text}`, "utf8");
    case "utf16le":
      return Buffer.from(`\uFEFF${text}`, "utf16le");
    case "utf16be":
      return Buffer.from(`\uFEFF${text}`, "utf16le").swap16();
  }
}

async function read(file: string): Promise<MachineRecord[]> {
  const out: MachineRecord[] = [];
  for await (const r of readMachines([file])) out.push(r);
  return out;
}

describe("the machine-config reader under generated input (property test)", function () {
  this.timeout(120_000);
  let dir: string;
  // Ten thousand small writes: on a memory file system where there is one (a busy disk here
  // takes ~3 ms per write, tmpfs ~0.04 ms).
  const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  before(async () => (dir = await mkdtemp(path.join(scratch, "stronghold-property-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it(`gives a correct machine or a located problem for ${CASES} cases (seed ${SEED})`, async () => {
    const g = new TextGen(seededRandom(SEED));
    const tally = new Map<string, number>();
    for (let n = 0; n < CASES; n++) {
      const c = generate(g, n);
      const file = path.join(dir, `case-${n % 16}.${c.format}`);
      await writeFile(file, encode(c.text, c.encoding));
      const where = `seed ${SEED} case ${n} (${c.format}, ${c.encoding}, ${c.mutation})`;
      let records: MachineRecord[];
      try {
        records = await read(file);
      } catch (error) {
        throw new Error(`${where}: the reader threw ${String(error)}`, { cause: error });
      }
      // Never a silent skip: a machine or a problem, always.
      expect(records.length, `${where}: no record at all`).to.be.greaterThan(0);
      const problems = records.flatMap((r) => (r.kind === "problem" ? [r.problem] : []));
      const machines = records.flatMap((r) => (r.kind === "machine" ? [r.machine] : []));
      for (const p of problems) {
        expect(p.file, where).to.equal(file);
        expect(p.pointer, where).to.match(/^(\/.*)?$/);
        expect(p.message, where).to.be.a("string").and.match(/\S/);
        expect(p.message, where).to.not.match(
          /Maximum call stack|internal error|\[object Object\]|undefined/,
        );
        if (p.line !== undefined) expect(p.line, where).to.be.a("number").and.greaterThan(0);
      }
      if (c.mutation === "valid") {
        expect(problems, `${where}: ${JSON.stringify(problems)}`).to.deep.equal([]);
        expect(machines, where).to.deep.equal(c.machines);
      } else if (c.mutation !== "truncated") {
        expect(machines, `${where}: a broken file gave a machine`).to.deep.equal([]);
        // The YAML parser recurses per level: a file it cannot parse is refused as a whole.
        const tooDeep = problems.some((p) => /nested too deeply/.test(p.message));
        if (c.pointer !== undefined && !(c.mutation === "deep" && c.format === "yaml" && tooDeep))
          expect(
            problems.some((p) => c.pointer!.test(p.pointer)),
            `${where}: no problem at ${String(c.pointer)}: ${JSON.stringify(problems).slice(0, 500)}`,
          ).to.equal(true);
      }
      const key = `${c.mutation}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    // Every kind of case was generated.
    expect([...tally.keys()].sort()).to.deep.equal([
      "deep",
      "duplicate",
      "huge",
      "truncated",
      "valid",
      "wrong-type",
    ]);
  });
});
