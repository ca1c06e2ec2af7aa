/**
 * The ledger's SQLite index (`<ledger>/index.sqlite`): the entries' figures in tables the queries
 * join, rebuildable from entries.jsonl at any time. Opening it catches up with the entries
 * appended since; when the line it last indexed is no longer there with the same seq and hash
 * (the ledger was rewritten) or the day zone changed, it rebuilds and says why.
 */
import Database from "better-sqlite3";
import { closeSync, existsSync, fstatSync, openSync, readSync, rmSync } from "node:fs";
import path from "node:path";
import { InputError } from "../support/errors.js";
import { dayOf, type DayZone } from "./days.js";
import type { LedgerEntry } from "./entry.js";
import { ENTRY_KINDS } from "./entry.js";
import { ledgerFiles } from "./ledger.js";
import type {
  CheckEntryMetrics,
  DrillEntryMetrics,
  GroupScore,
  InfraPlanEntryMetrics,
  MetricsByKind,
} from "./metrics.js";

/** Bumped when the tables change; an index of another version is rebuilt. */
const SCHEMA_VERSION = "2";

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL, day TEXT NOT NULL,
  subject TEXT NOT NULL, verdict TEXT NOT NULL, run TEXT, hash TEXT NOT NULL);
CREATE INDEX entries_kind_day ON entries (kind, day);
CREATE TABLE check_days (
  seq INTEGER PRIMARY KEY, day TEXT NOT NULL, score REAL NOT NULL, machines INTEGER NOT NULL,
  pass INTEGER NOT NULL, fail INTEGER NOT NULL, waived INTEGER NOT NULL,
  not_applicable INTEGER NOT NULL, error INTEGER NOT NULL, gate_passed INTEGER NOT NULL);
CREATE INDEX check_days_day ON check_days (day, seq);
CREATE TABLE check_groups (
  seq INTEGER NOT NULL, dimension TEXT NOT NULL, name TEXT NOT NULL, score REAL NOT NULL,
  machines INTEGER NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (seq, dimension, name)) WITHOUT ROWID;
CREATE TABLE failing (
  seq INTEGER NOT NULL, day TEXT NOT NULL, control TEXT NOT NULL, machine TEXT NOT NULL,
  department TEXT NOT NULL, site TEXT NOT NULL, PRIMARY KEY (seq, control, machine)) WITHOUT ROWID;
CREATE INDEX failing_control ON failing (control, seq);
CREATE TABLE drills (
  seq INTEGER PRIMARY KEY, day TEXT NOT NULL, at TEXT NOT NULL, runbook TEXT NOT NULL,
  run_id TEXT NOT NULL, scenario TEXT NOT NULL, verdict TEXT NOT NULL,
  rto_target REAL, rto_achieved REAL, rto_met INTEGER,
  rpo_target REAL, rpo_achieved REAL, rpo_met INTEGER,
  verified_files INTEGER NOT NULL, verified_bytes INTEGER NOT NULL, failed_at TEXT,
  reasons TEXT NOT NULL);
CREATE INDEX drills_runbook ON drills (runbook, seq);
CREATE INDEX drills_day ON drills (day, seq);
CREATE TABLE drill_systems (
  seq INTEGER NOT NULL, system TEXT NOT NULL, PRIMARY KEY (system, seq)) WITHOUT ROWID;
CREATE TABLE infra_plans (
  seq INTEGER PRIMARY KEY, day TEXT NOT NULL, stack TEXT NOT NULL, verdict TEXT NOT NULL,
  resources INTEGER NOT NULL, mandatory INTEGER NOT NULL, advisory INTEGER NOT NULL,
  monthly_cost_usd REAL);
CREATE TABLE entry_frameworks (
  seq INTEGER NOT NULL, framework TEXT NOT NULL, safeguard TEXT NOT NULL,
  PRIMARY KEY (framework, safeguard, seq)) WITHOUT ROWID;
