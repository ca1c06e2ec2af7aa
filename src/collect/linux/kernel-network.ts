/** Live values of the kernel's IPv4 network hardening settings, read from /proc/sys. */
import { NETWORK_SYSCTLS } from "../../machine-config/schema.js";
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { count, lines } from "./key-values.js";

/** One judged sysctl key. */
export type NetworkSysctl = (typeof NETWORK_SYSCTLS)[number];

/** Each key's value; a key the kernel lacks (a module not loaded) is left out. */
export type KernelNetwork = Partial<Record<NetworkSysctl, number>>;

/** Reads `KEY=VALUE` and `KEY!absent` lines; unknown when a key printed something else. */
export function parseKernelNetwork(output: ProbeOutput | undefined): Fact<KernelNetwork> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "/proc/sys/net"));
  const values: KernelNetwork = {};
  const seen = new Set<string>();
  for (const line of lines(output.stdout)) {
    const absent = /^([\w.]+)!absent$/.exec(line);
    if (absent) {
      seen.add(absent[1]!);
      continue;
    }
    const at = line.indexOf("=");
    const key = line.slice(0, at) as NetworkSysctl;
    if (at <= 0 || !NETWORK_SYSCTLS.includes(key)) continue;
    const value = count(line.slice(at + 1));
    if (value === undefined) return unknown(`${key} is not a number: ${line.slice(at + 1)}`);
    values[key] = value;
    seen.add(key);
  }
  const missing = NETWORK_SYSCTLS.filter((k) => !seen.has(k));
  if (missing.length > 0) return unknown(`no value printed for ${missing.join(", ")}`);
  return known(values);
}
