/**
 * Protection against a root shell from the keyboard: a GRUB superuser with a password (so boot
 * entries cannot be edited to add init=/bin/sh), and rescue and emergency mode starting sulogin.
 */
import { known, unknown, type Fact } from "../fact.js";
import { probeFailure, type ProbeOutput } from "../probe-output.js";
import { lines } from "./key-values.js";

export interface BootProtection {
  readonly bootloaderPassword: Fact<boolean>;
  readonly rescueRequiresPassword: Fact<boolean>;
}

/** Reads `@grub FILE` sections of grub.cfg lines and `unit NAME ExecStart=…` lines. */
export function parseBootProtection(output: ProbeOutput | undefined): BootProtection {
  if (output?.rc !== 0) {
    const reason = probeFailure(output, "grub.cfg and the rescue units");
    return { bootloaderPassword: unknown(reason), rescueRequiresPassword: unknown(reason) };
  }
  let grub = false;
  let superusers = false;
  let password = false;
  // The last ExecStart per unit wins: drop-ins and /etc come after the packaged file.
  const execStart = new Map<string, string>();
  for (const line of lines(output.stdout)) {
    if (line.startsWith("@grub ")) grub = true;
    else if (/^\s*set\s+superusers=\S/.test(line)) superusers = true;
    else if (/^\s*password(_pbkdf2)?\s+\S+\s+\S+/.test(line)) password = true;
    const unit = /^unit (\S+) ExecStart=(.*)$/.exec(line);
    if (unit) execStart.set(unit[1]!, unit[2]!.trim());
  }
  const units = ["rescue", "emergency"];
  const missing = units.filter((u) => !execStart.has(u));
  return {
    bootloaderPassword: grub
      ? known(superusers && password)
      : unknown("no GRUB configuration found (another boot loader, or a container)"),
    rescueRequiresPassword:
      missing.length > 0
        ? unknown(`no ExecStart found for ${missing.map((u) => `${u}.service`).join(", ")}`)
        : known(units.every((u) => /sulogin/.test(execStart.get(u)!))),
  };
}
