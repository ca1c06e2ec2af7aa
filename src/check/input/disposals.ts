/**
 * The disposal register (CSV): one NIST SP 800-88 sanitisation record per asset that left the
 * town, appended by `stronghold dispose` and read by the lifecycle controls.
 */
import { createHash } from "node:crypto";
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { WIPE_METHODS } from "../../machine-config/schema.js";
import { parseCsv, readCsv } from "../../documents/read-csv.js";
import type { InputProblem } from "../evaluation/result.js";
import { InputError } from "../../support/errors.js";
import { isCalendarDay } from "../../support/calendar-day.js";

export type WipeMethod = (typeof WIPE_METHODS)[number];

/** One usable row of the disposal register. */
export interface DisposalRecord {
  readonly assetTag: string;
  readonly method: WipeMethod;
  /** The day the media were sanitised, YYYY-MM-DD. */
  readonly wipedAt: string;
  readonly performedBy: string;
  readonly witness: string;
  /** The certificate of sanitisation or destruction, and the SHA-256 of the file when recorded. */
  readonly certificate: string;
  readonly certificateSha256: string;
  readonly line: number;
}

/** The usable rows of the disposal register. */
export interface DisposalRegister {
  readonly file: string;
  readonly records: readonly DisposalRecord[];
}

/** The columns, in the order `stronghold dispose` writes them. */
export const DISPOSAL_COLUMNS = [
  "Asset Tag",
  "Method",
  "Wiped At",
  "Performed By",
  "Witness",
  "Certificate",
  "Certificate SHA-256",
] as const;

function isMethod(value: string): value is WipeMethod {
  return (WIPE_METHODS as readonly string[]).includes(value);
}

/** Loads the register; each unusable row is a located problem naming its column. */
export async function loadDisposalRegister(
  file: string,
): Promise<{ register: DisposalRegister; problems: InputProblem[] }> {
  return fromRows(file, await readCsv(file, DISPOSAL_COLUMNS));
}

/** How a disposal record is matched to its asset: the asset tag, letter case aside. */
export function disposalKey(assetTag: string): string {
  return assetTag.toLowerCase();
}

function fromRows(
  file: string,
  rows: Awaited<ReturnType<typeof readCsv<(typeof DISPOSAL_COLUMNS)[number]>>>,
): { register: DisposalRegister; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const records: DisposalRecord[] = [];
  // Two records for one asset would leave the wipe control judging whichever came first.
  const byTag = new Map<string, DisposalRecord>();
  for (const { row, line } of rows) {
    const found: InputProblem[] = [];
    const problem = (column: string, message: string) =>
      found.push({ file, line, pointer: `/${column}`, message });
    for (const column of ["Asset Tag", "Performed By", "Witness", "Certificate"] as const)
      if (row[column] === "") problem(column, "is empty");
    const method = row.Method.toLowerCase();
    if (!isMethod(method))
      problem("Method", `"${row.Method}" is not a NIST SP 800-88 method: clear, purge or destroy`);
    if (!isCalendarDay(row["Wiped At"]))
      problem("Wiped At", `must be a date YYYY-MM-DD, found "${row["Wiped At"]}"`);
    const first = byTag.get(disposalKey(row["Asset Tag"]));
    if (first !== undefined)
      problem(
        "Asset Tag",
        `records the disposal of ${first.assetTag} again (line ${first.line}: ${first.method}, ${first.wipedAt}); keep the one right row`,
      );
    if (found.length > 0 || !isMethod(method)) {
      problems.push(...found);
      continue;
    }
    const record: DisposalRecord = {
      assetTag: row["Asset Tag"],
      method,
      wipedAt: row["Wiped At"],
      performedBy: row["Performed By"],
      witness: row.Witness,
      certificate: row.Certificate,
      certificateSha256: row["Certificate SHA-256"],
      line,
    };
    records.push(record);
    byTag.set(disposalKey(record.assetTag), record);
  }
  return { register: { file, records }, problems };
}

/** RFC 4180 field; formula-looking text gets an apostrophe, as in every CSV Stronghold writes. */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** What `stronghold dispose` records. */
export interface NewDisposal {
  readonly assetTag: string;
  readonly method: WipeMethod;
  readonly wipedAt: string;
  readonly performedBy: string;
  readonly witness: string;
  /** Path of the certificate file; it must exist, and its SHA-256 is recorded with it. */
  readonly certificateFile: string;
}

/**
 * Appends one record to the register, creating it with its header when missing. A register that
 * is not a disposal register, or already has a record for the asset, is refused unchanged.
 */
export function appendDisposal(file: string, disposal: NewDisposal): DisposalRecord {
  let certificate: Buffer;
  try {
    certificate = readFileSync(disposal.certificateFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError([
      { file: disposal.certificateFile, pointer: "", message: `cannot be read: ${code}` },
    ]);
  }
  const sha256 = createHash("sha256").update(certificate).digest("hex");
  let line = 2;
  let existing: string | undefined;
  if (existsSync(file)) {
    existing = readFileSync(file, "utf8");
    const { register, problems } = fromRows(file, parseCsv(existing, file, DISPOSAL_COLUMNS));
    if (problems.length > 0) throw new InputError(problems);
    const previous = register.records.find(
      (r) => disposalKey(r.assetTag) === disposalKey(disposal.assetTag),
    );
    if (previous !== undefined)
      throw new InputError([
        {
          file,
          line: previous.line,
          pointer: "/Asset Tag",
          message: `already records the disposal of ${previous.assetTag} (${previous.method}, ${previous.wipedAt}); correct that row instead`,
        },
      ]);
    line = (existing.match(/\n/g) ?? []).length + (existing.endsWith("\n") ? 1 : 2);
  }
  const record: DisposalRecord = {
    assetTag: disposal.assetTag,
    method: disposal.method,
    wipedAt: disposal.wipedAt,
    performedBy: disposal.performedBy,
    witness: disposal.witness,
    certificate: disposal.certificateFile,
    certificateSha256: sha256,
    line,
  };
  const row = [
    record.assetTag,
    record.method,
    record.wipedAt,
    record.performedBy,
    record.witness,
    record.certificate,
    record.certificateSha256,
  ];
  const text = row.map(field).join(",") + "\n";
  if (existing === undefined) {
    // The header and the first record land together: no reader sees a register without a record.
    const fd = openSync(file, "wx", 0o644);
    try {
      writeSync(fd, DISPOSAL_COLUMNS.map(field).join(",") + "\n" + text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } else {
    appendFileSync(file, (existing.length > 0 && !existing.endsWith("\n") ? "\n" : "") + text);
  }
  return record;
}
