/** Compares a recovered tree's manifest with the one taken before the disaster. */
import type { Manifest } from "./entries.js";

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
  const found = new Map(actual.entries.map((e) => [e.path, e]));
  const missing: string[] = [];
  const altered: string[] = [];
  const modeChanged: string[] = [];
  let verifiedFiles = 0;
  let verifiedBytes = 0;
  for (const want of expected.entries) {
    const got = found.get(want.path);
    found.delete(want.path);
    if (!got) {
      missing.push(want.path);
      continue;
    }
    const contentOk = got.size === want.size && got.sha256 === want.sha256;
    if (!contentOk) altered.push(want.path);
    if (got.mode !== want.mode) modeChanged.push(want.path);
    if (contentOk && got.mode === want.mode) {
      verifiedFiles += 1;
      verifiedBytes += want.size;
    }
  }
  const extra = [...found.keys()].sort();
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
