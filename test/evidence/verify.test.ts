// The ledger's verify on real files: each break is made by editing entries.jsonl or objects/ the
// way someone with a shell could, and verify must name it by line and seq.
import { expect } from "chai";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { appendEntry, ledgerFiles, LedgerError, objectPath } from "../../src/evidence/ledger.js";
import {
  describeBreak,
  readCheckpoint,
  verifyLedger,
  type BreakKind,
  type LedgerBreak,
} from "../../src/evidence/verify.js";
import {
  appendNights,
  flipByte,
  nightDraft,
  readLines,
  rewriteChain,
  writeLines,
} from "./ledger-files.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "stronghold-ledger-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("verifyLedger: an intact ledger", () => {
  it("checks every entry and artifact, and writes a checkpoint at the last entry", () => {
    const written = appendNights(dir, 10);
    const result = verifyLedger(dir);
    expect(result.break).to.equal(undefined);
    expect(result).to.include({ entries: 10, newEntries: 10, artifacts: 10, objectsHashed: 10 });
    expect(result.bytesHashed).to.equal(10 * 4096);
    expect(result.last).to.deep.equal({ seq: 10, hash: written[9]!.hash });
    const checkpoint = readCheckpoint(dir);
    const text = readFileSync(ledgerFiles(dir).entries, "utf8");
    expect(checkpoint.ok && checkpoint.checkpoint).to.include({
      seq: 10,
      hash: written[9]!.hash,
      offset: text.lastIndexOf("\n", text.length - 2) + 1,
    });
  });

  it("rehashes only the new entries' artifacts incrementally, every one with full", () => {
    appendNights(dir, 20, 1, 10_000);
    expect(verifyLedger(dir).bytesHashed).to.equal(20 * 10_000);
    appendNights(dir, 2, 21, 10_000);
    const incremental = verifyLedger(dir);
    expect(incremental).to.include({ mode: "incremental", entries: 22, newEntries: 2 });
    expect(incremental.from?.seq).to.equal(20);
    expect(incremental.unchangedEntries, "lines up to the checkpoint, not parsed again").to.equal(
      20,
    );
    expect(incremental.objectsHashed).to.equal(2);
    expect(incremental.bytesHashed).to.equal(2 * 10_000);
    const full = verifyLedger(dir, { full: true });
    expect(full).to.include({ mode: "full", newEntries: 22, objectsHashed: 22 });
    expect(full.bytesHashed).to.equal(22 * 10_000);
    expect(full.mbPerSecond).to.be.greaterThan(0);
  });

  it("hashes an object shared by several entries once", () => {
    const draft = nightDraft(dir, 1);
    for (let i = 0; i < 3; i++) appendEntry(dir, draft);
    expect(verifyLedger(dir)).to.include({ artifacts: 3, objectsHashed: 1, bytesHashed: 4096 });
  });

  it("says so, without a checkpoint, when the entries file does not exist", () => {
    expect(() => verifyLedger(dir)).to.throw(LedgerError, /holds no evidence ledger/);
  });
});

/** One way to break a ledger of 10 entries (checkpointed after `checkpointAt` when given). */
interface BreakCase {
  readonly name: string;
  readonly checkpointAt?: number;
  readonly full?: boolean;
  readonly breakIt: (entries: { sha: (seq: number) => string }) => void;
  readonly expected: Partial<LedgerBreak> & { kind: BreakKind };
  readonly says: RegExp;
}