`;

/** What opening the index did. */
export interface IndexReport {
  /** Entries indexed by this opening (all of them after a rebuild). */
  readonly added: number;
  /** Why it was rebuilt from scratch, when it was. */
  readonly rebuilt?: string;
  readonly lastSeq: number;
  readonly elapsedMs: number;
}

export interface IndexOptions {
  /** The workspace's time zone; days are UTC days without one. */
  readonly timeZone?: string;
  /** Drop the index and build it again from the ledger (`evidence reindex`). */
  readonly rebuild?: boolean;
}

/** An open index: the database, the zone its days are in, and what opening it did. */
export interface EvidenceIndex {
  readonly db: Database.Database;
  readonly ledger: string;
  readonly zone: DayZone;
  readonly report: IndexReport;
  close(): void;
}

/** The index file of a ledger folder. */
export function indexFile(ledger: string): string {
  return path.join(ledger, "index.sqlite");
}

interface Position {
  readonly seq: number;
  readonly hash: string;
  /** Byte offsets of the last indexed line: where it starts and where the next one starts. */
  readonly start: number;
  readonly end: number;
}

function readMeta(db: Database.Database): Map<string, string> {
  const rows = db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[];
  return new Map(rows.map((r) => [r.key, r.value]));
}

/** Reads `length` bytes at `offset`, or undefined past the end of the file. */
function readAt(fd: number, offset: number, length: number): Buffer | undefined {
  const buffer = Buffer.allocUnsafe(length);
  const n = readSync(fd, buffer, 0, length, offset);
  return n === length ? buffer : undefined;
}

/** Why the stored position no longer matches the ledger, or undefined when it does. */
function staleReason(fd: number, size: number, at: Position): string | undefined {
  const rewritten = `the ledger was rewritten: entry ${at.seq} is no longer the one indexed (hash ${at.hash.slice(0, 12)}…)`;
  if (size < at.end) return rewritten;
  const line = readAt(fd, at.start, at.end - at.start);
  if (line === undefined || line[line.length - 1] !== 0x0a) return rewritten;
  try {
    const entry = JSON.parse(line.toString("utf8")) as Partial<LedgerEntry>;
    return entry.seq === at.seq && entry.hash === at.hash ? undefined : rewritten;
  } catch {
    return rewritten;
  }
}

const CHUNK = 4 << 20;

/** Each complete line of `file` from byte `from`, with its byte range and line number. */
function* linesFrom(
  fd: number,
  size: number,
  from: number,
): Generator<{ text: string; start: number; end: number }> {
  let offset = from;
  let carry = Buffer.alloc(0);
  let carryStart = from;
  while (offset < size) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, size - offset));
    const n = readSync(fd, chunk, 0, chunk.length, offset);
    if (n === 0) break;
    offset += n;
    const data =
      carry.length === 0 ? chunk.subarray(0, n) : Buffer.concat([carry, chunk.subarray(0, n)]);
    let lineStart = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, lineStart)) {
      yield {
        text: data.toString("utf8", lineStart, nl),
        start: carryStart + lineStart,
        end: carryStart + nl + 1,
      };
      lineStart = nl + 1;
    }
    carry = Buffer.from(data.subarray(lineStart));
    carryStart += lineStart;
  }
  // A last line without its newline is an append in progress or a truncation: `evidence verify`
  // names it; the index holds complete entries only.
}

type Statements = ReturnType<typeof prepare>;

function prepare(db: Database.Database) {
  return {
    entry: db.prepare(
      "INSERT INTO entries (seq, kind, at, day, subject, verdict, run, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    framework: db.prepare(
      "INSERT OR IGNORE INTO entry_frameworks (seq, framework, safeguard) VALUES (?, ?, ?)",
    ),
    checkDay: db.prepare(
      "INSERT INTO check_days (seq, day, score, machines, pass, fail, waived, not_applicable, error, gate_passed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    group: db.prepare(
      "INSERT OR REPLACE INTO check_groups (seq, dimension, name, score, machines, failures) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    failing: db.prepare(
      "INSERT OR IGNORE INTO failing (seq, day, control, machine, department, site) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    drill: db.prepare(
      `INSERT INTO drills (seq, day, at, runbook, run_id, scenario, verdict, rto_target, rto_achieved, rto_met,
        rpo_target, rpo_achieved, rpo_met, verified_files, verified_bytes, failed_at, reasons)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    system: db.prepare("INSERT OR IGNORE INTO drill_systems (seq, system) VALUES (?, ?)"),
    plan: db.prepare(
      "INSERT INTO infra_plans (seq, day, stack, verdict, resources, mandatory, advisory, monthly_cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    meta: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"),
  };
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const bool = (v: unknown): number | null => (typeof v === "boolean" ? Number(v) : null);

