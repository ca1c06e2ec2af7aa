/**
 * Benchmark: `stronghold collect` (the bundled CLI) over a fleet of SSH hosts on loopback — real
 * sshd instances, several inventory entries per port under distinct names — at a given concurrency
 * against one host at a time, alternating in the same run. Prints Markdown tables for
 * BENCHMARKS.md with the CPU the collector and the "hosts" used, since every host runs on the
 * cores of this one machine.
 *
 * Two fleets: `probes`, where each host runs the real probe script, and `replay`, where each
 * host's sshd replays a recorded transcript under the run's nonce (a ForceCommand), so the
 * host-side work all but vanishes and what remains is SSH and the collector itself.
 *
 *   npm run bench:collect -- [hosts=100] [servers=4] [concurrency=16] [runs=3] [fleets=probes,replay]
 *
 * As root it logs in as a dedicated account, stronghold-bench (created if missing: a system user
 * with /bin/sh, closer to a real host than root's login shell here); otherwise as the current user.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import type { CollectionReport } from "../src/collect/collection-report.js";
import { startSshd, type Sshd } from "../test/fixtures/sshd.js";
import { benchAccount } from "./bench-account.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const arg = (i: number, fallback: number) => Number(process.argv[2 + i] ?? fallback);
const hosts = arg(0, 100);
const servers = arg(1, 4);
const concurrency = arg(2, 16);
const runs = arg(3, 3);
const fleets = (process.argv[6] ?? "probes,replay").split(",") as ("probes" | "replay")[];
const TRANSCRIPT = path.join(root, "test/fixtures/linux/debian12-root.txt");
const TRANSCRIPT_NONCE = "5eed0000";

/** Busy and total jiffies of all CPUs, from /proc/stat: what the whole machine did. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * CPU seconds of everything the "hosts" run — sshd sessions, login shells, the probe script and
 * its commands — counted by a cpuacct cgroup holding the sshd listeners (children inherit it).
 * Exited processes stay counted there, unlike in a parent's cutime, which sshd does not always
 * collect. Undefined where no cgroup can be created (not root, no cpuacct hierarchy).
 */
class HostsCgroup {
  private constructor(private readonly dir: string) {}
  static create(): HostsCgroup | undefined {
    const dir = `/sys/fs/cgroup/cpuacct/stronghold-bench-${process.pid}`;
    try {
      mkdirSync(dir);
      return new HostsCgroup(dir);
    } catch {
      return undefined;
    }
  }
  add(pid: number): void {
    writeFileSync(path.join(this.dir, "cgroup.procs"), String(pid));
  }
  seconds(): number {
    return Number(readFileSync(path.join(this.dir, "cpuacct.usage"), "utf8")) / 1e9;
  }
  remove(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // still busy: the kernel removes nothing, the next run uses a new name
    }
  }
}

interface Sample {
  readonly concurrency: number;
  readonly seconds: number;
  /** Share of all cores busy during the run, whoever used them. */
  readonly machineBusy: number;
  /** CPU seconds of the collector process itself. */
  readonly collectorCpu: number;
  /** CPU seconds of everything the hosts ran (undefined when not measurable). */
  readonly hostsCpu: number | undefined;
  readonly meanHostSeconds: number;
}

