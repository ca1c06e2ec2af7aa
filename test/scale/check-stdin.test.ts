// `stronghold check -` fed a county's fleet through a real pipe, as `jq -c` or another tool would
// feed it: 10,000 generated machines of JSON Lines with their registers. Read whole and parsed as
// YAML first, this ran out of a 4 GB heap after 95 s. Real bin, real pipe; nothing is mocked.
import { expect } from "chai";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { syntheticMachine } from "../../bench/generate-fleet.js";
import { TownRegisters, townArgs, townFiles } from "../../bench/generate-registers.js";
import { seededRandom } from "../fixtures/seeded.js";
import { strongholdBin } from "../fixtures/stronghold-bin.js";

interface SarifLog {
  runs: {
    results: {
      ruleId: string;
      locations: {
        physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } };
      }[];
    }[];
  }[];
}

const at = "2026-11-20T12:00:00Z";
const MACHINES = 10_000;

describe("stronghold check - (a fleet piped in)", function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-stdin-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it(`checks ${MACHINES.toLocaleString("en")} machines of JSON Lines from a pipe as it checks the file`, async () => {
    const town = path.join(dir, "town");
    await mkdir(town);
    const random = seededRandom(20261206);
    const registers = new TownRegisters(town, seededRandom(20261207));
    const fleet = path.join(dir, "fleet.jsonl");
    const lines = createWriteStream(fleet);
    for (let i = 0; i < MACHINES; i++) {
      const machine = await registers.add(i, syntheticMachine(i, random, new Date(at)));
      if (!lines.write(`${JSON.stringify(machine)}\n`))
        await new Promise<void>((r) => lines.once("drain", () => r()));
    }
    await new Promise<void>((r) => lines.end(() => r()));
    await registers.finish(MACHINES);
    const files = townFiles(town);
    const common = ["--at", at, ...townArgs(files), "--format", "json,sarif", "--no-ledger", "-q"];
    const fromFile = await strongholdBin([
      "check",
      fleet,
      ...common,
      "--out",
      path.join(dir, "file"),
    ]);
    const fromPipe = await strongholdBin(
      ["check", "-", ...common, "--out", path.join(dir, "pipe")],
      { stdin: { file: fleet } },
    );
    expect(fromPipe.stderr).to.equal(fromFile.stderr.replaceAll("/file/", "/pipe/"));
    expect(fromPipe.code).to.equal(fromFile.code);
    const json = "stronghold-report.json";
    const expected = (await readFile(path.join(dir, "file", json), "utf8")).replaceAll(
      JSON.stringify(fleet),
      JSON.stringify("<stdin>"),
    );
    const got = await readFile(path.join(dir, "pipe", json), "utf8");
    expect((got.match(/"<stdin>"/g) ?? []).length).to.equal(MACHINES);
    expect(got === expected, "the JSON report, the source's name aside").to.equal(true);
    // SARIF names the same findings at the same lines, of <stdin>.
    const sarifOf = async (run: string) => {
      const log = JSON.parse(
        await readFile(path.join(dir, run, "stronghold-report.sarif"), "utf8"),
      ) as SarifLog;
      return log.runs[0]!.results.map((r) => {
        const where = r.locations[0]?.physicalLocation;
        return `${r.ruleId} ${where?.artifactLocation.uri}:${where?.region?.startLine}`;
      });
    };
    const sarifFile = await sarifOf("file");
    expect(sarifFile.length).to.be.greaterThan(MACHINES);
    const uri = pathToFileURL(fleet).href;
    expect(sarifFile.filter((r) => r.includes(` ${uri}:`)).length).to.be.greaterThan(MACHINES);
    expect(await sarifOf("pipe")).to.deep.equal(
      sarifFile.map((r) => r.replace(` ${uri}:`, " %3Cstdin%3E:")),
    );

    // Shards fed the same pipe (a CI matrix job each) merge into the one run's report: where a
    // machine sits depends on the bytes, not on how the pipe delivered them.
    const shardArgs = common.filter((a) => !["json,sarif", "--format", "-q"].includes(a));
    const shards: string[] = [];
    for (const i of [1, 2]) {
      const shard = await strongholdBin(
        ["check", "-", ...shardArgs, "--shard", `${i}/2`, "--out", path.join(dir, "shards")],
        { stdin: { file: fleet } },
      );
      expect(shard.code, shard.stderr).to.equal(0);
      shards.push(path.join(dir, "shards", `shard-${i}-of-2.jsonl`));
    }
    const merged = path.join(dir, "merged");
    const merge = await strongholdBin([
      "report",
      "merge",
      ...shards,
      "--format",
      "json",
      "--out",
      merged,
      "--no-ledger",
      "-q",
    ]);
    expect(merge.code, merge.stderr).to.equal(fromPipe.code);
    expect((await readFile(path.join(merged, json), "utf8")) === got, "merged shards").to.equal(
      true,
    );
  });
});
