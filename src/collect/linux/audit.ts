/** Security audit logging: the kernel audit subsystem enabled (auditctl -s), or auditd running. */
import { known, type Fact } from "../fact.js";
import type { ProbeOutput } from "../probe-output.js";
import { anyRunning, type Activity } from "./activity.js";

/** Whether security audit logging is on. */
export function parseAuditLogging(
  auditctl: ProbeOutput | undefined,
  activity: Activity,
): Fact<boolean> {
  if (auditctl?.rc === 0) {
    const enabled = /^enabled\s+(\d)/m.exec(auditctl.stdout)?.[1];
    if (enabled !== undefined) return known(enabled !== "0");
  }
  return anyRunning(activity, ["auditd"], ["auditd"]);
}
