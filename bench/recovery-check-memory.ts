/**
 * Benchmark: a drill's comparison of a recovered share at several sizes, for its memory. Builds
 * the three sets of file records a share drill holds (the manifest before the disaster, the
 * snapshot's record, the manifest of the recovered share; town-like paths five levels deep) and
 * judges the recovery with checkRecovery, each size in its own process. The floor, measured in
 * the same run: the same records only generated and hashed, never kept. Prints a Markdown table
 * for BENCHMARKS.md: peak RSS should stay flat as the share grows.
 *
 *   npx tsx bench/recovery-check-memory.ts [files=100000,300000,1000000]
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);

function* records(n: number) {
  for (let i = 0; i < n; i++) {
    const path = `dept-${i % 7}/project ${i % 97}/2026-${(i % 12) + 1}/scans/file-${i} report final.pdf`;
    yield {
      path,
      size: 1000 + i,
      mode: 0o644,
      mtime: 1_767_323_045 + i,
      sha256: createHash("sha256").update(path).digest("hex"),
    };
  }
}

async function child(kind: "floor" | "drill", n: number): Promise<void> {
  const t0 = performance.now();
  let seconds = { build: 0, check: 0 };
  if (kind === "floor") {
    let bytes = 0;
    for (let k = 0; k < 3; k++) for (const r of records(n)) bytes += r.size;
    seconds.build = (performance.now() - t0) / 1000;
    if (bytes < 0) throw new Error("unreachable");
  } else {
    const { manifestOf } = await import("../src/drill/manifest/entries.js");
    const { FileTable } = await import("../src/drill/manifest/file-table.js");
    const { checkRecovery } = await import("../src/drill/manifest/recovery-check.js");
    const before = manifestOf("/srv/share", records(n));
    const restored = manifestOf("/srv/share", records(n));
    const snapshot = new FileTable();
    for (const r of records(n))
      snapshot.add({ path: r.path, size: r.size, mode: r.mode, mtime: r.mtime });
    snapshot.flush();
    const t1 = performance.now();
    const check = checkRecovery(snapshot, restored, before);
    if (!check.ok || check.againstSnapshot.matched !== n) throw new Error("the check failed");
    seconds = { build: (t1 - t0) / 1000, check: (performance.now() - t1) / 1000 };
  }
  process.stdout.write(
    JSON.stringify({ ...seconds, rssMB: process.resourceUsage().maxRSS / 1024 }) + "\n",
  );
}

if (process.argv[2] === "--child") {
  await child(process.argv[3] as "floor" | "drill", Number(process.argv[4]));
} else {
  const sizes = (process.argv[2] ?? "100000,300000,1000000").split(",").map(Number);
  const run = (kind: string, n: number) => {
    const out = spawnSync(process.execPath, ["--import", "tsx", self, "--child", kind, String(n)], {
      encoding: "utf8",
    });
    if (out.status !== 0) throw new Error(`${kind} ${n}: ${out.stderr}`);
    return JSON.parse(out.stdout.trim().split("\n").at(-1)!) as {
      build: number;
      check: number;
      rssMB: number;
    };
  };
  console.log(
    `checkRecovery over three sets of N records, ${availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log(
    "| files | floor: generate 3 × N records | floor peak RSS | build the three sets | checkRecovery | peak RSS |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const n of sizes) {
    const floor = run("floor", n);
    const drill = run("drill", n);
    console.log(
      `| ${n.toLocaleString("en-US")} | ${floor.build.toFixed(1)} s | ${floor.rssMB.toFixed(0)} MB | ${drill.build.toFixed(1)} s | ${drill.check.toFixed(1)} s | ${drill.rssMB.toFixed(0)} MB |`,
    );
  }
}
