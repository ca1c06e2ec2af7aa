/**
 * Hardware replacements: a machine falls due when it leaves its class's refresh cycle (the day
 * lcm-hardware-age starts failing it: older than refresh years × 365 days), when its OS leaves
 * support and the hardware cannot run the release that follows, or, for a server, when its
 * warranty ends, whichever comes first. The replacement starts a new cycle.
 */
import type { MachineConfig } from "../machine-config/schema.js";
import { addDays, fiscalYearOf } from "./fiscal-year.js";
import { hardwareVerdict, type OsHardwareMinimums } from "./os-hardware.js";
import type { ForecastSettings, Horizon, PlannedLine, Unscheduled } from "./plan.js";
import { priceFor, totalCents, type PriceList } from "./prices.js";
import type { Reason } from "./report-model.js";

/** A machine with its OS's end of support, looked up in policies/data/os-lifecycle.yaml. */
export interface FleetMachine {
  readonly machine: MachineConfig;
  /** The machine file it came from. */
  readonly file: string;
  /** Last day of security updates for its OS release; undefined when the release is not listed. */
  readonly osEndOfSupport?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function known(value: string | undefined): string | undefined {
  return value !== undefined && DATE.test(value) ? value : undefined;
}

interface Candidate {
  readonly due: string;
  readonly reason: Reason;
  readonly detail: string;
}

function osText(machine: MachineConfig): string {
  return `${machine.os.name} ${machine.os.version}`;
}

/** Every replacement of the fleet inside the horizon, and the machines it cannot place. */
export function planReplacements(
  fleet: readonly FleetMachine[],
  minimums: OsHardwareMinimums,
  prices: PriceList | undefined,
  settings: ForecastSettings,
  horizon: Horizon,
): { lines: PlannedLine[]; unscheduled: Unscheduled[] } {
  const lines: PlannedLine[] = [];
  const unscheduled: Unscheduled[] = [];
  const first = horizon.years[0]!;
  const last = horizon.years[horizon.years.length - 1]!;
  const start = settings.fiscalYearStart;
  for (const { machine, file, osEndOfSupport } of fleet) {
    if (machine.lifecycle.status !== "active") continue;
    const subject = machine.hostname;
    const department = machine.department;
    const years = settings.refreshYears[machine.role];
    const purchase = known(machine.hardware?.purchaseDate);
    const skip = (reason: string) =>
      unscheduled.push({ subject, department, source: file, reason });
    if (years === undefined) {
      skip(
        `no refresh cycle for class ${machine.role} in the lifecycle baseline (lcm-hardware-age)`,
      );
      continue;
    }
    const cycleDays = years * 365;
    // Without a purchase date the refresh age is not counted; warranty and OS support still are.
    const candidates: Candidate[] =
      purchase === undefined
        ? []
        : [
            {
              due: addDays(purchase, cycleDays + 1),
              reason: "refresh-age",
              detail: `${years}-year refresh cycle for ${machine.role} (bought ${purchase})`,
            },
          ];
    const warranty = known(machine.hardware?.warrantyEnd);
    if (machine.role === "server" && warranty !== undefined)
      candidates.push({
        due: addDays(warranty, 1),
        reason: "warranty-end",
        detail: `server warranty ends ${warranty}`,
      });
    // Notes about the OS matter only while the machine is still in service when support ends.
    const notes: { note: string; until?: string }[] = [];
    let notAfter: string | undefined;
    if (osEndOfSupport === undefined) {
      notes.push({ note: `${osText(machine)} is not in the OS end-of-support table` });
    } else {
      const verdict = hardwareVerdict(machine, minimums);
      const eos = `${osText(machine)} support ends ${osEndOfSupport}`;
      switch (verdict.kind) {
        case "falls-short":
          notAfter = osEndOfSupport;
          candidates.push({
            due: addDays(osEndOfSupport, 1),
            reason: "os-end-of-support",
            detail: `${eos}; it cannot run ${verdict.successor}: ${verdict.reasons.join(", ")}`,
          });
          break;
        case "unknown":
          notAfter = osEndOfSupport;
          notes.push({
            note: `${eos}; whether it can run ${verdict.successor} is unknown (${verdict.unknown.join(", ")} unknown)`,
            until: osEndOfSupport,
          });
          break;
        case "no-minimum":
          notAfter = osEndOfSupport;
          notes.push({
            note: `${eos}; no minimum hardware is recorded for the release after it`,
            until: osEndOfSupport,
          });
          break;
        case "meets":
          break;
      }
    }
    if (candidates.length === 0) {
      skip("purchase date unknown (hardware.purchaseDate): cannot tell when it falls due");
      continue;
    }
    if (purchase === undefined)
      notes.push({
        note: "purchase date unknown (hardware.purchaseDate): refresh age not counted",
      });
    const chosen = candidates.reduce((a, b) => (b.due < a.due ? b : a));
    const model = machine.hardware?.model;
    const modelName = model !== undefined && model !== "unknown" ? model : undefined;
    const relevant = notes.filter((n) => n.until === undefined || n.until < chosen.due);
    const detail = [chosen.detail, ...relevant.map((n) => n.note)].join("; ");
    let due = chosen.due;
    let cycle = 1;
    while (due <= last.end) {
      const late = due < first.start;
      const fiscalYear = late ? first.year : fiscalYearOf(due, start);
      const price = priceFor(prices, machine.role, cycle === 1 ? modelName : undefined);
      lines.push({
        kind: "replacement",
        category: "capital",
        fiscalYear,
        department,
        subject,
        item: cycle === 1 ? (modelName ?? machine.role) : `${machine.role} (next cycle)`,
        due,
        reason: cycle === 1 ? chosen.reason : "refresh-age",
        detail:
          cycle === 1
            ? `${detail}${late ? `; due ${due}, before ${first.label}` : ""}`
            : `its replacement reaches the ${years}-year refresh cycle`,
        baseCents: price === undefined ? undefined : totalCents(price),
        late,
        source: file,
        ...(price === undefined ? {} : { priceSource: price.source }),
        ...(cycle === 1 && notAfter !== undefined ? { notAfter } : {}),
        movable: cycle === 1,
      });
      // The replacement is bought when due (or at the start of the first year when late).
      due = addDays(late ? first.start : due, cycleDays + 1);
      cycle += 1;
    }
  }
  return { lines, unscheduled };
}
