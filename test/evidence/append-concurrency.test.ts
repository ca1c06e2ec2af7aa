// Two real processes append to one ledger at once: the lock file serialises them, so every entry
// is kept, in one unbroken chain. A lock left by a process that died is taken over.
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LedgerEntry } from "../../src/evidence/entry.js";
import { appendEntry, ledgerFiles } from "../../src/evidence/ledger.js";
import { verifyLedger } from "../../src/evidence/verify.js";
import { nightDraft } from "./ledger-files.js";

const appender = path.join(import.meta.dirname, "ledger-appender.ts");

function appendFrom(dir: string, writer: string, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      "--import",
      "tsx",
      appender,
      dir,
      writer,
      String(count),
    ]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as number[])
        : reject(new Error(`${writer} exited ${code}: ${stderr}`)),
    );
  });
}

describe("appendEntry from two processes at once", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "stronghold-ledger-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps all 600 entries in one chain, none lost or repeated", async () => {
    const [a, b] = await Promise.all([appendFrom(dir, "a", 300), appendFrom(dir, "b", 300)]);
    expect(a).to.have.length(300);
    expect(b).to.have.length(300);
    expect(new Set([...a, ...b]).size).to.equal(600);
    const lines = readFileSync(ledgerFiles(dir).entries, "utf8").trimEnd().split("\n");
    const entries = lines.map((l) => JSON.parse(l) as LedgerEntry);
    expect(entries.map((e) => e.seq)).to.deep.equal(Array.from({ length: 600 }, (_, i) => i + 1));
    for (const writer of ["a", "b"])
      expect(
        entries.filter((e) => e.subject === writer).map((e) => e.metrics.n),
        `writer ${writer}'s entries, in its order`,
      ).to.deep.equal(Array.from({ length: 300 }, (_, i) => i + 1));
    // They really ran at once: the writers' entries interleave.
    const switches = entries.filter((e, i) => i > 0 && e.subject !== entries[i - 1]!.subject);
    expect(switches.length, "times the writer changed").to.be.greaterThan(10);
    const result = verifyLedger(dir, { full: true });
    expect(result.break).to.equal(undefined);
    expect(result).to.include({ entries: 600, artifacts: 600, objectsHashed: 600 });
    expect(existsSync(ledgerFiles(dir).lock)).to.equal(false);
  });

  it("takes over a lock whose process is gone", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    const pid = Number(dead.stdout.toString());
    expect(pid).to.be.greaterThan(0);
    writeFileSync(ledgerFiles(dir).lock, `${pid}\n`);
    const started = Date.now();
    const entry = appendEntry(dir, nightDraft(dir, 1), { lockWaitMs: 5_000 });
    expect(entry.seq).to.equal(1);
    expect(Date.now() - started).to.be.lessThan(2_000);
    expect(existsSync(ledgerFiles(dir).lock)).to.equal(false);
  });

  it("waits for a live holder and then gives up with its pid, appending nothing", () => {
    // This process's parent is alive for the whole test: a lock naming it is held.
    writeFileSync(ledgerFiles(dir).lock, `${process.ppid}\n`);
    expect(() => appendEntry(dir, nightDraft(dir, 1), { lockWaitMs: 300 })).to.throw(
      new RegExp(`held by pid ${process.ppid} .*nothing was appended`),
    );
    expect(existsSync(ledgerFiles(dir).entries)).to.equal(false);
  });
});
