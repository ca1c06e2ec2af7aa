/** Reading a CSV export (a register kept in a spreadsheet or ITAM tool), every problem located. */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { InputError } from "../support/errors.js";
import type { InputProblem } from "./input-problem.js";

/** One data row: every asked-for column by its canonical name ("" when empty or absent). */
export interface CsvRow<C extends string> {
  readonly row: Readonly<Record<C, string>>;
  /** 1-based line of the row in the file (the last line of a quoted multi-line row). */
  readonly line: number;
  /** Whether the file has this optional column at all. */
  readonly has: (column: C) => boolean;
}

/**
 * Parses a CSV export with the given required and optional columns; header names match
 * case-insensitively and a byte-order mark is ignored. A file that cannot be read, is not CSV or
 * lacks a required column is an InputError naming the file (and line 1 for the header).
 */
export async function readCsv<R extends string, O extends string = never>(
  file: string,
  required: readonly R[],
  optional: readonly O[] = [],
): Promise<CsvRow<R | O>[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError([{ file, pointer: "", message: `cannot be read: ${code}` }]);
  }
  return parseCsv(text, file, required, optional);
}

/** The same, from text already read. */
export function parseCsv<R extends string, O extends string = never>(
  text: string,
  file: string,
  required: readonly R[],
  optional: readonly O[] = [],
): CsvRow<R | O>[] {
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
    const problem: InputProblem = {
      file,
      pointer: "",
      line: 1,
      message: `lacks the column(s) ${missing.join(", ")} (expected: ${required.join(", ")})`,
    };
    throw new InputError([problem]);
  }
  const wanted: readonly (R | O)[] = [...required, ...optional];
  const present = new Set(wanted.filter((c) => columns.includes(c.toLowerCase())));
  const has = (column: R | O) => present.has(column);
  // Each column's place is found once, not once per row: a register may have a row per machine.
  const places = wanted.map((c) => columns.indexOf(c.toLowerCase()));
  return body.map(({ record, info }) => {
    const row = {} as Record<R | O, string>;
    for (let k = 0; k < wanted.length; k++) {
      const i = places[k]!;
      row[wanted[k]!] = i < 0 ? "" : (record[i] ?? "");
    }
    return { line: info.lines, has, row };
  });
}

/**
 * An amount of money in whole cents from a register cell: "1234", "1,234.50", "$1,234.5".
 * Undefined for anything else (a negative amount, text, more than two decimals).
 */
export function parseCents(cell: string): number | undefined {
  const m = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(cell.trim());
  if (!m) return undefined;
  const whole = Number(m[1]!.replace(/,/g, ""));
  const cents = Number((m[2] ?? "").padEnd(2, "0"));
  const total = whole * 100 + cents;
  return Number.isSafeInteger(total) ? total : undefined;
}