function collect(
  inventory: string,
  dir: string,
  c: number,
  cgroup: HostsCgroup | undefined,
): Sample {
  const report = path.join(dir, `report-${c}.json`);
  const times = path.join(dir, `time-${c}.txt`);
  const before = machineCpu();
  const hostsBefore = cgroup?.seconds();
  const started = process.hrtime.bigint();
  const child = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "%U %S",
      "-o",
      times,
      process.execPath,
      path.join(root, "bin/stronghold.js"),
      "collect",
      "--hosts",
      inventory,
      "--out",
      path.join(dir, "machines"),
      "--report",
      report,
      "--concurrency",
      String(c),
      "-q",
    ],
    { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = machineCpu();
  const [user, system] = readFileSync(times, "utf8").trim().split(" ").map(Number);
  const parsed = JSON.parse(readFileSync(report, "utf8")) as CollectionReport;
  if (child.status !== 0 || parsed.summary.ok !== hosts) {
    const failures = parsed.hosts.filter((h) => h.outcome !== "ok").slice(0, 5);
    throw new Error(
      `concurrency ${c}: ${parsed.summary.failed} host(s) failed: ${JSON.stringify(failures)}`,
    );
  }
  return {
    concurrency: c,
    seconds,
    machineBusy: (after.busy - before.busy) / (after.total - before.total),
    collectorCpu: (user ?? 0) + (system ?? 0),
    hostsCpu: cgroup && hostsBefore !== undefined ? cgroup.seconds() - hostsBefore : undefined,
    meanHostSeconds: parsed.hosts.reduce((a, h) => a + h.durationMs, 0) / hosts / 1000,
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianSample = (xs: readonly Sample[]) =>
  [...xs].sort((a, b) => a.seconds - b.seconds)[Math.floor(xs.length / 2)]!;

/** The replaying host: reads and drops the script, prints the transcript under this run's nonce. */
function replayCommand(dir: string): string {
  const transcript = path.join(dir, "transcript.txt");
  writeFileSync(transcript, readFileSync(TRANSCRIPT));
  chmodSync(transcript, 0o644);
  // SSH_ORIGINAL_COMMAND is the collector's `sh -s -- NONCE MODE`; the nonce is the 4th word.
  return `ForceCommand cat >/dev/null; set -- $SSH_ORIGINAL_COMMAND; sed "s/${TRANSCRIPT_NONCE}/$4/g" ${transcript}`;
}

async function startFleet(
  kind: "probes" | "replay",
  user: string,
  dir: string,
  cgroup: HostsCgroup | undefined,
  daemons: Sshd[],
): Promise<string> {
  const own: Sshd[] = [];
  for (let i = 0; i < servers; i++) {
    const first = await startSshd();
    const sshd =
      kind === "probes"
        ? first
        : await (async () => {
            await first.stop();
            return startSshd({ extraConfig: [replayCommand(path.join(dir))] });
          })();
    // The login account reads its authorised keys itself (sshd drops to it to do so).
    chmodSync(sshd.dir, 0o755);
    chmodSync(path.join(sshd.dir, "authorized_keys"), 0o644);
    own.push(sshd);
    daemons.push(sshd);
    if (sshd.process.pid !== undefined) cgroup?.add(sshd.process.pid);
  }
  const inventory = path.join(dir, `hosts-${kind}.yaml`);
  writeFileSync(
    inventory,
    stringify({
      version: 1,
      defaults: { user },
      hosts: Array.from({ length: hosts }, (_, i) => {
        const s = own[i % servers]!;
        return {
          name: `${kind}-${String(i).padStart(3, "0")}`,
          address: s.host,
          port: s.port,
          identityFile: s.identityFile,
          knownHostsFile: s.knownHostsFile,
          machine: { department: "bench", site: "loopback", role: "server" },
        };
      }),
    }),
  );
  return inventory;
}

function table(kind: string, sequential: readonly Sample[], parallel: readonly Sample[]): void {
  const one = medianSample(sequential);
  const many = medianSample(parallel);
  const pairs = sequential.map((s, i) => s.seconds / parallel[i]!.seconds);
  const cores = os.cpus().length;
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`\n**${kind}** — median of ${runs} runs; load average afterwards ${load}\n`);
  console.log(
    "| concurrency | wall time | hosts/s | mean time per host | CPU per host: collector | CPU per host: hosts | all cores busy |",
  );
  console.log(
    "| ----------: | --------: | ------: | -----------------: | ----------------------: | ------------------: | -------------: |",
  );
  for (const s of [one, many]) {
    const hostsCpu = s.hostsCpu === undefined ? "n/a" : `${(s.hostsCpu / hosts).toFixed(3)} s`;
    console.log(
      `| ${s.concurrency} | ${s.seconds.toFixed(1)} s | ${(hosts / s.seconds).toFixed(1)} | ${s.meanHostSeconds.toFixed(2)} s | ${(s.collectorCpu / hosts).toFixed(3)} s | ${hostsCpu} | ${(s.machineBusy * 100).toFixed(0)} % |`,
    );
  }
  // Every "host" runs on these cores: a fleet cannot finish faster than its CPU work spread
  // over all of them, whatever the concurrency.
  const cpuWork = many.collectorCpu + (many.hostsCpu ?? 0);
  console.log(
    `\nSpeed-up at ${concurrency} over 1, per alternating pair: ${pairs.map((p) => `${p.toFixed(2)}×`).join(", ")} ` +
      `(median ${median(pairs).toFixed(2)}×). CPU work of one fleet run ${cpuWork.toFixed(1)} s: at best ` +
      `${(cpuWork / cores).toFixed(1)} s on ${cores} cores, a ceiling of ${(one.seconds / (cpuWork / cores)).toFixed(1)}× ` +
      `over the median one-at-a-time run.`,
  );
}

async function main(): Promise<void> {
  const user = benchAccount() ?? os.userInfo().username;
  const dir = mkdtempSync(path.join(os.tmpdir(), "stronghold-bench-collect-"));
  chmodSync(dir, 0o755);
  const daemons: Sshd[] = [];
  const cgroup = HostsCgroup.create();
  try {
    console.log(
      `${hosts} hosts on ${servers} sshd instances per fleet, login ${user}, ${os.cpus().length} cores, Node ${process.version}`,
    );
    for (const kind of fleets) {
      const inventory = await startFleet(kind, user, dir, cgroup, daemons);
      collect(inventory, dir, concurrency, cgroup); // warm-up: page cache, host keys, the bundle
      const sequential: Sample[] = [];
      const parallel: Sample[] = [];
      for (let r = 0; r < runs; r++) {
        sequential.push(collect(inventory, dir, 1, cgroup));
        parallel.push(collect(inventory, dir, concurrency, cgroup));
        console.error(
          `${kind} run ${r + 1}/${runs}: ${sequential.at(-1)!.seconds.toFixed(1)} s at 1, ${parallel.at(-1)!.seconds.toFixed(1)} s at ${concurrency}`,
        );
      }
      table(kind, sequential, parallel);
    }
  } finally {
    await Promise.all(daemons.map((d) => d.stop()));
    cgroup?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
