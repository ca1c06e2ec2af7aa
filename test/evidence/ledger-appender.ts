// A second process appending to a ledger, for the concurrency test: `node --import tsx
// ledger-appender.ts <dir> <writer> <count>` appends <count> check entries, each with its own
// artifact, and prints the seqs it got.
import { appendEntry, storeContent } from "../../src/evidence/ledger.js";

const [dir, writer, count] = process.argv.slice(2) as [string, string, string];
const seqs: number[] = [];
for (let i = 1; i <= Number(count); i++) {
  const artifact = storeContent(dir, "stronghold-report.json", `{"writer":"${writer}","n":${i}}\n`);
  const entry = appendEntry(dir, {
    kind: "check",
    at: new Date().toISOString(),
    subject: writer,
    verdict: "passed",
    inputs: [],
    metrics: { n: i },
    frameworks: { cis: [], csf: [] },
    artifacts: [artifact],
  });
  seqs.push(entry.seq);
}
process.stdout.write(`${JSON.stringify(seqs)}\n`);
