/**
 * How long a run of the infrastructure program under Pulumi's mocks takes, per sample stack,
 * against a floor measured in the same process: registering as many bare custom resources under
 * the same mocks (the SDK's own cost per resource). Usage: npx tsx bench/infra-mocked-run.ts [runs]
 */
import * as pulumi from "@pulumi/pulumi";
import { performance } from "node:perf_hooks";

const runs = Number(process.argv[2] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

let started = performance.now();
const { runStackWithMocks } = await import("../src/infra/mock-run.js");
const loadMs = performance.now() - started;

/** Registers `count` bare resources under mocks and waits for every id. */
async function floor(count: number): Promise<void> {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: {} }), call: () => ({}) },
    "floor",
    "floor",
    false,
  );
  class Bare extends pulumi.CustomResource {
    constructor(name: string) {
      super("floor:index:Bare", name, {}, {});
    }
  }
  const ids = Array.from({ length: count }, (_, i) => new Bare(`bare-${i}`).id);
  await new Promise((done) => pulumi.all(ids).apply(done));
}

console.log(`load of the program and @pulumi/aws: ${ms(loadMs)}`);
console.log(
  "| stack | resources | first run | median of later runs | floor (bare resources) | run / floor |",
);
console.log(
  "| ----- | --------: | --------: | -------------------: | ---------------------: | ----------: |",
);
for (const stack of ["dev", "prod"]) {
  started = performance.now();
  const first = await runStackWithMocks(stack);
  const firstMs = performance.now() - started;
  const times: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    await runStackWithMocks(stack);
    times.push(performance.now() - started);
    started = performance.now();
    await floor(first.resources.length);
    floors.push(performance.now() - started);
  }
  console.log(
    `| ${stack} | ${first.resources.length} | ${ms(firstMs)} | ${ms(median(times))} | ${ms(median(floors))} | ${(median(times) / median(floors)).toFixed(1)}× |`,
  );
}
