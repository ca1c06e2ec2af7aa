/**
 * Benchmark: `stronghold collect` (the bundled CLI) over a fleet of SSH hosts on loopback — real
 * sshd instances, several inventory entries per port under distinct names — at several
 * concurrencies, alternating in the same run, every run collecting every host.
 *
 * Every host here runs on the cores of this one machine, so a host that ran the real probes would
 * measure the host, not the collector. By default (`--fleet delayed`) each sshd runs every session
 * through a ForceCommand that reads and drops the script, sleeps a fixed time (the time a real
 * probe takes over sshd, measured at the start of the run) and prints a probe output recorded
 * from the real probe at the start of the run, under the session's nonce. The host then costs
 * sshd's session and three small processes; the floor is the sleep alone: ⌈hosts ÷ concurrency⌉
 * × delay. `--fleet probes` runs the real probe script on every host instead. Each sshd has the
 * three host keys Debian's openssh-server makes (Ed25519, RSA 3072, ECDSA P-256), all of which
 * OpenSSH announces after every login.
 *
 *   npm run bench:collect -- [--hosts 100] [--servers 4] [--concurrency 1,4,16,32] [--runs 3]
 *                            [--delay-ms 2550|measured] [--probe-runs 9] [--fleet delayed|probes]
 *
 * The hosts log in as the lab login of the test fixture (a /bin/sh second name for uid 0 when run
 * as root, so the probes see what they would see with --sudo; the current user otherwise).
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import type { CollectionReport } from "../src/collect/collection-report.js";
import { startSshd, type Sshd } from "../test/fixtures/sshd.js";
import { debianHostKeys, delayedCommand, measureProbe, median } from "./delayed-host.js";

/**
 * The default host-side delay: the median wall time of the real probe script over sshd on this
 * machine (root login, 15 sessions one after another, 2026-12-05, load average 14.6 on 2 cores;
 * BENCHMARKS.md). The probe itself used about 0.8 s of CPU: an idle server is faster, a server
 * busier than this one slower.
 */
export const DEFAULT_DELAY_MS = 2550;

const root = fileURLToPath(new URL("../", import.meta.url));

interface Options {
  readonly hosts: number;
  readonly servers: number;
  readonly concurrencies: readonly number[];
  readonly runs: number;
  readonly delay: number | "measured";
  readonly probeRuns: number;
  readonly fleet: "delayed" | "probes";
}

/** The options, or every problem with them (one line each, naming the flag). */
function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      hosts: { type: "string", default: "100" },
      servers: { type: "string", default: "4" },
      concurrency: { type: "string", default: "1,4,16,32" },
      runs: { type: "string", default: "3" },
      "delay-ms": { type: "string", default: String(DEFAULT_DELAY_MS) },
      "probe-runs": { type: "string", default: "9" },
      fleet: { type: "string", default: "delayed" },
    },
  });
  const problems: string[] = [];
  const count = (flag: string, text: string, min: number): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min)
      problems.push(`--${flag}: expected an integer ≥ ${min}, got "${text}"`);
    return n;
  };
  const concurrencies = values.concurrency.split(",").map((c) => count("concurrency", c.trim(), 1));
  if (!concurrencies.includes(1))
    problems.push(
      `--concurrency: must include 1, the serial run every speed-up is measured against`,
    );
  const fleet = values.fleet;
  if (fleet !== "delayed" && fleet !== "probes")
    problems.push(`--fleet: expected "delayed" or "probes", got "${fleet}"`);
  const delayText = values["delay-ms"];
  const options: Options = {
    hosts: count("hosts", values.hosts, 1),
    servers: count("servers", values.servers, 1),
    concurrencies: [...new Set(concurrencies)].sort((a, b) => a - b),
    runs: count("runs", values.runs, 1),
    delay: delayText === "measured" ? "measured" : count("delay-ms", delayText, 0),
    probeRuns: count("probe-runs", values["probe-runs"], 1),
    fleet: fleet === "probes" ? "probes" : "delayed",
  };
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return options;
}

class UsageError extends Error {}

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

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadOne = () => Number(loadAverage().split(" ")[0]);

/**
 * CPU seconds of everything the "hosts" run — sshd sessions, shells, the probe script or the
 * replay — counted by a cpuacct cgroup holding the sshd listeners (children inherit it). Exited
 * processes stay counted there, unlike in a parent's cutime, which sshd does not always collect.
 * Undefined where no cgroup can be created (not root, no cpuacct hierarchy).
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
  /** CPU seconds of the collector process (user + system, children included: it has none). */
  readonly collectorCpu: number;
  /** CPU seconds of everything the hosts ran (undefined when not measurable). */
  readonly hostsCpu: number | undefined;
  /** One-minute load average when the run ended. */
  readonly load: number;
}

