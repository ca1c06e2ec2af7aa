/** The town's license and asset registers, as exported to CSV from a spreadsheet or ITAM tool. */
import type { InputProblem } from "../evaluation/result.js";
import { parseCents, readCsv } from "../../documents/read-csv.js";

export interface LicenseEntry {
  readonly product: string;
  readonly publisher: string;
  readonly seats: number;
  readonly licenseType: string;
  /** Last day the license is valid; absent for perpetual licenses. */
  readonly expires?: string;
  readonly reference: string;
  /** Price per seat per year, in cents (optional "Unit Cost" column). */
  readonly unitCostCents?: number;
  /** Price of the whole entry per year, in cents (optional "Annual Cost" column). */
  readonly annualCostCents?: number;
  /** Department that pays for it (optional "Department" column). */
  readonly department?: string;
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

const LICENSE_COLUMNS = [
  "Product",
  "Publisher",
  "Seats",
  "License Type",
  "Expires",
  "Reference",
] as const;
/** Optional columns a register may add; older registers without them still load. */
const LICENSE_COST_COLUMNS = ["Unit Cost", "Annual Cost", "Department"] as const;
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

/**
 * How an asset tag or serial number is matched: letter case and spaces aside. Host names are
 * renamed and reused; tags and serials stay with the hardware. "unknown" matches nothing.
 */
export function assetKey(value: string): string | undefined {
  const k = value.trim().toLowerCase();
  return k === "" || k === "unknown" ? undefined : k;
}

/** Loads the license register. Rows it cannot use are problems, not silently dropped licenses. */
export async function loadLicenseRegister(
  file: string,
): Promise<{ register: LicenseRegister; problems: InputProblem[] }> {
  const rows = await readCsv(file, LICENSE_COLUMNS, LICENSE_COST_COLUMNS);
  const problems: InputProblem[] = [];
  const entries: LicenseEntry[] = [];
  for (const { row, line } of rows) {
    const seats = Number(row.Seats);
    const expires = row.Expires;
    const unit = costCell(row["Unit Cost"]);
    const annual = costCell(row["Annual Cost"]);
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
    else if (unit === null)
      problems.push({ file, line, pointer: "/Unit Cost", message: costMessage(row["Unit Cost"]) });
    else if (annual === null)
      problems.push({
        file,
        line,
        pointer: "/Annual Cost",
        message: costMessage(row["Annual Cost"]),
      });
    else
      entries.push({
        product: row.Product,
        publisher: row.Publisher,
        seats,
        licenseType: row["License Type"],
        ...(expires ? { expires } : {}),
        reference: row.Reference,
        ...(unit === undefined ? {} : { unitCostCents: unit }),
        ...(annual === undefined ? {} : { annualCostCents: annual }),
        ...(row.Department ? { department: row.Department } : {}),
        line,
      });
  }
  return { register: { file, entries }, problems };
}

/** An optional cost cell: undefined when empty, null when it is not an amount. */
function costCell(cell: string): number | undefined | null {
  if (cell === "") return undefined;
  return parseCents(cell) ?? null;
}

function costMessage(cell: string): string {
  return `must be an amount such as 1234.50 or empty, found "${cell}"`;
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
  // A repeated tag would let the lifecycle controls match whichever row came first.
  const byTag = new Map<string, AssetEntry>();
  for (const { row, line } of rows) {
    const status = normaliseStatus(row.Status);
    const purchase = row["Purchase Date"];
    const tag = assetKey(row["Asset Tag"]);
    const first = tag === undefined ? undefined : byTag.get(tag);
    if (!row["Asset Tag"])
      problems.push({ file, line, pointer: "/Asset Tag", message: "is empty" });
    else if (first !== undefined)
      problems.push({
        file,
        line,
        pointer: "/Asset Tag",
        message: `"${row["Asset Tag"]}" repeats the asset tag of line ${first.line} (${first.assetTag}); each asset needs its own`,
      });
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
    else {
      const entry: AssetEntry = {
        assetTag: row["Asset Tag"],
        serialNumber: row["Serial Number"],
        hostname: row.Hostname,
        department: row.Department,
        site: row.Site,
        model: row.Model,
        ...(purchase ? { purchaseDate: purchase } : {}),
        status,
        line,
      };
      entries.push(entry);
      if (tag !== undefined) byTag.set(tag, entry);
    }
  }
  return { register: { file, entries }, problems };
}
