/** How /tmp and /dev/shm are mounted: filesystem type and options, from /proc/self/mounts. */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** A mount point's filesystem and options, or "not-separate" when nothing is mounted there. */
export type MountFact =
  { readonly filesystem: string; readonly options: readonly string[] } | "not-separate";

export interface TemporaryMounts {
  readonly tmp: MountFact;
  readonly devShm: MountFact;
}

/** Reads `MOUNTPOINT FSTYPE OPTIONS` lines; the last mount on a point is the one in use. */
export function parseTemporaryMounts(output: ProbeOutput | undefined): Fact<TemporaryMounts> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "/proc/self/mounts"));
  const found = new Map<string, MountFact>();
  for (const line of lines(output.stdout)) {
    const [point, filesystem, options] = line.trim().split(/\s+/);
    if (!point || !filesystem || !options) continue;
    found.set(point, { filesystem, options: options.split(",") });
  }
  return known({
    tmp: found.get("/tmp") ?? "not-separate",
    devShm: found.get("/dev/shm") ?? "not-separate",
  });
}
