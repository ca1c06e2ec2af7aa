/**
 * Updates not yet in effect: a reboot the package hooks asked for (/run/reboot-required),
 * needrestart's batch report (kernel status and services to restart), or, without needrestart,
 * the processes that still map a deleted library or program.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

export interface RestartPending {
  readonly rebootRequired: boolean;
  readonly staleProcesses: readonly string[];
}

/**
 * Reads the restart-pending probe. needrestart -b prints `NEEDRESTART-KSTA: N` (0 unknown, 1
 * current, 2 an ABI-compatible upgrade pending, 3 a version upgrade pending) and one
 * `NEEDRESTART-SVC: UNIT` per service to restart.
 */
export function parseRestartPending(output: ProbeOutput | undefined): Fact<RestartPending> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "needrestart and /proc/*/maps"));
  let reboot = false;
  const stale = new Set<string>();
  let kernelStatus: string | undefined;
  for (const line of lines(output.stdout)) {
    if (line === "reboot-required") reboot = true;
    const kv = /^NEEDRESTART-(\w+):\s*(.*)$/.exec(line);
    if (kv?.[1] === "KSTA") kernelStatus = kv[2]!.trim();
    if (kv?.[1] === "SVC") stale.add(kv[2]!.trim());
    const maps = /^stale (.+)$/.exec(line);
    if (maps) stale.add(maps[1]!.trim());
  }
  if (kernelStatus === "2" || kernelStatus === "3") reboot = true;
  return known({ rebootRequired: reboot, staleProcesses: [...stale].sort() });
}
