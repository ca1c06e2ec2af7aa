/**
 * Every entry of a tree with its metadata — type, permission bits, owner, size, modification time
 * to the nanosecond, inode, link target — listed where the tree is by one `find` and kept on disk
 * (file-table.ts's database). The share drills judge metadata by it: a restored tree against
 * restic's record of the snapshot, and the put-back original against the listing taken before
 * the drill changed anything. Differences come back sorted by kind, so a report can say "12
 * folders with another mode" rather than "differs".
 */
import type { SnapshotNode } from "../../restic/restic.js";
import { lsForm, nameFromBytes } from "../../support/file-names.js";
import { fileDatabase } from "./file-table.js";

/** f regular file, d folder, l symbolic link, o anything else (fifo, socket, device). */
export type EntryType = "f" | "d" | "l" | "o";

/** One entry of a tree, relative to its root ("" is the root itself). */
export interface TreeEntry {
  readonly path: string;
  readonly type: EntryType;
  /** Permission bits with setuid, setgid and sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Regular files only; 0 otherwise. */
  readonly size: number;
  /** Whole seconds since the epoch (rounded down) and the nanoseconds past them. */
  readonly sec: number;
  readonly nsec: number;
  /** 0 when unknown (restic's record). */
  readonly inode: number;
  /** Symbolic links only. */
  readonly target?: string;
}

/**
 * `find -printf` format: two NUL-terminated fields per entry, the metadata with the path last
 * (any byte but NUL may be in a name) and the link target (empty unless a symbolic link).
 */
export const LISTING_FORMAT = "%y %m %U %G %s %T@ %i %P\\0%l\\0";

/** The shell command that lists `$1` (links below it not followed) to standard output. */
export const LIST_COMMAND = `exec find -H "$1" -printf '${LISTING_FORMAT}'`;

let tables = 0;

/** A tree's entries on disk, in a table of the process's database. */
export class TreeListing {
  readonly table: string;
  #pending: TreeEntry[] = [];
  #count = 0;

  constructor() {
    this.table = `tree_${++tables}`;
    fileDatabase().exec(
      `CREATE TABLE ${this.table} (path TEXT NOT NULL, lsname TEXT NOT NULL, type TEXT NOT NULL, mode INTEGER NOT NULL, uid INTEGER NOT NULL, gid INTEGER NOT NULL, size INTEGER NOT NULL, sec INTEGER NOT NULL, nsec INTEGER NOT NULL, inode INTEGER NOT NULL, target TEXT)`,
    );
  }

  get entries(): number {
    return this.#count;
  }

