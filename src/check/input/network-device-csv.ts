/**
 * Network devices exported as CSV from a device manager or a spreadsheet: one device a row, under
 * a documented header set, turned into the machine configs the hand-written YAML would give.
 * Each cell keeps its column, so a problem names the file, the row's line and the column.
 */
import type { InputProblem } from "../evaluation/result.js";
import { parseCsv, type CsvRow } from "../../documents/read-csv.js";
import { InputError } from "../../support/errors.js";

/** Columns every row must have (the cell may say `unknown` where the machine config allows it). */
export const REQUIRED_COLUMNS = [
  "hostname",
  "assetTag",
  "serialNumber",
  "macAddresses",
  "ipAddresses",
  "department",
  "site",
  "kind",
  "osName",
  "osVersion",
  "defaultCredentialsChanged",
  "managementProtocols",
  "firmwareVersion",
  "firmwareReleaseDate",
  "vendorEndOfSupport",
  "lifecycleStatus",
  "collectedAt",
] as const;

/** Columns a file may leave out; an empty cell leaves the field out. */
export const OPTIONAL_COLUMNS = [
  "ipAssignment",
  "owner",
  "manufacturer",
  "model",
  "purchaseDate",
  "warrantyEnd",
  "room",
  "securedRoom",
  "ups",
  "osFamily",
  "timeSyncEnabled",
  "timeSyncSource",
  "logonBanner",
  "collector",
] as const;

type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

/** One row made into a machine-config object, not yet validated, with where each field came from. */
export interface DeviceRow {
  readonly value: Record<string, unknown>;
  /** 1-based number of the data row (the header is row 0). */
  readonly row: number;
  readonly line: number;
  /** Machine-config JSON pointer → the column it was read from. */
  readonly columns: ReadonlyMap<string, Column>;
}

const BOOLEAN: Readonly<Record<string, boolean | "unknown">> = {
  yes: true,
  true: true,
  no: false,
  false: false,
  unknown: "unknown",
};

/** Where each column goes in the machine config. */
const POINTER: Readonly<Record<Column, string>> = {
  hostname: "/hostname",
  assetTag: "/assetTag",
  serialNumber: "/serialNumber",
  macAddresses: "/macAddresses",
  ipAddresses: "/ipAddresses",
  ipAssignment: "/ipAssignment",
  department: "/department",
  site: "/site",
  owner: "/owner",
  kind: "/networkDevice/kind",
  manufacturer: "/hardware/manufacturer",
  model: "/hardware/model",
  purchaseDate: "/hardware/purchaseDate",
  warrantyEnd: "/hardware/warrantyEnd",
  room: "/hardware/location/room",
  securedRoom: "/hardware/location/securedRoom",
  ups: "/hardware/location/ups",
  osFamily: "/os/family",
  osName: "/os/name",
  osVersion: "/os/version",
  timeSyncEnabled: "/security/timeSync/enabled",
  timeSyncSource: "/security/timeSync/source",
  logonBanner: "/security/logonBanner",
  defaultCredentialsChanged: "/networkDevice/defaultCredentialsChanged",
  managementProtocols: "/networkDevice/managementProtocols",
  firmwareVersion: "/networkDevice/firmware/version",
  firmwareReleaseDate: "/networkDevice/firmware/releaseDate",
  vendorEndOfSupport: "/networkDevice/vendorEndOfSupport",
  lifecycleStatus: "/lifecycle/status",
  collectedAt: "/collectedAt",
  collector: "/collector/name",
};

const LISTS = new Set<Column>(["macAddresses", "ipAddresses", "managementProtocols"]);
const FLAGS = new Set<Column>([
  "securedRoom",
  "ups",
  "timeSyncEnabled",
  "logonBanner",
  "defaultCredentialsChanged",
]);

function put(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const keys = pointer.slice(1).split("/");
  let at = target;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[keys.at(-1)!] = value;
}

/** A cell as the machine config has it, or what was expected of it. */
function convert(column: Column, cell: string): { value: unknown } | { expected: string } {
  if (LISTS.has(column)) {
    if (cell.toLowerCase() === "unknown") return { value: "unknown" };
    return { value: cell.split(/[;,\s]+/).filter((item) => item !== "") };
  }
  if (FLAGS.has(column)) {
    const flag = BOOLEAN[cell.toLowerCase()];
    return flag === undefined ? { expected: "yes, no or unknown" } : { value: flag };
  }
  return { value: cell };
}

/**
 * The rows of a CSV export in order: each a device to validate, or the problems of its cells.
 * A file that cannot be parsed or lacks a required column gives its problems and no rows.
 */
export function deviceRows(
  text: string,
  file: string,
): readonly (DeviceRow | { readonly problems: readonly InputProblem[] })[] {
  let rows: CsvRow<Column>[];
  try {
    rows = parseCsv(text, file, REQUIRED_COLUMNS, OPTIONAL_COLUMNS);
  } catch (error) {
    if (error instanceof InputError) return [{ problems: error.problems }];
    throw error;
  }
  return rows.map(({ row: cells, line }, index) => {
    const row = index + 1;
    const value: Record<string, unknown> = {
      role: "network-device",
      os: { family: "embedded" },
      networkDevice: { firmware: {} },
      lifecycle: {},
    };
    const columns = new Map<string, Column>();
    const problems: InputProblem[] = [];
    const problem = (column: Column, message: string) =>
      problems.push({
        file,
        line,
        pointer: POINTER[column],
        message: `row ${row}, column ${column}: ${message}`,
      });
    for (const column of [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]) {
      const cell = cells[column];
      columns.set(POINTER[column], column);
      if (cell === "") {
        if ((REQUIRED_COLUMNS as readonly string[]).includes(column))
          problem(column, "is empty, expected a value (unknown where the field allows it)");
        continue;
      }
      const converted = convert(column, cell);
      if ("expected" in converted)
        problem(column, `is ${JSON.stringify(cell)}, expected ${converted.expected}`);
      else put(value, POINTER[column], converted.value);
    }
    return problems.length > 0 ? { problems } : { value, row, line, columns };
  });
}

/**
 * A schema problem of a device row, located by the column its pointer came from: the longest
 * column pointer that is the problem's pointer or a parent of it.
 */
export function locateInRow(problem: InputProblem, row: DeviceRow): InputProblem {
  let best: [string, Column] | undefined;
  for (const [pointer, column] of row.columns) {
    const covers = problem.pointer === pointer || problem.pointer.startsWith(`${pointer}/`);
    if (covers && (best === undefined || pointer.length > best[0].length)) best = [pointer, column];
  }
  const where = best === undefined ? `row ${row.row}` : `row ${row.row}, column ${best[1]}`;
  return { ...problem, line: row.line, message: `${where}: ${problem.message}` };
}