/** Stores each kind's figures; the table forces a handler for every kind. */
const KIND_ROWS: {
  readonly [K in keyof MetricsByKind]: (
    s: Statements,
    e: LedgerEntry,
    day: string,
    m: MetricsByKind[K],
  ) => void;
} = {
  check(s, e, day, m: CheckEntryMetrics) {
    const c = m.counts;
    s.checkDay.run(
      e.seq,
      day,
      m.score,
      m.machines,
      c.pass,
      c.fail,
      c.waived,
      c["not-applicable"],
      c.error,
      Number(m.gatePassed),
    );
    const groups = (dimension: string, byName: Readonly<Record<string, GroupScore>>) => {
      for (const [name, g] of Object.entries(byName ?? {}))
        s.group.run(e.seq, dimension, name, g.score, g.machines, g.failures);
    };
    groups("department", m.byDepartment);
    groups("site", m.bySite);
    for (const [machine, f] of Object.entries(m.failingMachines ?? {}))
      for (const control of f.controls)
        s.failing.run(e.seq, day, control, machine, f.department, f.site);
  },
  collect() {
    // Which hosts answered is in the entries table's verdict; no query asks more.
  },
  drill(s, e, day, m: DrillEntryMetrics) {
    s.drill.run(
      e.seq,
      day,
      e.at,
      e.subject,
      m.runId,
      m.scenario,
      e.verdict,
      num(m.rto?.targetSeconds),
      num(m.rto?.achievedSeconds),
      bool(m.rto?.met),
      num(m.rpo?.targetSeconds),
      num(m.rpo?.achievedSeconds),
      bool(m.rpo?.met),
      m.verified?.files ?? 0,
      m.verified?.bytes ?? 0,
      m.failedAt ?? null,
      JSON.stringify(m.reasons ?? []),
    );
    for (const system of m.systems ?? []) s.system.run(e.seq, system);
  },
  "infra-plan"(s, e, day, m: InfraPlanEntryMetrics) {
    s.plan.run(
      e.seq,
      day,
      e.subject,
      e.verdict,
      m.resources,
      m.violations.mandatory,
      m.violations.advisory,
      num(m.monthlyCostUsd),
    );
  },
  run() {
    // The run's stages and exit code stay in the ledger; its checks and drills have their own entries.
  },
};

function indexEntry(s: Statements, e: LedgerEntry, day: string): void {
  s.entry.run(e.seq, e.kind, e.at, day, e.subject, e.verdict, e.run ?? null, e.hash);
  for (const safeguard of e.frameworks?.cis ?? []) s.framework.run(e.seq, "cis", safeguard);
  for (const safeguard of e.frameworks?.csf ?? []) s.framework.run(e.seq, "csf", safeguard);
  const rows = KIND_ROWS[e.kind] as (s: Statements, e: LedgerEntry, d: string, m: unknown) => void;
  rows(s, e, day, e.metrics);
}

/** The problem with one line of entries.jsonl, located by line number. */
function lineProblem(file: string, line: number, message: string): InputError {
  return new InputError([{ file, line, pointer: "", message }]);
}

function parseEntry(file: string, line: number, text: string, expectedSeq: number): LedgerEntry {
  let entry: LedgerEntry;
  try {
    entry = JSON.parse(text) as LedgerEntry;
  } catch {
    throw lineProblem(file, line, "is not JSON: run stronghold evidence verify");
  }
  if (entry.seq !== expectedSeq)
    throw lineProblem(
      file,
      line,
      `has seq ${String(entry.seq)} where ${expectedSeq} was expected: run stronghold evidence verify`,
    );
  if (!(ENTRY_KINDS as readonly string[]).includes(entry.kind))
    throw lineProblem(file, line, `has an unknown kind ${JSON.stringify(entry.kind)}`);
  if (typeof entry.metrics !== "object" || entry.metrics === null)
    throw lineProblem(file, line, "has no metrics object");
  return entry;
}

