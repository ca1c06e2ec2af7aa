/**
 * A property test of the machine-config reader (fast-check, fixed seed): 10,000 generated machine
 * files in JSON, YAML and JSON Lines, as UTF-8, UTF-8 with a byte-order mark and UTF-16 either way,
 * some valid, some with a duplicate key, deep nesting, a huge value, a wrong type or a cut-off end;
 * read on their own, or inside a folder beside symbolic links (to the file, to a folder inside,
 * out of the folder, to nothing, to themselves) and sometimes named twice on the command line.
 * Every case must give a correct machine or a clear located problem, each bad link named with its
 * reason: never a crash, never a silent skip, never a file read twice. A failure prints the seed
 * and path fast-check needs to replay it (STRONGHOLD_PROPERTY_SEED).
 */
import { expect } from "chai";
import fc from "fast-check";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { readMachines, type MachineRecord } from "../../../src/check/input/machines.js";
import { PROPERTY_CASES, PROPERTY_SEED } from "../../fixtures/seeded.js";

const SEED = PROPERTY_SEED;
const CASES = PROPERTY_CASES;

/** Characters of generated text: ASCII, accents, CJK, emoji, quotes, backslashes, controls. */
const CHARACTERS = [
  ..."abcdefghijklmnopqrstuvwxyz0123456789 -_.",
  ..."äöüßéèçñÅØ",
  ..."市役所図書館警察",
  ..."😀🔒🏛️",
  ..."\"'\\`{}[]:,#&*!|>%@",
  ..."\t\n\r\u0001\u007f\u2028",
];

/** Text of 1..max code points (an emoji is one unit: it is never cut in half). */
const text = (max: number) =>
  fc.string({ unit: fc.constantFrom(...CHARACTERS), minLength: 1, maxLength: max });

type Json = Record<string, unknown>;

const machineArb: fc.Arbitrary<Json> = fc
  .record({
    n: fc.nat({ max: 99_999 }),
    assetTag: fc.constantFrom("MB-1", "unknown"),
    serial: fc.integer({ min: 1, max: 1_000_000 }),
    ipAddresses: fc.constantFrom<unknown>(["10.0.0.5"], ["2001:db8::1"], "unknown"),
    department: text(20),
    role: fc.constantFrom("workstation", "laptop", "server", "kiosk"),
    owner: fc.option(text(60), { nil: undefined }),
    software: fc.option(
      fc.array(fc.record({ name: text(40), version: fc.option(text(10), { nil: undefined }) }), {
        maxLength: 15,
      }),
      { nil: undefined },
    ),
  })
  .map((r) => {
    const m: Json = {
      hostname: `pc-${r.n}`,
      assetTag: r.assetTag,
      serialNumber: `SN${r.serial}`,
      macAddresses: ["00:11:22:33:44:55"],
      ipAddresses: r.ipAddresses,
      department: r.department.trim() || "library",
      site: "library",
      role: r.role,
      os: { family: "windows", name: "Windows 11 Pro", version: "24H2" },
      lifecycle: { status: "active" },
      collectedAt: "2026-11-19T08:00:00Z",
    };
    if (r.owner !== undefined) m.owner = r.owner;
    if (r.software !== undefined)
      m.software = r.software.map((s) =>
        s.version === undefined ? { name: s.name } : { name: s.name, version: s.version },
      );
    return m;
  });

type Format = "json" | "yaml" | "jsonl";
type Encoding = "utf8" | "utf8-bom" | "utf16le" | "utf16be";
type Mutation = "valid" | "duplicate" | "deep" | "huge" | "wrong-type" | "truncated";

/** A symbolic link beside the machine file, and what the reader must make of it. */
type Link =
  /** To the machine file: followed, and the file still read once. */
  | "to-file"
  /** To a folder inside: its files are listed under their own names already. */
  | "to-folder"
  /** Out of the folder, to a valid machine file: a problem ("outside"), not followed. */
  | "outside"
  /** To nothing: a problem ("points at nothing"). */
  | "dangling"
  /** To itself: a problem ("loops"). */
  | "loop";

interface Case {
  readonly format: Format;
  readonly encoding: Encoding;
  readonly mutation: Mutation;
  readonly machines: readonly Json[];
  readonly text: string;
  /** The pointer a problem must name (for a single machine), when the mutation fixes one. */
  readonly pointer?: RegExp;
  /** Read as a folder holding the file and these links; undefined: the file is named alone. */
  readonly folder?: { readonly links: readonly Link[]; readonly fileNamedToo: boolean };
}

