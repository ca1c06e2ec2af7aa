/**
 * File integrity monitoring: AIDE or Tripwire with its database initialised and a scheduled check
 * (cron job or systemd timer), or a Wazuh or osquery agent running (it keeps its own baseline and
 * schedule).
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { anyRunning, type Activity } from "./activity.js";
import { lines } from "./key-values.js";
import { packageNames, type InstalledPackage } from "./packages.js";

/** The monitor, or "none" when no monitor is installed. */
export type FileIntegrity =
  | {
      readonly product: string;
      readonly databaseInitialised: Fact<boolean>;
      readonly scheduled: Fact<boolean>;
    }
  | "none";

/** Reads the file-integrity probe with the installed packages and what runs. */
export function parseFileIntegrity(
  output: ProbeOutput | undefined,
  packages: Fact<readonly InstalledPackage[]>,
  activity: Activity,
): Fact<FileIntegrity> {
  if (!packages.known) return unknown(`installed packages are unknown: ${packages.reason}`);
  const installed = packageNames(packages.value);
  const agent = (["wazuh-agent", "osquery"] as const).find((p) => installed.has(p));
  if (agent) {
    const running =
      agent === "wazuh-agent"
        ? anyRunning(activity, ["wazuh-syscheckd", "ossec-syscheckd"], ["wazuh-agent"])
        : anyRunning(activity, ["osqueryd"], ["osqueryd"]);
    return known({
      product: agent === "wazuh-agent" ? "Wazuh" : "osquery",
      databaseInitialised: running,
      scheduled: running,
    });
  }
  const product = installed.has("aide")
    ? "AIDE"
    : installed.has("tripwire")
      ? "Tripwire"
      : undefined;
  if (product === undefined) return known("none");
  if (output?.rc !== 0) {
    const reason = probeFailure(output, "file integrity database");
    return known({ product, databaseInitialised: unknown(reason), scheduled: unknown(reason) });
  }
  const rows = lines(output.stdout);
  const tool = product === "AIDE" ? /aide/ : /tripwire/;
  const database = rows.some((r) => r.startsWith("database ") && tool.test(r));
  const cron = rows.some((r) => r.startsWith("cron "));
  const timer = rows.some((r) => /^timer \S+ enabled/.test(r));
  return known({ product, databaseInitialised: known(database), scheduled: known(cron || timer) });
}
