/** Shared inputs of the budget tests: settings, a machine per case, registers written to disk. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MachineConfig } from "../../src/machine-config/schema.js";
import { parseFiscalYearStart } from "../../src/budget/fiscal-year.js";
import type { ForecastSettings } from "../../src/budget/plan.js";
import type { FleetMachine } from "../../src/budget/replacements.js";
import { compliantMachine, type DeepPartial } from "../fixtures/machine-factory.js";

/** 20 November 2026: fiscal year 2027 (1 July start); the forecast covers FY2028 to FY2032. */
export const BUDGET_AT = new Date("2026-11-20T12:00:00Z");

export function settings(overrides: Partial<ForecastSettings> = {}): ForecastSettings {
  return {
    at: BUDGET_AT,
    fiscalYearStart: parseFiscalYearStart("07-01"),
    years: 5,
    inflation: 0,
    refreshYears: { workstation: 3, laptop: 3, kiosk: 5, server: 5, "network-device": 7 },
    ...overrides,
  };
}

/** A workstation bought on `purchaseDate`, with the given changes. */
export function machineBought(
  purchaseDate: string,
  overrides: DeepPartial<MachineConfig> = {},
  osEndOfSupport?: string,
): FleetMachine {
  const machine = compliantMachine({
    ...overrides,
    hardware: { ...overrides.hardware, purchaseDate },
  });
  return {
    machine,
    file: `machines/${machine.hostname}.yaml`,
    ...(osEndOfSupport === undefined ? {} : { osEndOfSupport }),
  };
}

/** A temporary folder for register files, removed after each test. */
export function tempFolder(): { file: (name: string, text?: string) => Promise<string> } {
  let dir = "";
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-budget-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));
  return {
    file: async (name, text) => {
      const file = path.join(dir, name);
      if (text !== undefined) await writeFile(file, text);
      return file;
    },
  };
}
