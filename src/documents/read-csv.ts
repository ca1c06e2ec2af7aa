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

/** How every CSV export is read: cells trimmed, rows of any length (a short row reads as empty). */
const CSV_OPTIONS = { trim: true, relax_column_count: true } as const;

/** The records of a CSV text and, at the same index, the 1-based line each ends on. */
export interface CsvRecords {
  readonly records: readonly string[][];
  readonly lines: ArrayLike<number>;
}

/** How many times `part` occurs in `text`. */
function occurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length))
    count += 1;
  return count;
}

/**
 * A text in which no record can span lines and every line break is the same: no quote (only a
 * quoted cell holds a line break), and line feeds only or CR LF only (csv-parse counts a stray
 * carriage return as a line of its own).
 */
function oneRecordPerLine(text: string): boolean {
  if (text.includes('"')) return false;
  const crs = occurrences(text, "\r");
  return crs === 0 || (crs === occurrences(text, "\n") && crs === occurrences(text, "\r\n"));
}

/**
 * The records of a text where no record can span lines (oneRecordPerLine): a record per line, its
 * cells split at commas and trimmed, as csv-parse reads such a text (its `trim` is
 * String.prototype.trim's), empty lines (a single empty cell once trimmed) dropped as
 * `skip_empty_lines` drops them. csv-parse's byte loop took most of the time of a 100,000-row
 * register; the property test in read-csv.test.ts holds this to csv-parse's own answers.
 * Each cell is decoded from the bytes on its own, as csv-parse's are: a part of the text would
 * share the whole text's memory in V8, so one host name a register keeps would keep the file.
 */
function recordsByLine(text: string): CsvRecords {
  const bytes = Buffer.from(text, "utf8");
  const cellOf = (from: number, to: number) => bytes.toString("utf8", from, to).trim();
  const records: string[][] = [];
  const lines: number[] = [];
  let line = 1;
  let start = 0;
  // The next comma at or after `start`: each comma and line feed is searched for once.
  let comma = bytes.indexOf(0x2c);
  for (;;) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    const cells: string[] = [];
    for (; comma !== -1 && comma < end; comma = bytes.indexOf(0x2c, start)) {
      cells.push(cellOf(start, comma));
      start = comma + 1;
    }
    // The carriage return of a CR LF line is white space the trim removes.
    cells.push(cellOf(start, end));
    if (cells.length > 1 || cells[0] !== "") {
      records.push(cells);
      lines.push(line);
    }
    if (end === bytes.length) break;
    line += 1;
    start = end + 1;
  }
  return { records, lines };
}

/**
 * The records of a CSV text, each with the line it ends on, empty lines skipped; throws
 * csv-parse's error for a text that is not CSV. csv-parse tells a record's line only in an `info`
 * object it copies for every record, so a text where no record can span lines is split by line
 * instead (recordsByLine); others are parsed with `info`.
 */
export function csvRecords(text: string): CsvRecords {
  if (oneRecordPerLine(text)) return recordsByLine(text);
  const parsed = parse(text, { ...CSV_OPTIONS, skip_empty_lines: true, info: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  return { records: parsed.map((r) => r.record), lines: parsed.map((r) => r.info.lines) };
}

/** The same, from text already read. */
export function parseCsv<R extends string, O extends string = never>(
  text: string,
  file: string,
  required: readonly R[],
  optional: readonly O[] = [],
): CsvRow<R | O>[] {
  let parsed: CsvRecords;
  try {
    parsed = csvRecords(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new InputError([
      { file, pointer: "", message: `is not valid CSV: ${(error as Error).message}` },
    ]);
  }
  const { records, lines } = parsed;
  const header = records[0];
  if (!header)
    throw new InputError([{ file, pointer: "", message: "is empty, expected a header row" }]);
  const columns = header.map((c) => c.toLowerCase());
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
  const rows: CsvRow<R | O>[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const row = {} as Record<R | O, string>;
    for (let k = 0; k < wanted.length; k++) {
      const i = places[k]!;
      row[wanted[k]!] = i < 0 ? "" : (record[i] ?? "");
    }
    rows.push({ line: lines[r]!, has, row });
  }
  return rows;
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
