/**
 * Writes only the JSON Lines layout of a benchmark fleet and its town inputs, for sizes where a
 * million small files would cost more than the run they feed:
 *
 *   npx tsx bench/generate-jsonl.ts 1000000 /tmp/fleet
 *
 * The same seeds as bench/check-fleet.ts, so its machines are the same fleet's.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { seededRandom } from "../test/fixtures/seeded.js";
import { syntheticMachine } from "./generate-fleet.js";
import { TownRegisters } from "./generate-registers.js";

const n = Number(process.argv[2] ?? 1_000_000);
const dir = path.resolve(process.argv[3] ?? "bench/out");
const at = new Date("2026-11-20T12:00:00Z");
const SEED = 20261120;

const town = path.join(dir, `town-v2-${n}`);
mkdirSync(town, { recursive: true });
const random = seededRandom(SEED);
const registers = new TownRegisters(town, seededRandom(SEED + 1));
const lines = createWriteStream(path.join(dir, `fleet-v2-${n}.jsonl`));
for (let i = 0; i < n; i++) {
  const machine = await registers.add(i, syntheticMachine(i, random, at));
  if (!lines.write(JSON.stringify(machine) + "\n"))
    await new Promise<void>((r) => lines.once("drain", () => r()));
}
await new Promise<void>((r) => lines.end(() => r()));
await registers.finish(n);
console.log(`wrote ${n} machines to ${dir}`);
