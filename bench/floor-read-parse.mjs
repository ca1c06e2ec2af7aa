// Plain JavaScript on purpose: the floor must not pay for a TypeScript loader the bundled CLI
// does not use either.
/**
 * The floor for the check benchmark: list, read and parse the same machine files the fastest
 * plain way (synchronous reads of small files, streamed JSON Lines), and do nothing else.
 * `stronghold check` cannot be faster than this.
 */
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

const input = process.argv[2];
if (!input) throw new Error("usage: floor-read-parse <dir|file.jsonl>");
let machines = 0;
if (input.endsWith(".jsonl")) {
  const lines = createInterface({ input: createReadStream(input, { highWaterMark: 1 << 20 }) });
  for await (const line of lines) {
    if (line.trim() !== "") {
      JSON.parse(line);
      machines += 1;
    }
  }
} else {
  const files = readdirSync(input, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const file of files) {
    JSON.parse(readFileSync(file, "utf8"));
    machines += 1;
  }
}
process.stdout.write(`${machines}\n`);