/** CPU seconds (user + system) of a command run under /usr/bin/time, and its result. */
function timed(argv: readonly string[], timesFile: string) {
  const child = spawnSync("/usr/bin/time", ["-f", "%U %S", "-o", timesFile, ...argv], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const [user, system] = readFileSync(timesFile, "utf8")
    .trim()
    .split("\n")
    .at(-1)!
    .split(" ")
    .map(Number);
  return { child, cpu: (user ?? NaN) + (system ?? NaN) };
}

function collect(
  inventory: string,
  dir: string,
  hosts: number,
  c: number,
  cgroup: HostsCgroup | undefined,
): Sample {
  const report = path.join(dir, `report-${c}.json`);
  const before = machineCpu();
  const hostsBefore = cgroup?.seconds();
  const started = performance.now();
  const { child, cpu } = timed(
    [
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
    path.join(dir, `time-${c}.txt`),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = machineCpu();
  let parsed: CollectionReport;
  try {
    parsed = JSON.parse(readFileSync(report, "utf8")) as CollectionReport;
  } catch {
    throw new Error(
      `concurrency ${c}: no collection report (exit ${child.status}): ${child.stderr}`,
    );
  }
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
    collectorCpu: cpu,
    hostsCpu: cgroup && hostsBefore !== undefined ? cgroup.seconds() - hostsBefore : undefined,
    load: loadOne(),
  };
}

async function startFleet(
  options: Options,
  dir: string,
  extraConfig: readonly string[],
  cgroup: HostsCgroup | undefined,
  daemons: Sshd[],
): Promise<string> {
  const own: Sshd[] = [];
  for (let i = 0; i < options.servers; i++) {
    const sshd = await startSshd({ extraConfig });
    own.push(sshd);
    daemons.push(sshd);
    if (sshd.process.pid !== undefined) cgroup?.add(sshd.process.pid);
  }
  const inventory = path.join(dir, `hosts-${options.fleet}.yaml`);
  writeFileSync(
    inventory,
    stringify({
      version: 1,
      defaults: { user: own[0]!.user },
      hosts: Array.from({ length: options.hosts }, (_, i) => {
        const s = own[i % options.servers]!;
        return {
          name: `${options.fleet}-${String(i).padStart(3, "0")}`,
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

const fmt = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

function report(
  options: Options,
  delayMs: number,
  startupCpu: number,
  samples: ReadonlyMap<number, readonly Sample[]>,
): void {
  const serial = samples.get(1)!;
  const serialWall = median(serial.map((s) => s.seconds));
  const hosts = options.hosts;
  const floor = (c: number) =>
    options.fleet === "delayed" ? Math.ceil(hosts / c) * (delayMs / 1000) : undefined;
  console.log(
    `\n**${options.fleet}** — ${hosts} hosts, median of ${options.runs} runs per concurrency, ` +
      `load average afterwards ${loadAverage()}\n`,
  );
  console.log(
    "| concurrency | floor (sleep only) | wall time | wall ÷ floor | speed-up over 1 | collector CPU per host | hosts' CPU per host | load (1 min) | all cores busy |",
  );
  console.log(
    "| ----------: | -----------------: | --------: | -----------: | --------------: | ---------------------: | ------------------: | -----------: | -------------: |",
  );
  for (const [c, runs] of samples) {
    const wall = median(runs.map((s) => s.seconds));
    const f = floor(c);
    const hostsCpu = runs.every((s) => s.hostsCpu !== undefined)
      ? ms(median(runs.map((s) => s.hostsCpu!)) / hosts)
      : "n/a";
    const loads = runs.map((s) => s.load);
    console.log(
      `| ${c} | ${f === undefined ? "n/a" : `${fmt(f)} s`} | ${fmt(wall)} s | ${f === undefined ? "n/a" : `${(wall / f).toFixed(2)}×`} | ` +
        `${(serialWall / wall).toFixed(1)}× | ${ms(median(runs.map((s) => s.collectorCpu)) / hosts)} | ${hostsCpu} | ` +
        `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} | ${(median(runs.map((s) => s.machineBusy)) * 100).toFixed(0)} % |`,
    );
  }
  const pairs = (c: number) =>
    serial.map((s, i) => (s.seconds / samples.get(c)![i]!.seconds).toFixed(1)).join(", ");
  console.log(
    `\nSpeed-up per round: ${[...samples.keys()]
      .filter((c) => c !== 1)
      .map((c) => `${c}: ${pairs(c)}`)
      .join("; ")}.`,
  );
  console.log(
    `Collector CPU includes starting the CLI (\`stronghold collect --help\`: ${ms(startupCpu)} of CPU, ` +
      `${ms(startupCpu / hosts)} per host at ${hosts}).`,
  );
}

/**
 * bin/stronghold.js runs the TypeScript sources through tsx when a source is newer than the
 * bundle: a benchmark would then measure tsx. Refuses to start in that case.
 */
function requireFreshBundle(): void {
  // `stronghold collect` runs the bundle's entry for collect alone.
  const bundle = path.join(root, "dist/stronghold-collect.mjs");
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const stale = readdirSync(path.join(root, "src"), { recursive: true, withFileTypes: true }).find(
    (e) => e.isFile() && statSync(path.join(e.parentPath, e.name)).mtimeMs > built,
  );
  if (stale)
    throw new UsageError(
      `dist/stronghold-collect.mjs is missing or older than ${path.relative(root, path.join(stale.parentPath, stale.name))}: ` +
        "run npm run build first (npm run bench:collect does)",
    );
}

async function main(options: Options): Promise<void> {
  requireFreshBundle();
  const dir = mkdtempSync(path.join(os.tmpdir(), "stronghold-bench-collect-"));
  const daemons: Sshd[] = [];
  const cgroup = HostsCgroup.create();
  const cleanUp = async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    cgroup?.remove();
    rmSync(dir, { recursive: true, force: true });
  };
  // Interrupted, stop at the next collection and leave no sshd behind. Each collection blocks the
  // event loop until it ends; the loop below yields between two of them, so a signal is seen then.
  let interrupted: string | undefined;
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      interrupted = signal;
    });
  try {
    const probeHost = await startSshd();
    daemons.push(probeHost);
    console.log(
      `${os.cpus().length} cores, Node ${process.version}, login ${probeHost.user}, ${new Date().toISOString()}, load average ${loadAverage()}`,
    );
    const probe = await measureProbe(probeHost, options.probeRuns);
    console.log(
      `Real probe over sshd (exec to last byte, ${options.probeRuns} sessions one after another): median ${probe.medianMs.toFixed(0)} ms, ` +
        `${probe.minMs.toFixed(0)}–${probe.maxMs.toFixed(0)} ms, ${probe.output.length} bytes of output; load average ${loadAverage()}`,
    );
    const transcript = path.join(dir, "probe-output.txt");
    writeFileSync(transcript, probe.output, { mode: 0o644 });
    const delayMs = options.delay === "measured" ? Math.round(probe.medianMs) : options.delay;
    const inventory = await startFleet(
      options,
      dir,
      [
        ...debianHostKeys(dir),
        ...(options.fleet === "delayed" ? [delayedCommand(transcript, delayMs)] : []),
      ],
      cgroup,
      daemons,
    );
    console.log(
      options.fleet === "delayed"
        ? `Hosts: ${options.hosts} on ${options.servers} sshd, each session sleeping ${delayMs} ms, then replaying that output`
        : `Hosts: ${options.hosts} on ${options.servers} sshd, each running the real probe`,
    );
    const startup = median(
      [0, 1, 2].map(
        () =>
          timed(
            // `collect --help` loads what `collect` loads (each command is imported on use).
            [process.execPath, path.join(root, "bin/stronghold.js"), "collect", "--help"],
            path.join(dir, "time-start.txt"),
          ).cpu,
      ),
    );
    const top = options.concurrencies.at(-1)!;
    collect(inventory, dir, options.hosts, top, cgroup); // warm-up: page cache, the bundle
    const samples = new Map<number, Sample[]>(options.concurrencies.map((c) => [c, []]));
    for (let r = 0; r < options.runs; r++) {
      for (const c of options.concurrencies) {
        await new Promise((resolve) => setImmediate(resolve));
        if (interrupted) throw new UsageError(`interrupted by ${interrupted}`);
        const sample = collect(inventory, dir, options.hosts, c, cgroup);
        samples.get(c)!.push(sample);
        console.error(
          `round ${r + 1}/${options.runs}: concurrency ${c}: ${fmt(sample.seconds)} s, ` +
            `collector ${ms(sample.collectorCpu / options.hosts)} CPU per host, load ${sample.load}`,
        );
      }
    }
    report(options, delayMs, startup, samples);
  } finally {
    await cleanUp();
  }
}

try {
  await main(parseOptions(process.argv.slice(2)));
} catch (error) {
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
  ) {
    console.error(`bench:collect: ${(error as Error).message}`);
    process.exitCode = 2;
  } else throw error;
}