const CASES: BreakCase[] = [
  {
    name: "an artifact byte tampered with",
    breakIt: ({ sha }) => flipByte(dir, sha(6)),
    expected: { kind: "artifact-tampered", line: 6, seq: 6, name: "stronghold-report.json" },
    says: /line 6 \(seq 6\): artifact stronghold-report\.json was tampered with: expected sha256 [0-9a-f]{64}, its bytes hash to [0-9a-f]{64}/,
  },
  {
    name: "an old artifact tampered with, found by --full",
    checkpointAt: 10,
    full: true,
    breakIt: ({ sha }) => flipByte(dir, sha(2)),
    expected: { kind: "artifact-tampered", line: 2, seq: 2 },
    says: /line 2 \(seq 2\): artifact stronghold-report\.json was tampered with/,
  },
  {
    name: "an old artifact cut short, found incrementally by its size",
    checkpointAt: 10,
    breakIt: ({ sha }) => {
      const file = objectPath(dir, sha(3));
      const bytes = readFileSync(file);
      unlinkSync(file);
      writeFileSync(file, bytes.subarray(0, 100));
    },
    expected: { kind: "artifact-size", line: 3, seq: 3, expectedBytes: 4096, actualBytes: 100 },
    says: /line 3 \(seq 3\): artifact stronghold-report\.json .* has 100 bytes where the entry recorded 4096/,
  },
  {
    name: "an artifact deleted from objects/",
    checkpointAt: 10,
    breakIt: ({ sha }) => unlinkSync(objectPath(dir, sha(4))),
    expected: { kind: "artifact-missing", line: 4, seq: 4 },
    says: /line 4 \(seq 4\): artifact stronghold-report\.json \(sha256 [0-9a-f]{64}\) is missing from objects\//,
  },
  {
    name: "an old entry edited after a checkpoint, found incrementally",
    checkpointAt: 10,
    breakIt: () =>
      writeLines(
        dir,
        readLines(dir).map((l, i) =>
          i === 2 ? l.replace('"verdict":"passed"', '"verdict":"waived"') : l,
        ),
      ),
    expected: { kind: "edited", line: 3, seq: 3 },
    says: /line 3 \(seq 3\) does not match its own hash/,
  },
  {
    name: "a line deleted",
    breakIt: () =>
      writeLines(
        dir,
        readLines(dir).filter((_, i) => i !== 2),
      ),
    expected: { kind: "seq", line: 3, expected: 3, found: 4 },
    says: /line 3 has seq 4 where seq 3 was expected: entry 3 was removed/,
  },
  {
    name: "two lines swapped",
    breakIt: () => {
      const lines = readLines(dir);
      [lines[4], lines[5]] = [lines[5]!, lines[4]!];
      writeLines(dir, lines);
    },
    expected: { kind: "seq", line: 5, expected: 5, found: 6 },
    says: /line 5 has seq 6 where seq 5 was expected/,
  },
  {
    name: "the last line moved before the others",
    breakIt: () => {
      const lines = readLines(dir);
      writeLines(dir, [...lines.slice(0, 3), lines[9]!, ...lines.slice(3, 9)]);
    },
    expected: { kind: "seq", line: 4, expected: 4, found: 10 },
    says: /line 4 has seq 10 where seq 4 was expected: entries 4–9 were removed/,
  },
  {
    name: "the file truncated in the middle of the last line",
    breakIt: () => {
      const file = ledgerFiles(dir).entries;
      truncateSync(file, readFileSync(file).length - 40);
    },
    expected: { kind: "truncated", line: 10 },
    says: /line 10 ends without a newline .*truncated/,
  },
  {
    name: "a line that is no longer JSON",
    breakIt: () =>
      writeLines(
        dir,
        readLines(dir).map((l, i) => (i === 6 ? l.slice(0, -20) : l)),
      ),
    expected: { kind: "not-json", line: 7 },
    says: /line 7 is not JSON/,
  },
  {
    name: "a metric edited without rehashing",
    breakIt: () =>
      writeLines(
        dir,
        readLines(dir).map((l, i) => (i === 7 ? l.replace(/"score":\d+/, '"score":100') : l)),
      ),
    expected: { kind: "edited", line: 8, seq: 8 },
    says: /line 8 \(seq 8\) does not match its own hash: .* edited after it was appended/,
  },
  {
    name: "an entry edited and rehashed, its successor left alone",
    breakIt: () => {
      const chained = readLines(dir);
      rewriteChain(dir, 5, (e) => ({ ...e, verdict: "passed" }));
      writeLines(dir, [...readLines(dir).slice(0, 5), ...chained.slice(5)]);
    },
    expected: { kind: "prev", line: 6, seq: 6 },
    says: /line 6 \(seq 6\) names .* as the entry before it, but seq 5 hashes to .*: seq 5 was replaced or edited and rehashed/,
  },
  {
    name: "the whole chain rewritten and rehashed after a checkpoint",
    checkpointAt: 10,
    breakIt: () => rewriteChain(dir, 2, (e) => ({ ...e, verdict: "passed" })),
    expected: { kind: "checkpoint", line: 10, seq: 10 },
    says: /the checkpoint of .* says line 10 is seq 10 with hash .*, but the ledger now has hash .*: history before the checkpoint was rewritten/,
  },
  {
    name: "the whole chain rewritten, found by --full too",
    checkpointAt: 10,
    full: true,
    breakIt: () => rewriteChain(dir, 1, (e) => ({ ...e, subject: "Town of Elsewhere" })),
    expected: { kind: "checkpoint", seq: 10 },
    says: /history before the checkpoint was rewritten/,
  },
  {
    name: "entries removed from the end after a checkpoint",
    checkpointAt: 10,
    breakIt: () => writeLines(dir, readLines(dir).slice(0, 7)),
    expected: { kind: "checkpoint", seq: 10, found: "only 7 entries" },
    says: /says line 10 is seq 10 .* but the ledger now has only 7 entries/,
  },
  {
    name: "a checkpoint that is not JSON",
    checkpointAt: 10,
    breakIt: () => writeFileSync(ledgerFiles(dir).checkpoint, "{"),
    expected: { kind: "checkpoint-unreadable" },
    says: /checkpoint\.json cannot be read .*remove it and run verify --full/,
  },
];

