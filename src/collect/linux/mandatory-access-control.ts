/** Mandatory access control: AppArmor (enabled, profiles per mode) or SELinux (getenforce). */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

/** Which system runs, in which mode, and AppArmor's profile counts. */
export interface MandatoryAccessControl {
  readonly system: "apparmor" | "selinux" | "none";
  readonly mode: "enforcing" | "permissive" | "disabled";
  readonly enforcedProfiles?: number;
  readonly complainProfiles?: number;
}

/** Reads the mac probe: `apparmor=Y`, `profile NAME (MODE)` lines, `selinux=Enforcing`. */
export function parseMandatoryAccessControl(
  output: ProbeOutput | undefined,
): Fact<MandatoryAccessControl> {
  if (output?.rc !== 0) return unknown(probeFailure(output, "AppArmor and SELinux status"));
  let apparmor = false;
  let unreadable = false;
  let enforced = 0;
  let complain = 0;
  let selinux: string | undefined;
  for (const line of lines(output.stdout)) {
    if (line === "apparmor=Y") apparmor = true;
    else if (line === "profiles!unreadable") unreadable = true;
    else if (line.startsWith("profile ")) {
      // "/usr/sbin/cupsd (enforce)", "snap.lxd.lxc (complain)"; kill mode enforces too.
      const mode = /\((\w+)\)\s*$/.exec(line)?.[1];
      if (mode === "enforce" || mode === "kill") enforced++;
      else if (mode === "complain") complain++;
    } else if (line.startsWith("selinux=")) selinux = line.slice(8).trim().toLowerCase();
    else if (line.startsWith("selinux-enforce="))
      selinux = line.slice(16).trim() === "1" ? "enforcing" : "permissive";
  }
  if (selinux === "enforcing" || selinux === "permissive")
    return known({ system: "selinux", mode: selinux });
  if (apparmor) {
    if (unreadable)
      return unknown("AppArmor is on, but its profile list needs root: rerun with --sudo");
    return known({
      system: "apparmor",
      mode: enforced > 0 ? "enforcing" : complain > 0 ? "permissive" : "disabled",
      enforcedProfiles: enforced,
      complainProfiles: complain,
    });
  }
  return known({ system: "none", mode: "disabled" });
}
