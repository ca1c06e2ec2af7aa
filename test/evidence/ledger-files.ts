// Builds small real ledgers for the evidence tests and edits their files the way a person with a
// shell could: bytes of an artifact, lines of entries.jsonl, a chain rewritten and rehashed.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import type { EntryDraft, LedgerEntry } from "../../src/evidence/entry.js";
import { GENESIS } from "../../src/evidence/entry.js";
import {
  appendEntry,
  entryHash,
  ledgerFiles,
  objectPath,
  storeContent,
} from "../../src/evidence/ledger.js";

/** A check entry for night `n` with a report artifact of `bytes` bytes unique to that night. */
export function nightDraft(dir: string, n: number, bytes = 4096): EntryDraft {
  const day = new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  const report = Buffer.alloc(bytes, `night ${n} `);
  return {
    kind: "check",
    at: `${day}T02:00:00.000Z`,
    subject: "Town of Millbrook",
    verdict: n % 5 === 0 ? "failed" : "passed",
    inputs: [{ role: "baseline", name: "windows-workstation", sha256: "a".repeat(64) }],
    metrics: { score: 90 + (n % 10), machines: 56 },
    frameworks: { cis: ["4.1"], csf: ["PR.PS-01"] },
    artifacts: [storeContent(dir, "stronghold-report.json", report)],
    run: `${day}T02-00-00Z`,
  };
}

/** Appends `count` nightly entries (nights `from`, `from`+1, …). */
export function appendNights(dir: string, count: number, from = 1, bytes = 4096): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (let n = from; n < from + count; n++)
    out.push(appendEntry(dir, nightDraft(dir, n, bytes), { now: new Date(Date.UTC(2026, 0, n)) }));
  return out;
}

export const readLines = (dir: string) =>
  readFileSync(ledgerFiles(dir).entries, "utf8").split("\n").slice(0, -1);

/** Every entry of the ledger in `dir`, parsed line by line (not through the product's reader). */
export const readLedgerEntries = (dir: string): LedgerEntry[] =>
  readLines(dir).map((l) => JSON.parse(l) as LedgerEntry);

export const writeLines = (dir: string, lines: readonly string[]) =>
  writeFileSync(ledgerFiles(dir).entries, lines.map((l) => `${l}\n`).join(""));

/** Rewrites entries from `fromSeq` on with `edit`, rehashing and rechaining them: a careful forger. */
export function rewriteChain(
  dir: string,
  fromSeq: number,
  edit: (e: Omit<LedgerEntry, "hash">) => Omit<LedgerEntry, "hash">,
): void {
  const entries = readLines(dir).map((l) => JSON.parse(l) as LedgerEntry);
  let prev = GENESIS;
  const lines = entries.map((e) => {
    if (e.seq < fromSeq) {
      prev = e.hash;
      return JSON.stringify(e);
    }
    const rest: Omit<LedgerEntry, "hash"> & { hash?: string } = { ...e };
    delete rest.hash;
    const unhashed = edit({ ...rest, prev });
    const hash = entryHash(unhashed);
    prev = hash;
    return JSON.stringify({ ...unhashed, hash });
  });
  writeLines(dir, lines);
}

/** Flips one byte of a stored object in place (objects are read-only files; a person can chmod). */
export function flipByte(dir: string, sha256: string, at = 100): void {
  const file = objectPath(dir, sha256);
  chmodSync(file, 0o644);
  const bytes = readFileSync(file);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(file, bytes);
}
