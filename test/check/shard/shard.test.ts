// A check split into shards and merged writes the very bytes one run writes: every format, fleet
// controls included, on the sample town and on a generated fleet with its registers. Real CLI
// (in-process), real files; nothing is mocked.
import { expect } from "chai";
import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../../src/cli/main.js";
import { parseShard, shardOf } from "../../../src/check/shard/split.js";
import { syntheticMachine } from "../../../bench/generate-fleet.js";
import { TownRegisters, townArgs, townFiles } from "../../../bench/generate-registers.js";
import { seededRandom } from "../../fixtures/seeded.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const millbrook = path.join(root, "examples/millbrook");
const at = "2026-11-20T12:00:00Z";
const FORMATS = "json,junit,sarif,markdown,table";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function stronghold(args: string[], cwd: string): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "stronghold", ...args], {
    stdout: (chunk) => void (stdout += chunk),
    stderr: (chunk) => void (stderr += chunk),
    stdin: new PassThrough(),
    env: { NO_COLOR: "1" },
    isTTY: false,
    cwd,
  });
  return { code, stdout, stderr };
}

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).sort();
  return new Map(
    await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n))] as const)),
  );
}

/** One run against n = 1, 2, 3 shards merged: the same exit code and the same bytes in every file. */
async function expectShardsMatchOneRun(dir: string, checkArgs: string[]): Promise<void> {
  const one = await stronghold(
    ["check", ...checkArgs, "--at", at, "--format", FORMATS, "--out", path.join(dir, "one"), "-q"],
    dir,
  );
  expect(one.code, one.stderr).to.be.oneOf([0, 1, 2]);
  const expected = await filesOf(path.join(dir, "one"));
  expect([...expected.keys()]).to.have.length(5);
  for (const n of [1, 2, 3]) {
    const shardDir = path.join(dir, `shards-${n}`);
    const files: string[] = [];
    const codes: number[] = [];
    for (let i = 1; i <= n; i++) {
      const shard = await stronghold(
        ["check", ...checkArgs, "--at", at, "--shard", `${i}/${n}`, "--out", shardDir],
        dir,
      );
      // A shard knows no gate yet: 2 for input problems in its share, otherwise 0.
      expect(shard.code, shard.stderr).to.be.oneOf([0, 2]);
      codes.push(shard.code);
      files.push(path.join(shardDir, `shard-${i}-of-${n}.jsonl`));
    }
    expect(codes.includes(2), `shard exit codes ${codes.join(", ")}`).to.equal(one.code === 2);
    // Any order of the shard files merges to the same result.
    const merged = path.join(dir, `merged-${n}`);
    const merge = await stronghold(
      ["report", "merge", ...files.reverse(), "--format", FORMATS, "--out", merged, "-q"],
      dir,
    );
    expect(merge.code, merge.stderr).to.equal(one.code);
    const got = await filesOf(merged);
    expect([...got.keys()]).to.deep.equal([...expected.keys()]);
    for (const [name, bytes] of expected)
      expect(got.get(name)!.equals(bytes), `${name} with ${n} shard(s)`).to.equal(true);
  }
}

