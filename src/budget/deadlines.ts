/**
 * The deadlines of the next twelve months: warranty ends, license expiries, contract renewal
 * notice dates and OS ends of support, each with what it concerns and where that comes from.
 */
import { addMonths } from "./fiscal-year.js";
import type { ContractRegister } from "./contracts.js";
import type { LicenseLine } from "./renewals.js";
import { TOWN_WIDE } from "./renewals.js";
import type { FleetMachine } from "./replacements.js";
import type { Deadline } from "./report-model.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Months ahead the calendar looks. */
export const CALENDAR_MONTHS = 12;

/** Every deadline from `today` to twelve months later, both days included, in date order. */
export function deadlines(
  today: string,
  fleet: readonly FleetMachine[],
  licenses: { readonly file: string; readonly entries: readonly LicenseLine[] } | undefined,
  contracts: ContractRegister | undefined,
): Deadline[] {
  const until = addMonths(today, CALENDAR_MONTHS);
  const inWindow = (day: string | undefined): day is string =>
    day !== undefined && DATE.test(day) && day >= today && day <= until;
  const found: Deadline[] = [];
  const active = fleet.filter((m) => m.machine.lifecycle.status === "active");
  for (const { machine, file } of active) {
    const end = machine.hardware?.warrantyEnd;
    if (inWindow(end))
      found.push({
        date: end,
        kind: "warranty-end",
        title: `Warranty ends: ${machine.hostname} (${machine.hardware?.model ?? machine.role})`,
        department: machine.department,
        subjects: [machine.hostname],
        source: file,
      });
  }
  // One deadline per OS release and day, naming every machine that runs it.
  const byRelease = new Map<string, { date: string; os: string; machines: FleetMachine[] }>();
  for (const m of active) {
    if (!inWindow(m.osEndOfSupport)) continue;
    const os = `${m.machine.os.name} ${m.machine.os.version}`;
    const key = `${m.osEndOfSupport}\u0000${os}`;
    const group = byRelease.get(key) ?? { date: m.osEndOfSupport, os, machines: [] };
    group.machines.push(m);
    byRelease.set(key, group);
  }
  for (const { date, os, machines } of byRelease.values()) {
    const departments = [...new Set(machines.map((m) => m.machine.department))].sort();
    found.push({
      date,
      kind: "os-end-of-support",
      title: `End of support: ${os} (${machines.length} machine${machines.length === 1 ? "" : "s"})`,
      department: departments.length === 1 ? departments[0]! : TOWN_WIDE,
      subjects: machines.map((m) => m.machine.hostname).sort(),
      source: "policies/data/os-lifecycle.yaml",
    });
  }
  for (const l of licenses?.entries ?? [])
    if (inWindow(l.expires))
      found.push({
        date: l.expires,
        kind: "license-expiry",
        title: `License expires: ${l.product} (${l.seats} seat${l.seats === 1 ? "" : "s"})`,
        department: l.department ?? TOWN_WIDE,
        subjects: [l.product],
        source: `${licenses!.file} line ${l.line}`,
      });
  for (const c of contracts?.contracts ?? [])
    if (inWindow(c.noticeBy))
      found.push({
        date: c.noticeBy,
        kind: "contract-notice",
        title: `Renewal notice due: ${c.vendor}, ${c.service} (term ends ${c.end})`,
        department: c.department,
        subjects: [c.service],
        source: `${contracts!.file} line ${c.line}`,
        ...(c.performanceNotes ? { notes: c.performanceNotes } : {}),
      });
  return found.sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      a.kind.localeCompare(b.kind) ||
      a.title.localeCompare(b.title),
  );
}
