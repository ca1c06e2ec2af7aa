// Plain JavaScript on purpose: the floor must not pay for a TypeScript loader the bundled CLI
// does not use either.
/**
 * The floor for the check benchmark: list, read and parse the same machine files with the same
 * read-ahead, and do nothing else. `stronghold check` cannot be faster than this.
 */
import { createReadStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";

const input = process.argv[2];
if (!input) throw new Error("usage: floor-read-parse <dir|file.jsonl>");
let machines = 0;
if (input.endsWith(".jsonl")) {
  for await (const line of createInterface({
    input: createReadStream(input, { highWaterMark: 1 << 20 }),
  })) {
    if (line.trim() !== "") {
      JSON.parse(line);
      machines += 1;
    }
  }
} else {
  const entries = await readdir(input, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (let start = 0; start < files.length; start += 64) {
    const texts = await Promise.all(files.slice(start, start + 64).map((f) => readFile(f, "utf8")));
    for (const text of texts) {
      JSON.parse(text);
      machines += 1;
    }
  }
}
process.stdout.write(`${machines}\n`);
