/**
 * Time synchronisation: chrony's tracking state, or the kernel's synchronised flag as timedatectl
 * reports it (systemd-timesyncd, ntpd); with neither readable, no running time daemon means false.
 */
import { known, unknown, type Fact } from "../fact.js";
import type { ProbeOutput } from "../probe-output.js";
import { anyRunning, type Activity } from "./activity.js";
import { keyValues, lines } from "./key-values.js";

/** Time synchronisation as the machine config records it. */
export interface TimeSync {
  readonly enabled: boolean;
  readonly source?: string;
}

const TIME_DAEMONS = ["chronyd", "ntpd", "systemd-timesyncd", "openntpd", "ntpsec"];

function fromChrony(o: ProbeOutput | undefined): TimeSync | undefined {
  if (o === undefined || o.rc === 127) return undefined;
  if (o.rc !== 0) return { enabled: false }; // chronyc installed, chronyd not answering
  const leap = /^Leap status\s*:\s*(.+)$/m.exec(o.stdout)?.[1]?.trim();
  const selected = lines(o.stdout).find((l) => l.startsWith("^*"));
  const server = selected?.split(/\s+/)[1];
  const ref = /^Reference ID\s*:\s*\S+\s*\(([^)]+)\)/m.exec(o.stdout)?.[1];
  const source = server ?? ref;
  return {
    enabled: leap !== undefined && leap !== "Not synchronised",
    ...(source ? { source: `chrony: ${source}` } : {}),
  };
}

function fromTimedatectl(o: ProbeOutput | undefined): TimeSync | undefined {
  if (o?.rc !== 0) return undefined;
  const values = keyValues(o.stdout);
  const synced = values.get("NTPSynchronized");
  if (synced === undefined) return undefined;
  const server = values.get("ServerName");
  return {
    enabled: synced === "yes",
    ...(server ? { source: `systemd-timesyncd: ${server}` } : {}),
  };
}

/** Whether the clock is synchronised, and from where. */
export function parseTimeSync(
  chrony: ProbeOutput | undefined,
  timedatectl: ProbeOutput | undefined,
  activity: Activity,
): Fact<TimeSync> {
  const c = fromChrony(chrony);
  const t = fromTimedatectl(timedatectl);
  if (c?.enabled) return known(c);
  if (t?.enabled) return known(c?.source && !t.source ? { ...t, source: c.source } : t);
  if (c || t) return known({ enabled: false, ...(c?.source ? { source: c.source } : {}) });
  const daemon = anyRunning(activity, TIME_DAEMONS, TIME_DAEMONS);
  if (!daemon.known) return daemon;
  return daemon.value
    ? unknown("a time daemon runs, but neither chronyc nor timedatectl could report its state")
    : known({ enabled: false });
}
