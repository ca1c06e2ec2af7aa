/**
 * Endpoint protection: which agent from the catalog is installed and running, whether on-access
 * protection is on, and how old its signatures are. No agent installed (with packages and
 * processes both readable) means none; unreadable means unknown.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { anyRunning, processKey, serviceInstalled, type Activity } from "./activity.js";
import type { EdrAgent, EdrCatalog } from "./edr-catalog-schema.js";
import { count, lines } from "./key-values.js";
import { packageNames, type InstalledPackage } from "./packages.js";

/** The agent in charge of a host and what it establishes. */
export interface ProtectionFacts {
  readonly product: string;
  readonly running: Fact<boolean>;
  readonly realTimeProtection: Fact<boolean>;
  /** ISO 8601 instant of the last signature update. */
  readonly signatureDate: Fact<string>;
}

/** `mdatp health` prints `key : value` lines; values may be quoted. */
export function parseMdatpHealth(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of lines(text)) {
    const m = /^([a-z_]+)\s*:\s*(.*)$/.exec(line.trim());
    if (m) values.set(m[1]!, m[2]!.replace(/^"(.*)"$/, "$1").trim());
  }
  return values;
}

function installed(
  agent: EdrAgent,
  packages: Fact<readonly InstalledPackage[]>,
  activity: Activity,
): boolean {
  if (packages.known) {
    const names = packageNames(packages.value);
    if ((agent.packages ?? []).some((p) => names.has(p))) return true;
  }
  const { processes } = activity;
  if (processes.known && (agent.processes ?? []).some((p) => processes.value.has(processKey(p))))
    return true;
  return serviceInstalled(activity, agent.services ?? []);
}

function realTime(
  agent: EdrAgent,
  running: Fact<boolean>,
  mdatp: ProbeOutput | undefined,
  activity: Activity,
): Fact<boolean> {
  switch (agent.realTimeProtection) {
    case "while-running":
      return running;
    case "mdatp-health": {
      if (mdatp?.rc !== 0) return unknown(probeFailure(mdatp, "mdatp health"));
      const value = parseMdatpHealth(mdatp.stdout).get("real_time_protection_enabled");
      return value === undefined
        ? unknown("mdatp health has no real_time_protection_enabled")
        : known(value === "true");
    }
    case "clamav-on-access":
      return anyRunning(activity, ["clamonacc"], ["clamav-clamonacc", "clamonacc"]);
    case "unknown":
      return unknown(`the collector cannot read whether ${agent.product} scans on access`);
  }
}

function signatureDate(
  agent: EdrAgent,
  mdatp: ProbeOutput | undefined,
  clamav: ProbeOutput | undefined,
  hostNow: number | undefined,
): Fact<string> {
  switch (agent.signatures) {
    case "none":
      return unknown(`${agent.product} keeps no signature date the collector can read`);
    case "mdatp-health": {
      if (mdatp?.rc !== 0) return unknown(probeFailure(mdatp, "mdatp health"));
      const minutes = count(parseMdatpHealth(mdatp.stdout).get("definitions_updated_minutes_ago"));
      if (minutes === undefined || hostNow === undefined)
        return unknown("mdatp health has no definitions_updated_minutes_ago");
      return known(
        new Date((hostNow - minutes * 60) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      );
    }
    case "clamav-database": {
      if (clamav?.rc !== 0) return unknown(probeFailure(clamav, "the ClamAV database folder"));
      const newest = Math.max(0, ...lines(clamav.stdout).map((l) => count(l.split(" ")[0]) ?? 0));
      if (newest === 0) return unknown("no ClamAV signature database (.cvd/.cld) was found");
      return known(new Date(newest * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"));
    }
  }
}

/** The agent in charge, or `none` when nothing from the catalog is on the host. */
export function parseEndpointProtection(
  catalog: EdrCatalog,
  probes: {
    readonly packages: Fact<readonly InstalledPackage[]>;
    readonly activity: Activity;
    readonly mdatp: ProbeOutput | undefined;
    readonly clamav: ProbeOutput | undefined;
    readonly hostNow: number | undefined;
  },
): Fact<ProtectionFacts | "none"> {
  const { packages, activity } = probes;
  const found = catalog.agents
    .filter((a) => installed(a, packages, activity))
    .map((agent) => ({
      agent,
      running: anyRunning(activity, agent.processes ?? [], agent.services ?? []),
    }));
  const chosen = found.find((f) => f.running.known && f.running.value) ?? found[0];
  if (!chosen) {
    if (!packages.known) return packages;
    return activity.processes.known ? known("none") : activity.processes;
  }
  return known({
    product: chosen.agent.product,
    running: chosen.running,
    realTimeProtection: realTime(chosen.agent, chosen.running, probes.mdatp, activity),
    signatureDate: signatureDate(chosen.agent, probes.mdatp, probes.clamav, probes.hostNow),
  });
}
