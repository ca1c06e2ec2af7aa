/**
 * The contracts register (contracts.csv): support and service contracts with their annual cost,
 * term, and how many days before the end the town must give notice to renew or leave.
 */
import { parseCents, readCsv } from "../documents/read-csv.js";
import type { InputProblem } from "../documents/input-problem.js";
import { addDays } from "./fiscal-year.js";
import { isCalendarDay } from "../support/calendar-day.js";

/** One row of contracts.csv, validated. */
export interface Contract {
  readonly vendor: string;
  readonly service: string;
  readonly annualCents: number;
  /** First and last day of the current term, YYYY-MM-DD. */
  readonly start: string;
  readonly end: string;
  readonly noticeDays: number;
  /** The last day to give notice: `end` minus `noticeDays`. */
  readonly noticeBy: string;
  readonly department: string;
  readonly performanceNotes: string;
  readonly line: number;
}

/** The rows of contracts.csv that could be used. */
export interface ContractRegister {
  readonly file: string;
  readonly contracts: readonly Contract[];
}

/** The columns contracts.csv must have; Performance Notes is optional. */
export const CONTRACT_COLUMNS = [
  "Vendor",
  "Service",
  "Annual Cost",
  "Start",
  "End",
  "Renewal Notice Days",
  "Owner Department",
] as const;
const OPTIONAL = ["Performance Notes"] as const;

/** Loads contracts.csv; each unusable row is a located problem naming its column. */
export async function loadContracts(
  file: string,
): Promise<{ register: ContractRegister; problems: InputProblem[] }> {
  const rows = await readCsv(file, CONTRACT_COLUMNS, OPTIONAL);
  const problems: InputProblem[] = [];
  const contracts: Contract[] = [];
  for (const { row, line } of rows) {
    const found: InputProblem[] = [];
    const problem = (column: string, message: string) =>
      found.push({ file, line, pointer: `/${column}`, message });
    if (row.Vendor === "") problem("Vendor", "is empty");
    if (row.Service === "") problem("Service", "is empty");
    if (row["Owner Department"] === "") problem("Owner Department", "is empty");
    const annual = parseCents(row["Annual Cost"]);
    if (annual === undefined)
      problem("Annual Cost", `must be an amount such as 1234.50, found "${row["Annual Cost"]}"`);
    for (const column of ["Start", "End"] as const)
      if (!isCalendarDay(row[column]))
        problem(column, `must be a date YYYY-MM-DD, found "${row[column]}"`);
    if (isCalendarDay(row.Start) && isCalendarDay(row.End) && row.End < row.Start)
      problem("End", `${row.End} is before the start ${row.Start}`);
    const notice = Number(row["Renewal Notice Days"]);
    const noticeOk = /^\d+$/.test(row["Renewal Notice Days"]) && notice <= 3650;
    if (!noticeOk)
      problem(
        "Renewal Notice Days",
        `must be a whole number of days (0 to 3650), found "${row["Renewal Notice Days"]}"`,
      );
    if (found.length > 0 || annual === undefined) {
      problems.push(...found);
      continue;
    }
    contracts.push({
      vendor: row.Vendor,
      service: row.Service,
      annualCents: annual,
      start: row.Start,
      end: row.End,
      noticeDays: notice,
      noticeBy: addDays(row.End, -notice),
      department: row["Owner Department"],
      performanceNotes: row["Performance Notes"],
      line,
    });
  }
  return { register: { file, contracts }, problems };
}
