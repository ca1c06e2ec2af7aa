/**
 * Where the collector's CPU per host goes, measured in one process with `process.cpuUsage()`:
 * the SSH session (connect, key exchange, authentication), the probe command's round trip, and
 * the pure work on the output (split, parse, map, validate, serialise). The host is a delayed
 * sshd without the delay (see delayed-host.ts), replaying this machine's real probe output.
 *
 *   npx tsx bench/collect-host-cpu.ts [hosts=100]
 *
 * One host at a time: the figures are CPU and include nothing of the CLI's start; user and
 * system time are also given apart, and the median wall time of the two phases that wait on the
 * host (a packet held for the host's delayed acknowledgement shows there as 40 ms).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { validateMapped } from "../src/collect/collect-with-probes.js";
import { loadEdrCatalog } from "../src/collect/linux/edr-catalog.js";
import { parseLinuxFacts } from "../src/collect/linux/linux-facts.js";
import { linuxMachineConfig } from "../src/collect/linux/machine-config.js";
import { PROBE_SCRIPT } from "../src/collect/linux/probe-script.js";
import { newNonce, probeCommand } from "../src/collect/probe-script.js";
import { splitProbeOutput } from "../src/collect/probe-output.js";
import { openSession } from "../src/hosts/transport/open-session.js";
import { SshCredentials } from "../src/hosts/transport/ssh-credentials.js";
import { inventoryHost, startSshd } from "../test/fixtures/sshd.js";
import { debianHostKeys, delayedCommand, measureProbe, median } from "./delayed-host.js";

const hosts = Number(process.argv[2] ?? 100);
if (!Number.isInteger(hosts) || hosts < 1) {
  console.error(`collect-host-cpu: hosts must be a positive integer, got "${process.argv[2]}"`);
  process.exit(2);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return { user: u.user / 1000, system: u.system / 1000 };
};
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const PHASES = ["open", "exec", "close", "split", "parse", "map", "validate", "serialise"] as const;
type Phase = (typeof PHASES)[number];

const dir = mkdtempSync(path.join(os.tmpdir(), "stronghold-bench-host-cpu-"));
const real = await startSshd();
const replay: { stop(): Promise<void> }[] = [real];
try {
  const probe = await measureProbe(real, 1);
  const transcript = path.join(dir, "probe-output.txt");
  writeFileSync(transcript, probe.output, { mode: 0o644 });
  const sshd = await startSshd({
    extraConfig: [...debianHostKeys(dir), delayedCommand(transcript, 0)],
  });
  replay.push(sshd);
  const host = inventoryHost(sshd);
  const catalog = await loadEdrCatalog();
  const machine = { department: "bench", site: "loopback", role: "server" } as const;
  // User and system time apart: on loopback the kernel delivers what the collector sends to sshd
  // within the collector's own system time, work a real network would not charge it.
  const total = Object.fromEntries(PHASES.map((p) => [p, { user: 0, system: 0 }])) as Record<
    Phase,
    { user: number; system: number }
  >;
  const add = (phase: Phase, before: { user: number; system: number }) => {
    const after = cpuMs();
    total[phase].user += after.user - before.user;
    total[phase].system += after.system - before.system;
  };
  const time = <T>(phase: Phase, work: () => T): T => {
    const before = cpuMs();
    const result = work();
    add(phase, before);
    return result;
  };
  const wall: Partial<Record<Phase, number[]>> = {};
  const timeAsync = async <T>(phase: Phase, work: () => Promise<T>): Promise<T> => {
    const before = cpuMs();
    const started = performance.now();
    const result = await work();
    (wall[phase] ??= []).push(performance.now() - started);
    add(phase, before);
    return result;
  };
  // One run's credentials, as runCollection shares them between its hosts.
  const credentials = new SshCredentials();
  for (let i = 0; i < hosts; i++) {
    const session = await timeAsync("open", () => openSession(host, credentials));
    const nonce = newNonce();
    const result = await timeAsync("exec", () =>
      session.exec(probeCommand(nonce, "nosudo"), { stdin: PROBE_SCRIPT }),
    );
    await timeAsync("close", () => session.close());
    const split = time("split", () => splitProbeOutput(result.stdout, nonce));
    if (!split.ok) throw new Error(`host ${i}: ${split.problem}`);
    const facts = time("parse", () => parseLinuxFacts(split.sections, catalog));
    const mapped = time("map", () =>
      linuxMachineConfig(facts, `h-${i}`, machine, "2026-12-05T00:00:00Z"),
    );
    const valid = time("validate", () => validateMapped(mapped, `h-${i}`));
    if (valid.kind !== "config") throw new Error(`host ${i}: ${valid.message}`);
    time("serialise", () => JSON.stringify(mapped.config, null, 2));
  }
  const perHost = (ms: number) => `${(ms / hosts).toFixed(2)} ms`;
  const user = PHASES.reduce((a, p) => a + total[p].user, 0);
  const system = PHASES.reduce((a, p) => a + total[p].system, 0);
  console.log(
    `${hosts} hosts one at a time, ${probe.output.length} bytes of probe output, ` +
      `${new Date().toISOString()}, load average ${load()}\n`,
  );
  console.log("| phase | CPU per host | user | system | wall, median |");
  console.log("| ----- | -----------: | ---: | -----: | -----------: |");
  for (const p of PHASES) {
    const { user: u, system: s } = total[p];
    const waited = p === "open" || p === "exec" ? `${median(wall[p]!).toFixed(1)} ms` : "";
    console.log(`| ${p} | ${perHost(u + s)} | ${perHost(u)} | ${perHost(s)} | ${waited} |`);
  }
  console.log(
    `| **all** | **${perHost(user + system)}** | ${perHost(user)} | ${perHost(system)} | |`,
  );
} finally {
  await Promise.all(replay.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}
