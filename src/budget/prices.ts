/** The town's price list (prices.csv): what replacing a machine of a class or model costs today. */
import { parseCents, readCsv } from "../documents/read-csv.js";
import type { InputProblem } from "../documents/input-problem.js";
import { ROLES, type Role } from "../machine-config/schema.js";

/** What replacing one machine costs, in cents of the day the list was made. */
export interface Price {
  /** Unit, install and disposal cost in cents, in dollars of the day the list was made. */
  readonly unitCents: number;
  readonly installCents: number;
  readonly disposalCents: number;
  /** Where the price comes from: "prices.csv line 4". */
  readonly source: string;
}

/** The usable rows of prices.csv, by model and by class. */
export interface PriceList {
  readonly file: string;
  /** By lower-cased model name. */
  readonly byModel: ReadonlyMap<string, Price>;
  readonly byClass: ReadonlyMap<Role, Price>;
}

/** The columns prices.csv must have, then those it may have. */
export const PRICE_COLUMNS = ["Class", "Model", "Unit Cost"] as const;
export const PRICE_OPTIONAL_COLUMNS = ["Install Cost", "Disposal Cost"] as const;

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Loads prices.csv; rows it cannot use are located problems, never a price of zero. */
export async function loadPriceList(
  file: string,
): Promise<{ prices: PriceList; problems: InputProblem[] }> {
  const rows = await readCsv(file, PRICE_COLUMNS, PRICE_OPTIONAL_COLUMNS);
  const problems: InputProblem[] = [];
  const byModel = new Map<string, Price>();
  const byClass = new Map<Role, Price>();
  for (const { row, line } of rows) {
    const problem = (column: string, message: string) =>
      problems.push({ file, line, pointer: `/${column}`, message });
    const role = row.Class.toLowerCase();
    const model = row.Model;
    const cost = (column: "Unit Cost" | "Install Cost" | "Disposal Cost", optional: boolean) => {
      const cell = row[column];
      if (cell === "" && optional) return 0;
      const cents = parseCents(cell);
      if (cents === undefined)
        problem(
          column,
          `must be an amount such as 1234.50${optional ? " or empty" : ""}, found "${cell}"`,
        );
      return cents;
    };
    if (role === "" && model === "") {
      problem("Class", "and Model are both empty: a price is for a class or a model");
      continue;
    }
    if (role !== "" && !isRole(role)) {
      problem("Class", `"${row.Class}" is not a class: expected one of ${ROLES.join(", ")}`);
      continue;
    }
    const unit = cost("Unit Cost", false);
    const install = cost("Install Cost", true);
    const disposal = cost("Disposal Cost", true);
    if (unit === undefined || install === undefined || disposal === undefined) continue;
    const price = {
      unitCents: unit,
      installCents: install,
      disposalCents: disposal,
      source: `${file} line ${line}`,
    };
    const key = model.toLowerCase();
    const repeated = model !== "" ? byModel.has(key) : isRole(role) ? byClass.has(role) : false;
    if (repeated) {
      problem(model !== "" ? "Model" : "Class", `repeats the price of "${model || role}"`);
      continue;
    }
    if (model !== "") byModel.set(key, price);
    else if (isRole(role)) byClass.set(role, price);
  }
  return { prices: { file, byModel, byClass }, problems };
}

/** The model's price, else its class's; undefined when the list has neither. */
export function priceFor(
  prices: PriceList | undefined,
  role: Role,
  model: string | undefined,
): Price | undefined {
  if (prices === undefined) return undefined;
  const byModel = model === undefined ? undefined : prices.byModel.get(model.toLowerCase());
  return byModel ?? prices.byClass.get(role);
}

/** Unit plus install plus disposal. */
export function totalCents(price: Price): number {
  return price.unitCents + price.installCents + price.disposalCents;
}
