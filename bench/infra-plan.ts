/**
 * How long `stronghold infra plan` takes, against floors measured in the same run:
 * - in process, per stack: the plan (mocked run + policy pack + tree) against the mocked run
 *   alone, and the policy pack's evaluation by itself;
 * - end to end, the bundled CLI (`node bin/stronghold.js infra plan --stack <s>`) against a
 *   process that only loads the Pulumi SDKs the plan needs.
 * Usage: npm run build && npx tsx bench/infra-plan.ts [runs]
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { fileURLToPath } from "node:url";

const runs = Number(process.argv[2] ?? 5);
const root = fileURLToPath(new URL("../", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function timeProcess(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`${args.join(" ")}: ${run.stderr.toString()}`);
  return performance.now() - started;
}

const started = performance.now();
const { planStacks } = await import("../src/infra/plan.js");
const { runStackWithMocks } = await import("../src/infra/mock-run.js");
const { checkPolicies } = await import("../src/infra/policy-check.js");
const { PACK } = await import("../policies/crossguard/policies.js");
console.log(
  `load of the plan modules, @pulumi/pulumi, @pulumi/aws, @pulumi/policy: ${ms(performance.now() - started)}`,
);

console.log(
  "\n| stack | resources | mocked run (floor) | policy pack alone | plan | plan / floor |",
);
console.log("| ----- | --------: | -----------------: | ----------------: | ---: | -----------: |");
for (const stack of ["dev", "prod"]) {
  await planStacks({ stacks: [stack] }); // warm-up
  const floors: number[] = [];
  const policies: number[] = [];
  const plans: number[] = [];
  let resources = 0;
  for (let i = 0; i < runs; i++) {
    let recorded: Awaited<ReturnType<typeof runStackWithMocks>> | undefined;
    floors.push(await time(async () => (recorded = await runStackWithMocks(stack))));
    resources = recorded!.resources.length;
    policies.push(await time(() => checkPolicies(PACK, recorded!.resources)));
    plans.push(await time(() => planStacks({ stacks: [stack] })));
  }
  console.log(
    `| ${stack} | ${resources} | ${ms(median(floors))} | ${ms(median(policies))} | ${ms(median(plans))} | ${(median(plans) / median(floors)).toFixed(2)}× |`,
  );
}

const bin = path.join(root, "bin", "stronghold.js");
const sdkFloor = [
  "--input-type=module",
  "-e",
  'await import("@pulumi/pulumi"); await import("@pulumi/aws"); await import("@pulumi/policy");',
];
console.log(
  "\n| command (bundled CLI, new process) | median | floor: node loading the Pulumi SDKs | command / floor |",
);
console.log(
  "| ---------------------------------- | -----: | ----------------------------------: | --------------: |",
);
for (const args of [["--stack", "dev"], ["--stack", "prod"], []]) {
  const command: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < runs; i++) {
    command.push(timeProcess([bin, "infra", "plan", ...args]));
    floor.push(timeProcess(sdkFloor));
  }
  console.log(
    `| \`stronghold infra plan ${args.join(" ") || "(every stack)"}\` | ${ms(median(command))} | ${ms(median(floor))} | ${(median(command) / median(floor)).toFixed(2)}× |`,
  );
}
const version: number[] = [];
for (let i = 0; i < runs; i++) version.push(timeProcess([bin, "--version"]));
console.log(`\n\`stronghold --version\` (no Pulumi loaded): ${ms(median(version))}`);
