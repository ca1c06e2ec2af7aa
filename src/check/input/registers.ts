/** The town's license and asset registers, as exported to CSV from a spreadsheet or ITAM tool. */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import type { InputProblem } from "../evaluation/result.js";
import { InputError } from "../../support/errors.js";

export interface LicenseEntry {
  readonly product: string;
  readonly publisher: string;
  readonly seats: number;
  readonly licenseType: string;
  /** Last day the license is valid; absent for perpetual licenses. */
  readonly expires?: string;
  readonly reference: string;
  readonly line: number;
}
export interface LicenseRegister {
  readonly file: string;
  readonly entries: readonly LicenseEntry[];
}

export interface AssetEntry {
  readonly assetTag: string;
  readonly serialNumber: string;
  readonly hostname: string;
  readonly department: string;
  readonly site: string;
  readonly model: string;
  readonly purchaseDate?: string;
  /** in-service | spare | disposed | lost, normalised from the register's wording. */
  readonly status: string;
  readonly line: number;
}
export interface AssetRegister {
  readonly file: string;
  readonly entries: readonly AssetEntry[];
}

type Row = Record<string, string>;

/** Parses a CSV export with the given required columns; header names match case-insensitively. */
async function readCsv(
  file: string,
  required: readonly string[],
): Promise<{ row: Row; line: number }[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError([{ file, pointer: "", message: `cannot be read: ${code}` }]);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), {
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new InputError([
      { file, pointer: "", message: `is not valid CSV: ${(error as Error).message}` },
    ]);
  }
  const [header, ...body] = records;
  if (!header)
    throw new InputError([{ file, pointer: "", message: "is empty, expected a header row" }]);
  const columns = header.record.map((c) => c.toLowerCase());
  const missing = required.filter((c) => !columns.includes(c.toLowerCase()));
  if (missing.length > 0) {
    throw new InputError([
      {
        file,
        pointer: "",
        line: 1,
        message: `lacks the column(s) ${missing.join(", ")} (expected: ${required.join(", ")})`,
      },
    ]);
  }
  const rows = body.map(({ record, info }) => ({
    line: info.lines,
    row: Object.fromEntries(
      required.map((c) => [c, record[columns.indexOf(c.toLowerCase())] ?? ""]),
    ),
  }));
  return rows;
}

const LICENSE_COLUMNS = [
  "Product",
  "Publisher",
  "Seats",
  "License Type",
  "Expires",
  "Reference",
] as const;
const ASSET_COLUMNS = [
  "Asset Tag",
  "Serial Number",
  "Hostname",
  "Department",
  "Site",
  "Model",
  "Purchase Date",
  "Status",
] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Loads the license register. Rows it cannot use are problems, not silently dropped licenses. */
export async function loadLicenseRegister(
  file: string,
): Promise<{ register: LicenseRegister; problems: InputProblem[] }> {
  const rows = await readCsv(file, LICENSE_COLUMNS);
  const problems: InputProblem[] = [];
  const entries: LicenseEntry[] = [];
  for (const { row, line } of rows) {
    const seats = Number(row.Seats);
    const expires = row.Expires ?? "";
    if (!row.Product) problems.push({ file, line, pointer: "/Product", message: "is empty" });
    else if (!Number.isInteger(seats) || seats < 0)
      problems.push({
        file,
        line,
        pointer: "/Seats",
        message: `must be a whole number, found "${row.Seats}"`,
      });
    else if (expires !== "" && !DATE.test(expires))
      problems.push({
        file,
        line,
        pointer: "/Expires",
        message: `must be YYYY-MM-DD or empty, found "${expires}"`,
      });
    else
      entries.push({
        product: row.Product,
        publisher: row.Publisher ?? "",
        seats,
        licenseType: row["License Type"] ?? "",
        ...(expires ? { expires } : {}),
        reference: row.Reference ?? "",
        line,
      });
  }
  return { register: { file, entries }, problems };
}

/** Register wording varies ("In Service", "in-service", "Active"): normalise to a few states. */
function normaliseStatus(status: string): string {
  const s = status.toLowerCase().replace(/[^a-z]/g, "");
  if (["inservice", "active", "deployed", "inuse"].includes(s)) return "in-service";
  if (["spare", "instock", "storage"].includes(s)) return "spare";
  if (["pendingdisposal", "retiring", "todispose"].includes(s)) return "pending-disposal";
  if (["disposed", "retired", "recycled", "destroyed"].includes(s)) return "disposed";
  if (["lost", "stolen", "missing"].includes(s)) return "lost";
  return "";
}

/** Loads the asset register; each row needs an asset tag and a status it can understand. */
export async function loadAssetRegister(
  file: string,
): Promise<{ register: AssetRegister; problems: InputProblem[] }> {
  const rows = await readCsv(file, ASSET_COLUMNS);
  const problems: InputProblem[] = [];
  const entries: AssetEntry[] = [];
  for (const { row, line } of rows) {
    const status = normaliseStatus(row.Status ?? "");
    const purchase = row["Purchase Date"] ?? "";
    if (!row["Asset Tag"])
      problems.push({ file, line, pointer: "/Asset Tag", message: "is empty" });
    else if (status === "")
      problems.push({
        file,
        line,
        pointer: "/Status",
        message: `"${row.Status}" is not a known status (In Service, Spare, Pending Disposal, Disposed, Lost)`,
      });
    else if (purchase !== "" && !DATE.test(purchase))
      problems.push({
        file,
        line,
        pointer: "/Purchase Date",
        message: `must be YYYY-MM-DD or empty, found "${purchase}"`,
      });
    else
      entries.push({
        assetTag: row["Asset Tag"],
        serialNumber: row["Serial Number"] ?? "",
        hostname: row.Hostname ?? "",
        department: row.Department ?? "",
        site: row.Site ?? "",
        model: row.Model ?? "",
        ...(purchase ? { purchaseDate: purchase } : {}),
        status,
        line,
      });
  }
  return { register: { file, entries }, problems };
}
