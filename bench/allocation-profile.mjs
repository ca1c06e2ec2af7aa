/**
 * Benchmark aid: where a `stronghold` run allocates. Runs the CLI in this process under V8's
 * sampling heap profiler, counting what garbage collection already freed too (a CPU profile
 * shows allocation only as garbage collection later), and prints the run's total and the
 * functions that allocated most, each with its caller. Add `--no-turbo-inlining` to node to see
 * the allocating function itself rather than the caller it was inlined into (the totals stay
 * the same).
 *
 *   node [--no-turbo-inlining] bench/allocation-profile.mjs <out.heapprofile> check <input> …
 */
import inspector from "node:inspector";
import { writeFileSync } from "node:fs";

const [out, ...args] = process.argv.slice(2);
if (out === undefined || args.length === 0) {
  console.error("usage: node bench/allocation-profile.mjs <out.heapprofile> <stronghold args…>");
  process.exit(2);
}
process.argv.splice(2, process.argv.length, ...args);

const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
await post("HeapProfiler.enable");
await post("HeapProfiler.startSampling", {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});

let reported = false;
function report() {
  if (reported) return;
  reported = true;
  // The inspector answers a session in this process at once: the profile is here before exit.
  session.post("HeapProfiler.stopSampling", (error, result) => {
    if (error) throw error;
    writeFileSync(out, JSON.stringify(result.profile));
    summarise(result.profile);
  });
}

function summarise(profile) {
  const name = (n) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber + 1}`;
  const bySite = new Map();
  let total = 0;
  const walk = (node, caller) => {
    total += node.selfSize;
    if (node.selfSize > 0) {
      const site = `${name(node)} (from ${caller})`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, name(node));
  };
  walk(profile.head, "(root)");
  const mb = (bytes) => (bytes / 1e6).toFixed(1).padStart(8);
  console.error(`\n${mb(total)} MB allocated in all (sampled every 4 KiB), the most by:`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.error(`${mb(bytes)} MB  ${site}`);
}

const exit = process.exit;
process.exit = (code) => {
  report();
  exit(code);
};
process.on("beforeExit", report);
await import("../bin/stronghold.js");