// lineWidth 0: yaml 2.9.1's folding of long double-quoted strings can break a line between the
// two halves of a surrogate pair (an emoji), which its own parser then reads as two U+FFFD.
// blockQuote false: yaml 2.9.1 writes " \n" as the block scalar `|+` with no indentation indicator,
// which its own parser reads back as "\n" (the leading space lost). Both are the writer's faults,
// not the reader's: the generated text must mean what the case expects.
const serialise = (format: Format, value: unknown): string =>
  format === "yaml"
    ? stringify(value, { lineWidth: 0, blockQuote: false })
    : JSON.stringify(value, null, format === "json" ? 2 : 0);

function nested(depth: number, yaml: boolean): string {
  return yaml
    ? "[".repeat(depth) + "]".repeat(depth)
    : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** The file's text for a mutation, and the pointer its problem must name (when it fixes one). */
const mutated: {
  readonly [K in Mutation]: (
    m: Json,
    f: Format,
  ) => fc.Arbitrary<Omit<Case, "format" | "encoding" | "machines" | "folder">>;
} = {
  valid: (m, f) => fc.constant({ mutation: "valid", text: serialise(f, m) }),
  // A second `site` at the top, or a second `family` in `os`.
  duplicate: (m, f) =>
    fc.boolean().map((inOs) => {
      const text = serialise(f, m);
      const dup =
        f === "yaml"
          ? inOs
            ? text.replace(/^os:\n/m, "os:\n  family: linux\n")
            : `site: hall\n${text}`
          : inOs
            ? text.replace(/"os": ?\{/, (s) => `${s}"family":"linux",`)
            : text.replace("{", '{"site":"hall",');
      return { mutation: "duplicate", text: dup, pointer: inOs ? /^\/os\/family$/ : /^\/site$/ };
    }),
  // Thousands of levels are rarer: the YAML parser takes ~150 ms to give up on one.
  deep: (m, f) =>
    fc
      .oneof(
        { weight: 1, arbitrary: fc.integer({ min: 2000, max: 30_000 }) },
        { weight: 9, arbitrary: fc.constantFrom(10, 100, 1000) },
      )
      .map((depth) => ({
        mutation: "deep",
        text: serialise(f, { ...m, owner: "@@DEEP@@" }).replace(
          /"@@DEEP@@"|'@@DEEP@@'|@@DEEP@@/,
          nested(depth, f === "yaml"),
        ),
        pointer: /^\/owner/,
      })),
  huge: (m, f) =>
    fc
      .oneof(
        { weight: 1, arbitrary: fc.constant(1_000_000) },
        { weight: 19, arbitrary: fc.constantFrom(257, 10_000, 100_000) },
      )
      .map((length) => ({
        mutation: "huge",
        text: serialise(f, { ...m, owner: "x".repeat(length) }),
        pointer: /^\/owner$/,
      })),
  "wrong-type": (m, f) =>
    fc
      .tuple(
        fc.constantFrom("hostname", "role", "os", "lifecycle", "collectedAt", "site", "department"),
        fc.constantFrom<unknown>(3, true, null, [], {}, [1, 2], { x: 1 }),
      )
      .map(([field, value]) => ({
        mutation: "wrong-type",
        text: serialise(f, { ...m, [field]: value }),
        pointer: new RegExp(`^/${field}(/|$)`),
      })),
  truncated: (m, f) => {
    const text = serialise(f, m);
    return fc
      .integer({ min: 1, max: Math.max(1, text.length - 2) })
      .map((cut) => ({ mutation: "truncated", text: text.slice(0, cut) }));
  },
};

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    format: fc.constantFrom<Format>("json", "json", "yaml", "yaml", "jsonl"),
    encoding: fc.constantFrom<Encoding>("utf8", "utf8-bom", "utf16le", "utf16be"),
    mutation: fc.constantFrom<Mutation>(
      "valid",
      "valid",
      "valid",
      "duplicate",
      "deep",
      "huge",
      "wrong-type",
      "truncated",
    ),
    machine: machineArb,
    folder: fc.option(
      fc.record({
        links: fc.array(
          fc.constantFrom<Link>("to-file", "to-folder", "outside", "dangling", "loop"),
          { maxLength: 4 },
        ),
        fileNamedToo: fc.boolean(),
      }),
      { nil: undefined, freq: 2 },
    ),
  })
  .chain(({ format, encoding, mutation, machine, folder }) =>
    mutated[mutation](machine, format).map((m) => ({
      ...m,
      format,
      // JSON Lines is read line by line as UTF-8.
      encoding: format === "jsonl" ? "utf8" : encoding,
      machines: [machine],
      ...(folder ? { folder } : {}),
    })),
  );

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

async function read(inputs: readonly string[]): Promise<MachineRecord[]> {
  const out: MachineRecord[] = [];
  for await (const r of readMachines(inputs)) out.push(r);
  return out;
}

/** Why the reader must refuse each kind of bad link. */
const LINK_PROBLEM: Partial<Record<Link, RegExp>> = {
  outside: /^is a symbolic link to .*, outside .*: not followed/,
  dangling: /^is a symbolic link that points at nothing: not followed$/,
  loop: /^is a symbolic link that loops: not followed$/,
};

