/**
 * Benchmark: what the fleet controls cost, observing every machine they apply to and concluding,
 * as a run's admission feeds them. One JSON Lines fleet with the town's registers and overlay, as
 * `bench/check-fleet.ts` generates them; the machines are evaluated once, then in each round the
 * controls run together, machine by machine, and then each alone. Together they share reading
 * each machine from memory but add to one another's garbage collection, so the sum of the
 * figures alone is not their cost together: both are printed.
 *
 *   npx tsx bench/fleet-controls.ts <fleet.jsonl> <town dir> [rounds]
 */
import { evaluateMachine, type EvaluatedMachine } from "../src/check/evaluation/evaluate-batch.js";
import { RunSharing } from "../src/check/evaluation/run-sharing.js";
import { visitRecords, workItems } from "../src/check/input/machines.js";
import { loadReferenceData } from "../src/check/policy/data.js";
import { resolvePolicy } from "../src/check/policy/resolve.js";
import { loadTownRegisters } from "./town-registers.js";

const [input, town, roundsArg = "5"] = process.argv.slice(2);
if (input === undefined || town === undefined) {
  console.error("usage: npx tsx bench/fleet-controls.ts <fleet.jsonl> <town dir> [rounds]");
  process.exit(2);
}
const rounds = Number(roundsArg);

const at = new Date("2026-11-20T12:00:00Z");
const [policy, reference] = await Promise.all([
  resolvePolicy({ at, overlayFile: `${town}/overlay.yaml` }),
  loadReferenceData(),
]);
const { data } = await loadTownRegisters(town, reference);
const sharing = new RunSharing();
const machines: EvaluatedMachine[] = [];
for await (const item of workItems([input])) {
  visitRecords(item, (record) => {
    if (record.kind === "machine")
      machines.push(evaluateMachine(record, policy.controls, at, data, sharing));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const fleet = policy.controls.flatMap((control, index) =>
  control.evaluator.kind === "fleet" ? [{ control, index, check: control.evaluator.check }] : [],
);

/**
 * The fleet controls' work over the machines, as `RunAssembly.admit` does it: machine by machine,
 * each control that applies (its planned result a pass) observing it, then every control
 * concluding. `only` runs one control alone.
 */
function pass(only?: number): number {
  const started = performance.now();
  const slots = fleet
    .filter((f) => only === undefined || f.index === only)
    .map((f) => ({
      index: f.index,
      accumulator: f.check.create({ at, params: f.control.meta.parameters, data }),
    }));
  machines.forEach((machine, handle) => {
    for (const slot of slots)
      if (machine.results.at(slot.index).status === "pass")
        slot.accumulator.observe(machine.fleet, handle);
  });
  for (const slot of slots) slot.accumulator.finish();
  return performance.now() - started;
}

const together: number[] = [];
const alone = fleet.map((): number[] => []);
for (let round = 0; round < rounds; round++) {
  together.push(pass());
  fleet.forEach((f, i) => alone[i]!.push(pass(f.index)));
}
const perMachine = (ms: number) => ((ms * 1000) / machines.length).toFixed(2);
console.log(`${machines.length} machines, ${rounds} rounds, medians`);
console.log("| fleet controls | ms | µs per machine |");
console.log("| --- | ---: | ---: |");
const all = median(together);
console.log(`| all ${fleet.length}, together | ${all.toFixed(0)} | ${perMachine(all)} |`);
let sum = 0;
fleet.forEach((f, i) => {
  const ms = median(alone[i]!);
  sum += ms;
  console.log(`| ${f.control.meta.id}, alone | ${ms.toFixed(0)} | ${perMachine(ms)} |`);
});
console.log(`| sum of the above, alone | ${sum.toFixed(0)} | ${perMachine(sum)} |`);
