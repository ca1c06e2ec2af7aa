/**
 * Records of files kept on disk, not in memory. A drill on a share of 10^6 files holds three sets
 * of them (the manifest before the disaster, the snapshot's record, the manifest of the recovered
 * share), each hundreds of megabytes as objects; here each set is a table of one temporary SQLite
 * database per process, and sets are compared with SQL joins, so memory stays flat in the number
 * of files.
 */
import Database from "better-sqlite3";
import { lsForm } from "../../support/file-names.js";

/** A regular file: relative path, size, permission bits, mtime (whole seconds), sha256 when hashed. */
export interface FileRecord {
  readonly path: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
  readonly sha256?: string;
}

interface Row {
  path: string;
  size: number;
  mode: number;
  mtime: number;
  sha256: string | null;
}

let opened: Database.Database | undefined;

/**
 * The process's database, opened on first use. SQLite's anonymous temporary database: a file in
 * $SQLITE_TMPDIR, $TMPDIR or /var/tmp that SQLite unlinks as soon as it has opened it, so nobody
 * else can open it and nothing is left behind, even when the process is killed.
 */
export function fileDatabase(): Database.Database {
  if (opened) return opened;
  const db = new Database("");
  // Scratch data, rebuilt by every run: no journal, no waiting for the disk.
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  // A bounded page cache (64 MiB), large enough that joins over 10^6 records do not thrash.
  db.pragma("cache_size = -65536");
  opened = db;
  return db;
}

// A table whose FileTable was collected is dropped, so a long run does not pile them up on disk.
// Finalizers run between tasks, never inside the synchronous statements below.
const dropWhenCollected = new FinalizationRegistry<string>((table) => {
  try {
    fileDatabase().exec(`DROP TABLE IF EXISTS ${table}`);
  } catch {
    // The process is ending.
  }
});

const FLUSH_AT = 4096;
const PAGE = 2048;
let tables = 0;

/**
 * One set of file records, read back in path order whatever order they were added in. Several
 * records may share a path (restic's listing shows names that are not UTF-8 alike); `lsname` is
 * the name as `restic ls` shows it, by which records of the two kinds are matched.
 */
export class FileTable<T extends FileRecord = FileRecord> implements Iterable<T> {
  /** The SQL name of the table, for joins between sets. */
  readonly table: string;
  #pending: FileRecord[] = [];
  #hashes: [sha256: string, path: string][] = [];
  #stray: string | undefined;
  #indexed = false;
  #files = 0;
  #bytes = 0;

  constructor() {
    this.table = `files_${++tables}`;
    fileDatabase().exec(
      `CREATE TABLE ${this.table} (path TEXT NOT NULL, lsname TEXT NOT NULL, size INTEGER NOT NULL, mode INTEGER NOT NULL, mtime INTEGER NOT NULL, sha256 TEXT)`,
    );
    dropWhenCollected.register(this, this.table);
  }

  /** A table holding `records`. */
  static of<R extends FileRecord>(records: Iterable<R>): FileTable<R> {
    const table = new FileTable<R>();
    for (const r of records) table.add(r);
    return table;
  }

  /** Number of records. */
  get files(): number {
    return this.#files;
  }

  /** Sum of their sizes. */
  get bytes(): number {
    return this.#bytes;
  }

  add(record: T): void {
    this.#pending.push(record);
    this.#files += 1;
    this.#bytes += record.size;
    if (this.#pending.length >= FLUSH_AT) this.#writePending();
  }

  /** Adds a record whose hash comes later, through setHash. */
  addUnhashed(record: Omit<T, "sha256">): void {
    this.add(record as T);
  }

  /** Gives the unhashed record at `path` its hash (written with the next flush). */
  setHash(path: string, sha256: string): void {
    this.#hashes.push([sha256, path]);
    if (this.#hashes.length >= FLUSH_AT) this.flush();
  }

  /**
   * Writes what `add` and `setHash` buffered, and indexes the table the first time: an index
   * built over the whole load is one sort, where kept up row by row it costs a random write per
   * record. Reads call it first.
   */
  flush(): void {
    this.#writePending();
    const db = fileDatabase();
    if (!this.#indexed) {
      db.exec(
        `CREATE INDEX ${this.table}_path ON ${this.table} (path);
         CREATE INDEX ${this.table}_lsname ON ${this.table} (lsname);`,
      );
      this.#indexed = true;
    }
    if (this.#hashes.length === 0) return;
    const hashes = this.#hashes;
    this.#hashes = [];
    const hash = db.prepare(
      `UPDATE ${this.table} SET sha256 = ? WHERE rowid = (SELECT rowid FROM ${this.table} WHERE path = ? AND sha256 IS NULL LIMIT 1)`,
    );
    db.transaction(() => {
      for (const [sha256, path] of hashes)
        if (hash.run(sha256, path).changes !== 1) this.#stray ??= path;
    })();
  }

  #writePending(): void {
    if (this.#pending.length === 0) return;
    const rows = this.#pending;
    this.#pending = [];
    const db = fileDatabase();
    const insert = db.prepare(
      `INSERT INTO ${this.table} (path, lsname, size, mode, mtime, sha256) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (const r of rows)
        insert.run(r.path, lsForm(r.path), r.size, r.mode, r.mtime, r.sha256 ?? null);
    })();
  }

  /**
   * What hashing left undone: how many records have no hash (and the first path), and the first
   * hash given for a path that had no unhashed record.
   */
  unhashed(): { count: number; first?: string; stray?: string } {
    this.flush();
    const row = fileDatabase()
      .prepare(
        `SELECT count(*) AS count, min(path) AS first FROM ${this.table} WHERE sha256 IS NULL`,
      )
      .get() as { count: number; first: string | null };
    return {
      count: row.count,
      ...(row.first === null ? {} : { first: row.first }),
      ...(this.#stray === undefined ? {} : { stray: this.#stray }),
    };
  }

  /** The (first) record at `path`. */
  get(path: string): T | undefined {
    this.flush();
    const row = fileDatabase()
      .prepare(
        `SELECT path, size, mode, mtime, sha256 FROM ${this.table} WHERE path = ? ORDER BY rowid LIMIT 1`,
      )
      .get(path) as Row | undefined;
    return row && recordOf<T>(row);
  }

  /** Every record, ordered by path (UTF-8 bytes), read a page at a time. */
  *[Symbol.iterator](): Iterator<T> {
    this.flush();
    // Keyset pages, each read whole: no statement stays open across a yield, so the caller may
    // use the database (another table) between records.
    const page = fileDatabase().prepare(
      `SELECT rowid AS id, path, size, mode, mtime, sha256 FROM ${this.table} WHERE (path, rowid) > (?, ?) ORDER BY path, rowid LIMIT ${PAGE}`,
    );
    let after: [string, number] = ["", -1];
    for (;;) {
      const rows = page.all(...after) as (Row & { id: number })[];
      for (const row of rows) yield recordOf<T>(row);
      if (rows.length < PAGE) return;
      const last = rows.at(-1)!;
      after = [last.path, last.id];
    }
  }

  /** Every path, in the order of the records. */
  *paths(): Generator<string> {
    for (const r of this) yield r.path;
  }

  /** In a journal or a report: how many, not every record. */
  toJSON(): { files: number; bytes: number } {
    return { files: this.#files, bytes: this.#bytes };
  }
}

function recordOf<T extends FileRecord>(row: Row): T {
  const { path, size, mode, mtime, sha256 } = row;
  return (sha256 === null ? { path, size, mode, mtime } : { path, size, mode, mtime, sha256 }) as T;
}