  add(entry: TreeEntry): void {
    this.#pending.push(entry);
    this.#count += 1;
    if (this.#pending.length >= 4096) this.flush();
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const rows = this.#pending;
    this.#pending = [];
    const db = fileDatabase();
    const insert = db.prepare(
      `INSERT INTO ${this.table} (path, lsname, type, mode, uid, gid, size, sec, nsec, inode, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (const e of rows)
        insert.run(
          e.path,
          lsForm(e.path),
          e.type,
          e.mode,
          e.uid,
          e.gid,
          e.size,
          e.sec,
          e.nsec,
          e.inode,
          e.target ?? null,
        );
    })();
  }

  /** Ends loading: indexes the table once, over the whole load. */
  done(): this {
    this.flush();
    fileDatabase().exec(
      `CREATE INDEX IF NOT EXISTS ${this.table}_path ON ${this.table} (path);
       CREATE INDEX IF NOT EXISTS ${this.table}_lsname ON ${this.table} (lsname);
       CREATE INDEX IF NOT EXISTS ${this.table}_inode ON ${this.table} (inode, type);`,
    );
    return this;
  }

  /** Drops the table (its listing is no longer needed). */
  drop(): void {
    fileDatabase().exec(`DROP TABLE IF EXISTS ${this.table}`);
  }

  /** In a journal or a report: how many, not every entry. */
  toJSON(): { entries: number } {
    return { entries: this.#count };
  }
}

/** A listing that could not be read: the message names the tree and the record. */
export class ListingError extends Error {
  override name = "ListingError";
}

const TYPES: Record<string, EntryType> = { f: "f", d: "d", l: "l" };

/**
 * Reads `find -printf LISTING_FORMAT` output chunk by chunk into a TreeListing; `end()` returns it.
 * Records are NUL-separated byte strings, so a name that is not UTF-8 is kept exactly ("\xNN").
 */
export class ListingParser {
  readonly listing = new TreeListing();
  #rest: Buffer | undefined;
  #meta: string | undefined;

  constructor(readonly root: string) {}

  push(chunk: Buffer): void {
    const data = this.#rest === undefined ? chunk : Buffer.concat([this.#rest, chunk]);
    let start = 0;
    for (let nul = data.indexOf(0); nul >= 0; nul = data.indexOf(0, start)) {
      this.#field(nameFromBytes(data.subarray(start, nul)));
      start = nul + 1;
    }
    this.#rest = start < data.length ? data.subarray(start) : undefined;
  }

  end(): TreeListing {
    if (this.#rest !== undefined || this.#meta !== undefined)
      throw new ListingError(`the listing of ${this.root} ends in the middle of a record`);
    return this.listing.done();
  }

  #field(field: string): void {
    if (this.#meta === undefined) {
      this.#meta = field;
      return;
    }
    const meta = this.#meta;
    this.#meta = undefined;
    const m = /^(\S) ([0-7]+) (\d+) (\d+) (\d+) (-?\d+)(?:\.(\d+))? (\d+) (.*)$/s.exec(meta);
    if (!m)
      throw new ListingError(`unexpected listing record for ${this.root}: ${JSON.stringify(meta)}`);
    const type = TYPES[m[1]!] ?? "o";
    // find prints the seconds rounded down, then the nanoseconds past them ("-2.2500000000" is
    // 1969-12-31T23:59:58.25Z); cut as text, since a float's 53 bits would round them.
    const sec = Number(m[6]);
    const nsec = Number((m[7] ?? "").padEnd(9, "0").slice(0, 9));
    this.listing.add({
      path: m[9]!,
      type,
      mode: parseInt(m[2]!, 8) & 0o7777,
      uid: Number(m[3]),
      gid: Number(m[4]),
      size: type === "f" ? Number(m[5]) : 0,
      sec,
      nsec,
      inode: Number(m[8]),
      ...(type === "l" ? { target: field } : {}),
    });
  }
}

/** Runs a listing command on a host, streaming its output into a TreeListing. */
export async function listTree(
  exec: (
    argv: readonly string[],
    onStdout: (chunk: Buffer) => void,
  ) => Promise<{ code: number | null; stderr: string }>,
  root: string,
  argv: readonly string[] = ["sh", "-c", LIST_COMMAND, "stronghold-list", root],
): Promise<TreeListing> {
  const parser = new ListingParser(root);
  let garbled: Error | undefined;
  const result = await exec(argv, (chunk) => {
    if (garbled !== undefined) return;
    try {
      parser.push(chunk);
    } catch (error) {
      garbled = error as Error;
    }
  });
  if (result.code !== 0) {
    parser.listing.drop();
    const why = result.stderr.trim().split("\n").at(-1) || `exit ${result.code ?? "signal"}`;
    throw new ListingError(`cannot list ${root}: ${why}`);
  }
  if (garbled !== undefined) throw garbled;
  return parser.end();
}

/** A node of restic's listing as a listing entry at `path` (owners -1 when not recorded). */
export function entryOfNode(n: SnapshotNode, path: string): TreeEntry {
  const ms = n.mtime.getTime();
  const sec = Math.floor(ms / 1000);
  return {
    path,
    type: n.type === "file" ? "f" : n.type === "dir" ? "d" : n.type === "symlink" ? "l" : "o",
    mode: n.mode,
    uid: n.uid ?? -1,
    gid: n.gid ?? -1,
    size: n.type === "file" ? n.size : 0,
    sec,
    nsec: (ms - sec * 1000) * 1_000_000,
    inode: 0,
  };
}

/** restic's record of a folder in a snapshot (`restic ls --json` nodes below `inSnapshot`) as a listing. */
export function listingOfSnapshot(nodes: Iterable<SnapshotNode>, inSnapshot: string): TreeListing {
  const listing = new TreeListing();
  const prefix = inSnapshot === "/" ? "/" : `${inSnapshot}/`;
  for (const n of nodes) {
    if (n.path === inSnapshot && inSnapshot !== "/") listing.add(entryOfNode(n, ""));
    else if (n.path.startsWith(prefix)) listing.add(entryOfNode(n, n.path.slice(prefix.length)));
  }
  return listing.done();
}

/** The kinds of metadata difference, in the order a report lists them. */
export const DIFFERENCE_KINDS = [
  "missing",
  "unexpected",
  "type",
  "size",
  "mode",
  "owner",
  "mtime",
  "symlink-target",
  "hard-link",
] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

const KIND_LABELS: Record<DifferenceKind, string> = {
  missing: "missing",
  unexpected: "not there before",
  type: "another type",
  size: "another size",
  mode: "another mode",
  owner: "another owner",
  mtime: "another modification time",
  "symlink-target": "another link target",
  "hard-link": "hard links broken or joined",
};

/** What differs between two listings, by kind; each list sorted, with entry types named. */
export interface ListingDiff {
  readonly compared: number;
  readonly byKind: Readonly<Record<DifferenceKind, readonly string[]>>;
  readonly total: number;
  readonly ok: boolean;
}

/** How two listings are compared. */
export interface CompareOptions {
  /** Match names as restic shows them (U+FFFD for bytes that are not UTF-8). */
  readonly byShownName?: boolean;
  /** mtime: equal to the nanosecond ("exact") or within this many whole seconds. */
  readonly mtimeToleranceSeconds?: number | "exact";
  /** Compare owners (uid, gid); not when the expected side does not record them (-1). */
  readonly owner?: boolean;
  /** Compare hard-link groups (both sides need inodes). */
  readonly hardLinks?: boolean;
  /** Compare folder modification times (a folder's own entries changing moves it). */
  readonly folderMtime?: boolean;
  /** Paths whose differences are expected (changed since the recovery point): not judged. */
  readonly skip?: ReadonlySet<string>;
  /** Compare the root's own entry. */
  readonly root?: boolean;
  /** Which differences count, by entry type (default: all). */
  readonly judge?: (type: EntryType, kind: DifferenceKind) => boolean;
}

const describe = (path: string, type: string) =>
  `${path === "" ? "(the folder itself)" : path}${type === "d" ? "/" : type === "l" ? " (symlink)" : ""}`;

/**
 * `actual` against `expected`, entry by entry, each difference filed under one kind per aspect
 * (an entry with another mode and owner is listed under both).
 */
export function compareListings(
  expected: TreeListing,
  actual: TreeListing,
  options: CompareOptions = {},
): ListingDiff {
  expected.done();
  actual.done();
  const db = fileDatabase();
  const key = options.byShownName ? "lsname" : "path";
  const byKind = Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, [] as string[]])) as Record<
    DifferenceKind,
    string[]
  >;
  const tolerance = options.mtimeToleranceSeconds ?? "exact";
  const skip = options.skip ?? new Set<string>();
  const judged = (path: string) => (options.root || path !== "") && !skip.has(path);
  type Pair = {
    path: string;
    type: string;
    mode: number;
    uid: number;
    gid: number;
    size: number;
    sec: number;
    nsec: number;
    target: string | null;
    group: string | null;
    a_path: string | null;
    a_type: string | null;
    a_mode: number;
    a_uid: number;
    a_gid: number;
    a_size: number;
    a_sec: number;
    a_nsec: number;
    a_target: string | null;
    a_group: string | null;
  };
  // A file's hard-link group: the first path (in the tree) with its inode.
  const grouped = (t: string) =>
    options.hardLinks
      ? `(SELECT min(g.${key}) FROM ${t} g WHERE g.inode = x.inode AND g.type = 'f')`
      : "NULL";
  const rows = db
    .prepare(
      `SELECT x.path, x.type, x.mode, x.uid, x.gid, x.size, x.sec, x.nsec, x.target, ${grouped(expected.table)} AS "group",
         y.path AS a_path, y.type AS a_type, y.mode AS a_mode, y.uid AS a_uid, y.gid AS a_gid, y.size AS a_size,
         y.sec AS a_sec, y.nsec AS a_nsec, y.target AS a_target,
         ${options.hardLinks ? `(SELECT min(g.${key}) FROM ${actual.table} g WHERE g.inode = y.inode AND g.type = 'f')` : "NULL"} AS a_group
       FROM ${expected.table} x LEFT JOIN ${actual.table} y ON y.${key} = x.${key}
       ORDER BY x.path`,
    )
    .iterate() as Iterable<Pair>;
  const counts = options.judge ?? (() => true);
  const file = (kind: DifferenceKind, type: string, entry: string) => {
    if (counts(type as EntryType, kind)) byKind[kind].push(entry);
  };
  let compared = 0;
  for (const r of rows) {
    if (!judged(r.path)) continue;
    compared += 1;
    const name = describe(r.path, r.type);
    if (r.a_path === null) {
      file("missing", r.type, name);
      continue;
    }
    if (r.a_type !== r.type) {
      file("type", r.type, `${name} (${r.type} → ${r.a_type})`);
      continue;
    }
    if (r.type === "f" && r.size !== r.a_size)
      file("size", r.type, `${name} (${r.size} → ${r.a_size} bytes)`);
    if (r.type !== "l" && r.mode !== r.a_mode)
      file("mode", r.type, `${name} (${octal(r.mode)} → ${octal(r.a_mode)})`);
    if (options.owner && r.uid >= 0 && (r.uid !== r.a_uid || r.gid !== r.a_gid))
      file("owner", r.type, `${name} (${r.uid}:${r.gid} → ${r.a_uid}:${r.a_gid})`);
    const timed = r.type === "f" || (r.type === "d" && options.folderMtime);
    if (timed && !sameTime(r, r.a_sec, r.a_nsec, tolerance))
      file("mtime", r.type, `${name} (${stamp(r.sec, r.nsec)} → ${stamp(r.a_sec, r.a_nsec)})`);
    if (r.type === "l" && (r.target ?? "") !== (r.a_target ?? ""))
      file("symlink-target", r.type, `${name} (${r.target ?? ""} → ${r.a_target ?? ""})`);
    if (options.hardLinks && r.type === "f" && r.group !== r.a_group)
      file(
        "hard-link",
        r.type,
        `${name} (one file with ${r.group ?? "?"} → with ${r.a_group ?? "?"})`,
      );
  }
  const unexpected = db
    .prepare(
      `SELECT y.path, y.type FROM ${actual.table} y WHERE NOT EXISTS (SELECT 1 FROM ${expected.table} x WHERE x.${key} = y.${key}) ORDER BY y.path`,
    )
    .iterate() as Iterable<{ path: string; type: string }>;
  for (const r of unexpected)
    if (judged(r.path)) file("unexpected", r.type, describe(r.path, r.type));
  const total = DIFFERENCE_KINDS.reduce((sum, k) => sum + byKind[k].length, 0);
  return { compared, byKind, total, ok: total === 0 };
}

function sameTime(
  r: { sec: number; nsec: number },
  sec: number,
  nsec: number,
  tolerance: number | "exact",
): boolean {
  if (tolerance === "exact") return r.sec === sec && r.nsec === nsec;
  return Math.abs(r.sec - sec) <= tolerance;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

function stamp(sec: number, nsec: number): string {
  const iso = new Date(sec * 1000).toISOString().replace(/\.000Z$/, "");
  return nsec === 0 ? `${iso}Z` : `${iso}.${String(nsec).padStart(9, "0")}Z`;
}

/** The differences as report lines, by kind, at most `limit` per kind. */
export function describeDifferences(diff: ListingDiff, limit = 20): string[] {
  const lines: string[] = [];
  for (const kind of DIFFERENCE_KINDS) {
    const list = diff.byKind[kind];
    for (const entry of list.slice(0, limit)) lines.push(`${KIND_LABELS[kind]}: ${entry}`);
    if (list.length > limit) lines.push(`${KIND_LABELS[kind]}: … and ${list.length - limit} more`);
  }
  return lines;
}

/** "3 missing, 12 with another mode": the counts by kind, for a one-line verdict. */
export function countDifferences(diff: ListingDiff): string {
  return DIFFERENCE_KINDS.filter((k) => diff.byKind[k].length > 0)
    .map((k) => `${diff.byKind[k].length} ${KIND_LABELS[k]}`)
    .join(", ");
}