describe("stronghold check --shard and stronghold report merge", function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-shard-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const millbrookArgs = [
    path.join(millbrook, "machines"),
    "--licenses",
    path.join(millbrook, "licenses.csv"),
    "--assets",
    path.join(millbrook, "assets.csv"),
    "--disposals",
    path.join(millbrook, "disposals.csv"),
    "--ip-plan",
    path.join(millbrook, "ip-plan.yaml"),
    "--overlay",
    path.join(millbrook, "overlay.yaml"),
    "--waivers",
    path.join(millbrook, "waivers.yaml"),
  ];

  it("merges the sample town's shards into the bytes of one run (all formats, fleet controls)", async () => {
    // The town exercises the fleet controls: unreported assets and fleet failures are in it.
    const one = await stronghold(["check", ...millbrookArgs, "--at", at, "--format", "json"], dir);
    expect(one.stdout).to.include('"kind":"unreported-asset"');
    for (const control of [
      "lcm-unique-ip",
      "aup-license-seats-within-owned",
      "lcm-asset-registered",
    ])
      expect(one.stdout).to.include(`"control":"${control}","status":"fail"`);
    await expectShardsMatchOneRun(dir, millbrookArgs);
  });

  it("merges a generated fleet with registers, and an input problem, into the bytes of one run", async () => {
    const n = 400;
    const town = path.join(dir, "town");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(town);
    const random = seededRandom(7);
    const registers = new TownRegisters(town, seededRandom(8));
    const fleet = path.join(dir, "fleet.jsonl");
    const lines = createWriteStream(fleet);
    for (let i = 0; i < n; i++) {
      const machine = await registers.add(i, syntheticMachine(i, random, new Date(at)));
      // A few clashes, so the uniqueness controls fail across shards.
      if (i % 97 === 5) machine.hostname = "dup-host";
      lines.write(`${JSON.stringify(machine)}\n`);
    }
    lines.write("{ not json\n");
    await new Promise<void>((r) => lines.end(() => r()));
    await registers.finish(n);
    const files = townFiles(town);
    const args = [fleet, ...townArgs(files)];
    const one = await stronghold(["check", ...args, "--at", at, "--format", "json"], dir);
    expect(one.code).to.equal(2); // the broken line
    expect(one.stdout).to.include('"control":"lcm-unique-hostname","status":"fail"');
    await expectShardsMatchOneRun(dir, args);
  });

  it("parses only its own share: another shard's malformed machine is that shard's problem alone", async () => {
    // A JSON Lines fleet with a line of bad JSON that belongs to shard 2 and a schema violation
    // that belongs to shard 3, and a folder of machine files with a broken one of shard 2's.
    const n = 3;
    const fleet = path.join(dir, "fleet.jsonl");
    const folder = path.join(dir, "machines");
    const random = seededRandom(11);
    const count = 24;
    const lineOf = (shard: number) =>
      Array.from({ length: count }, (_, i) => i + 1).find(
        (line) => shardOf({ file: fleet, line }, n) === shard,
      )!;
    const fileOf = (shard: number) =>
      Array.from({ length: count }, (_, i) => path.join(folder, `m${i}.json`)).find(
        (file) => shardOf({ file }, n) === shard,
      )!;
    const broken = [
      { file: fleet, line: lineOf(2) },
      { file: fleet, line: lineOf(3) },
      { file: fileOf(2) },
    ];
    const lines: string[] = [];
    for (let i = 0; i < count; i++)
      lines.push(JSON.stringify(syntheticMachine(i, random, new Date(at))));
    lines[broken[0]!.line! - 1] = "{ not json";
    const violating = JSON.parse(lines[broken[1]!.line! - 1]!) as object;
    lines[broken[1]!.line! - 1] = JSON.stringify({ ...violating, os: "no" });
    await writeFile(fleet, `${lines.join("\n")}\n`);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(folder);
    for (let i = 0; i < count; i++) {
      const file = path.join(folder, `m${i}.json`);
      const machine = syntheticMachine(100 + i, random, new Date(at));
      await writeFile(file, file === broken[2]!.file ? "{ broken" : JSON.stringify(machine));
    }
    const owner = broken.map((b) => shardOf(b, n));
    const shardDir = path.join(dir, "shards");
    for (let i = 1; i <= n; i++) {
      const r = await stronghold(
        ["check", fleet, folder, "--at", at, "--shard", `${i}/${n}`, "--out", shardDir],
        dir,
      );
      const mine = broken.filter((_, k) => owner[k] === i);
      expect(r.code, r.stderr).to.equal(mine.length > 0 ? 2 : 0);
      // Each broken record is reported by its own shard and by no other.
      for (const [k, b] of broken.entries()) {
        const where = b.line === undefined ? `${b.file}:` : `${b.file}:${b.line}`;
        expect(r.stderr.includes(where), `shard ${i} and ${where}`).to.equal(owner[k] === i);
      }
      const [header, ...machines] = (
        await readFile(path.join(shardDir, `shard-${i}-of-${n}.jsonl`), "utf8")
      )
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const { problems } = header as { problems: { problem: { file: string; line?: number } }[] };
      expect(header).to.include({ machines: machines.length });
      for (const m of machines)
        expect(shardOf(m.source as { file: string; line?: number }, n)).to.equal(i);
      // A JSON Lines problem's line is its record's; a machine file's, a place inside the file.
      for (const { problem: p } of problems)
        expect(shardOf(p.file.endsWith(".jsonl") ? p : { file: p.file }, n)).to.equal(i);
    }
    // The merge reports each problem once, as one run does, byte for byte.
    await expectShardsMatchOneRun(dir, [fleet, folder]);
    const merged = await readFile(path.join(dir, "merged-3", "stronghold-report.json"), "utf8");
    const problems = (JSON.parse(merged) as { problems: { file: string; line?: number }[] })
      .problems;
    const expected = [
      ...broken.slice(0, 2).sort((a, b) => a.line! - b.line!),
      { file: broken[2]!.file, line: 1 },
    ];
    expect(problems.map((p) => ({ file: p.file, line: p.line }))).to.deep.equal(expected);
  });

  describe("refuses shard sets that do not belong together", () => {
    async function shards(n: number, extra: string[] = []): Promise<string[]> {
      const files: string[] = [];
      for (let i = 1; i <= n; i++) {
        const out = path.join(dir, `s${n}${extra.length}`);
        const r = await stronghold(
          [
            "check",
            path.join(millbrook, "machines"),
            "--at",
            at,
            "--shard",
            `${i}/${n}`,
            "--out",
            out,
            ...extra,
          ],
          dir,
        );
        expect(r.code, r.stderr).to.equal(0);
        files.push(path.join(out, `shard-${i}-of-${n}.jsonl`));
      }
      return files;
    }

    it("a missing shard", async () => {
      const [a, , c] = await shards(3);
      const r = await stronghold(["report", "merge", a!, c!], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include("shard(s) 2/3 missing: a merge needs all 3");
    });

    it("a shard given twice", async () => {
      const [a, b] = await shards(2);
      const r = await stronghold(["report", "merge", a!, b!, a!], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/shard-1-of-2\.jsonl: \/shard: is shard 1\/2 again/);
    });

    it("shards of different splits, options or times", async () => {
      const [a] = await shards(2);
      const [, b] = await shards(2, ["--fail-on", "high"]);
      const r = await stronghold(["report", "merge", a!, b!], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include("different check options and paths");
    });

    it("a register changed since the shards ran", async () => {
      const licenses = path.join(dir, "licenses.csv");
      await writeFile(licenses, await readFile(path.join(millbrook, "licenses.csv")));
      const files = await shards(2, ["--licenses", licenses]);
      await writeFile(licenses, (await readFile(licenses, "utf8")).replace(/\n[^\n]*\n?$/, "\n"));
      const r = await stronghold(["report", "merge", ...files], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include("changed since the shards ran");
    });

    it("a file that is not a shard, and a shard file edited by hand", async () => {
      const [a, b] = await shards(2);
      const notShard = path.join(dir, "report.json");
      await writeFile(notShard, "{}");
      const r = await stronghold(["report", "merge", a!, b!, notShard], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include("report.json:1: is not a shard file");
      // A machine line of shard 1 put into shard 2's file.
      const first = (await readFile(a!, "utf8")).split("\n");
      const second = (await readFile(b!, "utf8")).split("\n");
      second[1] = first[1]!;
      await writeFile(b!, second.join("\n"));
      const edited = await stronghold(["report", "merge", a!, b!], dir);
      expect(edited.code).to.equal(2);
      expect(edited.stderr).to.match(
        /shard-2-of-2\.jsonl:2: belongs to another shard than 2\/2: the file was altered/,
      );
    });

    it("a shard file cut short, and a line that names a result its header lacks", async () => {
      const [a, b] = await shards(2);
      const lines = (await readFile(a!, "utf8")).split("\n");
      await writeFile(a!, lines.slice(0, -3).join("\n") + "\n");
      const bad = (await readFile(b!, "utf8")).split("\n");
      const machine = JSON.parse(bad[1]!) as { results: number[] };
      bad[1] = JSON.stringify({ ...machine, results: [...machine.results, 9999] });
      await writeFile(b!, bad.join("\n"));
      const r = await stronghold(["report", "merge", a!, b!], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(
        /shard-1-of-2\.jsonl: holds \d+ machine lines where its header says \d+: the file was cut short/,
      );
      expect(r.stderr).to.include(
        "shard-2-of-2.jsonl:2: /results: must be indexes into the header's /results",
      );
    });

    it("a shard file of an older format (one JSON document) is refused with what to do", async () => {
      const old = path.join(dir, "shard-1-of-2.json");
      await writeFile(
        old,
        '{"kind":"stronghold-check-shard","shardFormat":2,"toolVersion":"0.1.0","problems":[],"machines":[\n{"position":[0,0,0]}\n]}\n',
      );
      const [, b] = await shards(2);
      const r = await stronghold(["report", "merge", old, b!], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include(
        "shard-1-of-2.json:1: /shardFormat: is shard format 2; this stronghold merges format 3: rerun the shards with this version",
      );
    });

    it("--shard without --at, with --format, or out of range", async () => {
      const machines = path.join(millbrook, "machines");
      for (const [args, message] of [
        [["--shard", "1/2"], "--shard needs --at"],
        [["--shard", "1/2", "--at", at, "--format", "json"], "--shard writes a shard file"],
        [["--shard", "3/2", "--at", at], '--shard "3/2": give i/n'],
        [["--shard", "0/2", "--at", at], '--shard "0/2": give i/n'],
      ] as const) {
        const r = await stronghold(["check", machines, ...args], dir);
        expect(r.code, args.join(" ")).to.equal(2);
        expect(r.stderr).to.include(message);
      }
    });
  });

  describe("the split", () => {
    it("depends only on where a machine came from, and spreads machines over the shards", () => {
      const counts = [0, 0, 0];
      for (let i = 0; i < 3000; i++) counts[shardOf({ file: `m/${i}.json` }, 3) - 1]! += 1;
      for (const c of counts) expect(c).to.be.within(900, 1100);
      expect(shardOf({ file: "f.jsonl", line: 7 }, 5)).to.equal(
        shardOf({ file: "f.jsonl", line: 7 }, 5),
      );
      expect(parseShard(" 2/3 ")).to.deep.equal({ index: 2, count: 3 });
    });
  });
});