describe("the machine-config reader under generated input (property test)", function () {
  // About 40 s alone on this 2-core machine; several times that beside other test files.
  this.timeout(600_000);
  let dir: string;
  let outside: string;
  // Ten thousand small writes: on a memory file system where there is one (a busy disk here
  // takes ~3 ms per write, tmpfs ~0.04 ms).
  const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  before(async () => {
    dir = await mkdtemp(path.join(scratch, "stronghold-property-"));
    // A valid machine file out of every case's folder, for links that lead outside.
    outside = path.join(dir, "outside.json");
    await writeFile(outside, JSON.stringify(fc.sample(machineArb, { seed: SEED, numRuns: 1 })[0]));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it(`gives a correct machine or a located problem for ${CASES} cases (seed ${SEED})`, async () => {
    const tally = new Map<string, number>();
    let slot = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        // A fresh folder for a folder case, in one of 16 slots reused in turn; a file alone is
        // written over the last one of its format in `files`.
        const folder = c.folder ? path.join(dir, `case-${slot++ % 16}`) : path.join(dir, "files");
        if (c.folder) await rm(folder, { recursive: true, force: true });
        await mkdir(folder, { recursive: true });
        const file = path.join(folder, `machine.${c.format}`);
        await writeFile(file, encode(c.text, c.encoding));
        const sameFile = [file];
        const badLinks = new Map<string, RegExp>();
        for (const [i, link] of (c.folder?.links ?? []).entries()) {
          const at = path.join(
            folder,
            link === "to-folder" ? `folder-${i}` : `link-${i}.${c.format}`,
          );
          if (link === "to-file") {
            await symlink(`machine.${c.format}`, at);
            sameFile.push(at);
          } else if (link === "to-folder") await symlink(".", at);
          else if (link === "outside") await symlink(outside, at);
          else if (link === "dangling") await symlink(`nothing-${i}.${c.format}`, at);
          else await symlink(path.basename(at), at);
          if (LINK_PROBLEM[link]) badLinks.set(at, LINK_PROBLEM[link]);
        }
        const inputs = c.folder ? [folder, ...(c.folder.fileNamedToo ? [file] : [])] : [file];
        const where = `${c.format}, ${c.encoding}, ${c.mutation}${c.folder ? `, folder with links [${c.folder.links.join(", ")}]` : ""}`;
        let records: MachineRecord[];
        try {
          records = await read(inputs);
        } catch (error) {
          throw new Error(`${where}: the reader threw ${String(error)}`, { cause: error });
        }
        // Every bad link is a problem with its reason, once; nothing else names a link.
        const linkProblems = records.flatMap((r) =>
          r.kind === "problem" && badLinks.has(r.problem.file) ? [r.problem] : [],
        );
        expect(linkProblems.map((p) => p.file).sort(), where).to.deep.equal(
          [...badLinks.keys()].sort(),
        );
        for (const p of linkProblems) expect(p.message, where).to.match(badLinks.get(p.file)!);
        const rest = records.filter((r) => !(r.kind === "problem" && badLinks.has(r.problem.file)));
        // Never a silent skip: a machine or a problem, always.
        expect(rest.length, `${where}: no record at all`).to.be.greaterThan(0);
        const problems = rest.flatMap((r) => (r.kind === "problem" ? [r.problem] : []));
        const machines = rest.flatMap((r) => (r.kind === "machine" ? [r.machine] : []));
        for (const p of problems) {
          // The machine file, under its own name or a link's: it is read once either way.
          expect(sameFile, where).to.include(p.file);
          expect(p.pointer, where).to.match(/^(\/.*)?$/);
          expect(p.message, where).to.be.a("string").and.match(/\S/);
          expect(p.message, where).to.not.match(
            /Maximum call stack|internal error|\[object Object\]|undefined/,
          );
          if (p.line !== undefined) expect(p.line, where).to.be.a("number").and.greaterThan(0);
        }
        if (c.mutation === "valid") {
          expect(problems, `${where}: ${JSON.stringify(problems)}`).to.deep.equal([]);
          // Exactly once, however many names lead to it.
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
        for (const key of [c.mutation, ...(c.folder?.links ?? [])])
          tally.set(key, (tally.get(key) ?? 0) + 1);
      }),
      // No shrinking: a failure is replayed from the seed and path fast-check prints, and shrinking
      // megabyte values and 30,000-level nestings would outlast the time limit.
      { seed: SEED, numRuns: CASES, endOnFailure: true },
    );
    // Every kind of case and link was generated.
    expect([...tally.keys()].sort()).to.deep.equal([
      "dangling",
      "deep",
      "duplicate",
      "huge",
      "loop",
      "outside",
      "to-file",
      "to-folder",
      "truncated",
      "valid",
      "wrong-type",
    ]);
  });
});