describe("verifyLedger: each break named by line and seq", () => {
  for (const c of CASES)
    it(c.name, () => {
      const entries = appendNights(dir, 10);
      if (c.checkpointAt !== undefined) {
        const first = verifyLedger(dir);
        expect(first.break).to.equal(undefined);
        expect(first.last?.seq).to.equal(c.checkpointAt);
      }
      c.breakIt({ sha: (seq) => entries[seq - 1]!.artifacts[0]!.sha256 });
      const checkpointFile = ledgerFiles(dir).checkpoint;
      const before = existsSync(checkpointFile) ? readFileSync(checkpointFile, "utf8") : undefined;
      const result = verifyLedger(dir, { full: c.full ?? false });
      expect(result.break).to.deep.include(c.expected);
      expect(describeBreak(result.break!)).to.match(c.says);
      expect(result.checkpointWritten).to.equal(false);
      expect(
        existsSync(checkpointFile) ? readFileSync(checkpointFile, "utf8") : undefined,
      ).to.equal(before);
    });
});

describe("what incremental verify cannot see (docs/evidence.md says so)", () => {
  it("an old artifact changed in place at the same size passes incrementally, fails with --full", () => {
    const entries = appendNights(dir, 5);
    expect(verifyLedger(dir).break).to.equal(undefined);
    flipByte(dir, entries[1]!.artifacts[0]!.sha256);
    expect(verifyLedger(dir).break).to.equal(undefined);
    expect(verifyLedger(dir, { full: true }).break?.kind).to.equal("artifact-tampered");
  });

  it("entries appended after the checkpoint and rewritten consistently before the next verify pass", () => {
    appendNights(dir, 5);
    expect(verifyLedger(dir).break).to.equal(undefined);
    appendNights(dir, 3, 6);
    rewriteChain(dir, 6, (e) => ({ ...e, verdict: "passed" }));
    // Only the offsite copy (verify --remote) can tell: locally this is a valid append.
    expect(verifyLedger(dir, { full: true }).break).to.equal(undefined);
  });
});

describe("appendEntry onto a damaged ledger", () => {
  it("refuses to append onto a truncated last line, and leaves the file as it was", () => {
    appendNights(dir, 3);
    const file = ledgerFiles(dir).entries;
    truncateSync(file, readFileSync(file).length - 10);
    const before = readFileSync(file);
    expect(() => appendEntry(dir, nightDraft(dir, 4))).to.throw(
      LedgerError,
      /ends in the middle of an entry .*nothing was appended/,
    );
    expect(readFileSync(file).equals(before)).to.equal(true);
  });
});
