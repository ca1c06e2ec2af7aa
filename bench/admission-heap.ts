/**
 * Benchmark: the heap each machine keeps once a run has admitted it (its results, names, score
 * and what the fleet controls hold), before the fleet concludes; beside it the heap of the policy
 * and of the registers, and the heap once the fleet has concluded. One JSON Lines fleet with the
 * town's registers and overlay, as `bench/check-fleet.ts` generates them; the heap after the last
 * machine less the heap before the first, each after two full collections. Optionally writes a
 * heap snapshot of the admitted run.
 *
 *   node --expose-gc --import tsx bench/admission-heap.ts <fleet.jsonl> <town dir> [snapshot]
 */
import v8 from "node:v8";
import { evaluateMachine } from "../src/check/evaluation/evaluate-batch.js";
import { RunAssembly } from "../src/check/evaluation/run-check.js";
import { RunSharing } from "../src/check/evaluation/run-sharing.js";
import { visitRecords, workItems } from "../src/check/input/machines.js";
import { loadReferenceData } from "../src/check/policy/data.js";
import { resolvePolicy } from "../src/check/policy/resolve.js";
import { loadTownRegisters } from "./town-registers.js";

const [input, town, snapshot] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (input === undefined || town === undefined || gc === undefined) {
  console.error(
    "usage: node --expose-gc --import tsx bench/admission-heap.ts <fleet.jsonl> <town dir> [snapshot]",
  );
  process.exit(2);
}
const heapAfterCollecting = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const at = new Date("2026-11-20T12:00:00Z");
const atStart = heapAfterCollecting();
const [policy, reference] = await Promise.all([
  resolvePolicy({ at, overlayFile: `${town}/overlay.yaml` }),
  loadReferenceData(),
]);
const withPolicy = heapAfterCollecting();
const { data, licenses, assets } = await loadTownRegisters(town, reference);
const withRegisters = heapAfterCollecting();
const run = { policy, data, waivers: [], at, failOn: "high", minScore: 0 } as const;
const sharing = new RunSharing();
const assembly = new RunAssembly(run, sharing);
const before = heapAfterCollecting();
let machines = 0;
for await (const item of workItems([input])) {
  visitRecords(item, (record) => {
    if (record.kind === "problem") return assembly.addProblems([record.problem]);
    machines++;
    assembly.admit(evaluateMachine(record, policy.controls, at, data, sharing));
  });
}
const after = heapAfterCollecting();
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
console.log(`policy and reference data: ${mib(withPolicy - atStart)} MiB`);
console.log(
  `registers (${assets.entries.length} assets, ${licenses.entries.length} license rows), IP plan, disposals: ${mib(withRegisters - withPolicy)} MiB`,
);
console.log(`the fleet controls' indexes of them: ${mib(before - withRegisters)} MiB`);
console.log(
  `${machines} machines: ${((after - before) / machines).toFixed(0)} B per machine at admission (heap ${mib(before)} → ${mib(after)} MiB)`,
);
if (snapshot !== undefined) console.log(`wrote ${v8.writeHeapSnapshot(snapshot)}`);
const report = assembly.report();
const concluded = heapAfterCollecting();
console.log(
  `after the fleet's conclusion, waivers and scores (${report.subjects.length} subjects): heap ${mib(concluded)} MiB, ${mib(process.memoryUsage().rss)} MiB RSS`,
);