/**
 * Opens (creating or catching up) the index of the ledger in `ledger`. Entries appended since the
 * last opening are indexed in one transaction; a rewritten ledger, another zone or another
 * schema version rebuilds it.
 */
export function openIndex(ledger: string, options: IndexOptions = {}): EvidenceIndex {
  const started = performance.now();
  const zone = options.timeZone ?? "UTC";
  const file = indexFile(ledger);
  const entriesFile = ledgerFiles(ledger).entries;
  if (!existsSync(entriesFile))
    throw new InputError([
      {
        file: entriesFile,
        pointer: "",
        message:
          "does not exist: no evidence has been recorded in this ledger yet (stronghold run and check append to it)",
      },
    ]);

  let rebuilt: string | undefined = options.rebuild ? "asked to rebuild" : undefined;
  let db = new Database(file);
  let meta = new Map<string, string>();
  try {
    if (tablesExist(db)) meta = readMeta(db);
  } catch {
    rebuilt ??= "the index file was unreadable";
  }
  if (rebuilt === undefined && meta.size > 0) {
    if (meta.get("schema") !== SCHEMA_VERSION) rebuilt = "the index was made by another version";
    else if (meta.get("zone") !== zone)
      rebuilt = `days were counted in ${meta.get("zone")}, now in ${zone}`;
  }

  const fd = openSync(entriesFile, "r");
  try {
    const size = fstatSync(fd).size;
    let at: Position | undefined =
      meta.size > 0 && meta.has("seq")
        ? {
            seq: Number(meta.get("seq")),
            hash: meta.get("hash")!,
            start: Number(meta.get("start")),
            end: Number(meta.get("end")),
          }
        : undefined;
    if (rebuilt === undefined && at !== undefined) rebuilt = staleReason(fd, size, at);
    if (rebuilt !== undefined) {
      db.close();
      for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
      db = new Database(file);
      meta = new Map();
      at = undefined;
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Two processes may open the index at once (a query during the nightly run): each writes
    // inside BEGIN IMMEDIATE and reads the position there, so the second indexes only what the
    // first has not.
    db.transaction(() => {
      db.exec(
        SCHEMA.replaceAll("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ").replaceAll(
          "CREATE INDEX ",
          "CREATE INDEX IF NOT EXISTS ",
        ),
      );
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?), ('zone', ?)").run(
        SCHEMA_VERSION,
        zone,
      );
    }).immediate();
    const s = prepare(db);
    let added = 0;
    let lastSeq = 0;
    const catchUp = db.transaction(() => {
      const current = readMeta(db);
      lastSeq = current.has("seq") ? Number(current.get("seq")) : 0;
      const from = current.has("end") ? Number(current.get("end")) : 0;
      // Line numbers for messages: entry n is on line n.
      let lineNo = lastSeq;
      let last: Position | undefined;
      for (const { text, start, end } of linesFrom(fd, size, from)) {
        lineNo += 1;
        if (text.trim() === "") throw lineProblem(entriesFile, lineNo, "is empty");
        const entry = parseEntry(entriesFile, lineNo, text, lastSeq + 1);
        const day = dayOf(entry.at, zone);
        if (day === undefined)
          throw lineProblem(entriesFile, lineNo, `has at ${JSON.stringify(entry.at)}, not a time`);
        indexEntry(s, entry, day);
        lastSeq = entry.seq;
        last = { seq: entry.seq, hash: entry.hash, start, end };
        added += 1;
      }
      if (last !== undefined) {
        s.meta.run("seq", String(last.seq));
        s.meta.run("hash", last.hash);
        s.meta.run("start", String(last.start));
        s.meta.run("end", String(last.end));
      }
    });
    try {
      catchUp.immediate();
    } catch (error) {
      db.close();
      throw error;
    }
    const report: IndexReport = {
      added,
      lastSeq,
      elapsedMs: performance.now() - started,
      ...(rebuilt === undefined ? {} : { rebuilt }),
    };
    const opened = db;
    return { db: opened, ledger, zone, report, close: () => opened.close() };
  } finally {
    closeSync(fd);
  }
}

function tablesExist(db: Database.Database): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !==
    undefined
  );
}
