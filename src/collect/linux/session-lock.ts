/**
 * Idle lock on Linux servers: the shell's TMOUT set system-wide (no TMOUT means sessions never
 * time out). A desktop's screen lock lives in per-user GNOME/KDE settings the collector does not
 * read, so workstations and laptops stay unknown.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import type { Role } from "../../machine-config/schema.js";
import { count, lines } from "./key-values.js";

/** Idle lock in seconds for a machine of this role. */
export function parseIdleLock(tmout: ProbeOutput | undefined, role: Role): Fact<number> {
  if (role === "workstation" || role === "laptop")
    return unknown("the desktop's idle lock (GNOME/KDE settings) is not collected on Linux");
  if (tmout?.rc !== 0) return unknown(probeFailure(tmout, "TMOUT"));
  const values = lines(tmout.stdout)
    .map((l) => count(/TMOUT=["']?(\d+)/.exec(l)?.[1]))
    .filter((n): n is number => n !== undefined && n > 0);
  return known(values.length === 0 ? 0 : Math.min(...values));
}
