/** Compares a recovered tree's manifest with the one taken before the disaster. */
import type { Manifest, ManifestEntry } from "./entries.js";
import { fileDatabase } from "./file-table.js";

/** How a recovered tree differs from the expected one (ok: nothing missing, altered or re-moded). */
export interface ManifestDiff {
  missing: string[];
  /** Content differs: hash or size. */
  altered: string[];
  modeChanged: string[];
  extra: string[];
  /** Expected files found intact (same size, hash and mode). */
  verifiedFiles: number;
  verifiedBytes: number;
  ok: boolean;
}

/** Every expected file must be present with the same size, sha256 and mode; extra files are listed. */
export function compareManifests(expected: Manifest, actual: Manifest): ManifestDiff {
  const e = expected.entries.table;
  const a = actual.entries.table;
  expected.entries.flush();
  actual.entries.flush();
  const db = fileDatabase();
  const missing: string[] = [];
  const altered: string[] = [];
  const modeChanged: string[] = [];
  let verifiedFiles = 0;
  let verifiedBytes = 0;
  const pairs = db.prepare(
    `SELECT e.path, e.size, e.mode, e.sha256, a.path AS found, a.size AS gotSize, a.mode AS gotMode, a.sha256 AS gotSha256
     FROM ${e} e LEFT JOIN ${a} a ON a.path = e.path ORDER BY e.path`,
  );
  type Pair = ManifestEntry & {
    found: string | null;
    gotSize: number;
    gotMode: number;
    gotSha256: string;
  };
  for (const want of pairs.iterate() as Iterable<Pair>) {
    if (want.found === null) {
      missing.push(want.path);
      continue;
    }
    const contentOk = want.gotSize === want.size && want.gotSha256 === want.sha256;
    if (!contentOk) altered.push(want.path);
    if (want.gotMode !== want.mode) modeChanged.push(want.path);
    if (contentOk && want.gotMode === want.mode) {
      verifiedFiles += 1;
      verifiedBytes += want.size;
    }
  }
  const extra = (
    db
      .prepare(
        `SELECT path FROM ${a} a WHERE NOT EXISTS (SELECT 1 FROM ${e} e WHERE e.path = a.path)`,
      )
      .all() as { path: string }[]
  )
    .map((row) => row.path)
    .sort();
  return {
    missing,
    altered,
    modeChanged,
    extra,
    verifiedFiles,
    verifiedBytes,
    ok: missing.length === 0 && altered.length === 0 && modeChanged.length === 0,
  };
}
