/** What runs on the host: process names (ps) and systemd service states. */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** A systemd unit's load, active and sub states. */
export interface ServiceState {
  readonly load: string;
  readonly active: string;
  readonly sub: string;
}

/** Running processes and service states, each possibly unknown. */
export interface Activity {
  /** Process names as the kernel keeps them (comm: at most 15 characters). */
  readonly processes: Fact<ReadonlySet<string>>;
  /** Service units by name without ".service". */
  readonly services: Fact<ReadonlyMap<string, ServiceState>>;
}

/** Reads the processes and services probes. */
export function parseActivity(
  processes: ProbeOutput | undefined,
  services: ProbeOutput | undefined,
): Activity {
  const names = lines(processes?.stdout ?? "").map((l) => l.trim());
  const units = new Map<string, ServiceState>();
  if (services?.rc === 0) {
    for (const line of lines(services.stdout)) {
      const [unit, load, active, sub] = line.trim().replace(/^●\s*/, "").split(/\s+/);
      if (unit?.endsWith(".service") && load && active && sub)
        units.set(unit.slice(0, -".service".length), { load, active, sub });
    }
  }
  return {
    processes:
      processes?.rc === 0 && names.length > 0
        ? known(new Set(names))
        : unknown(probeFailure(processes, "ps")),
    services: services?.rc === 0 ? known(units) : unknown(probeFailure(services, "systemctl")),
  };
}

/** The kernel truncates process names to 15 characters; match the same way. */
export function processKey(name: string): string {
  return name.slice(0, 15);
}

/**
 * Whether any of these processes or services runs: true or false when either source could be
 * read, unknown when neither could.
 */
export function anyRunning(
  activity: Activity,
  processNames: readonly string[],
  serviceNames: readonly string[],
): Fact<boolean> {
  const { processes, services } = activity;
  if (processes.known && processNames.some((p) => processes.value.has(processKey(p))))
    return known(true);
  if (services.known && serviceNames.some((s) => services.value.get(s)?.active === "active"))
    return known(true);
  if (processes.known || services.known) return known(false);
  return unknown(processes.reason);
}

/** Whether a unit of this name is known to systemd at all (installed). */
export function serviceInstalled(activity: Activity, serviceNames: readonly string[]): boolean {
  const { services } = activity;
  return (
    services.known &&
    serviceNames.some((s) => {
      const state = services.value.get(s);
      return state !== undefined && state.load !== "not-found";
    })
  );
}
