/**
 * One run at a time: an exclusive lock file holding the owner's pid, created whole by a hard link. A lock
 * whose pid no longer runs on this machine (a run that was killed) is stale and taken over.
 */
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";

/** A held lock; `release` removes the file only while it is still ours. */
export interface HeldLock {
  readonly file: string;
  release(): void;
}

export type LockOutcome =
  { readonly ok: true; readonly lock: HeldLock } | { readonly ok: false; readonly holder: number };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function pidIn(content: string | undefined): number | undefined {
  const pid = Number(content?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

const holderOf = (file: string) => pidIn(contentOf(file));

/**
 * Creates `file` holding `pid` in one step: written beside it, then hard-linked into place (link
 * fails when the name exists). A lock created with open(O_EXCL) is empty until its pid is written,
 * and another process reading it in that moment took it for stale and removed a live lock.
 */
function createLock(file: string, pid: number): boolean {
  const temp = `${file}.${pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, `${pid}\n`, { mode: 0o644 });
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Removes a lock judged stale, unless another process replaced it since it was read: the file is
 * renamed aside first, and put back when what was moved is not the stale lock.
 */
function removeStale(file: string, stale: string | undefined): void {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else removed it first; the retry decides
  }
  if (contentOf(aside) !== stale) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process took the free name meanwhile; it holds the lock now.
    }
  }
  unlinkSync(aside);
}

function contentOf(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Takes the lock in `file`, or says which live process holds it. */
export function acquireLock(file: string, pid = process.pid): LockOutcome {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createLock(file, pid))
      return {
        ok: true,
        lock: {
          file,
          release: () => {
            if (holderOf(file) === pid) unlinkSync(file);
          },
        },
      };
    const content = contentOf(file);
    const holder = pidIn(content);
    if (holder !== undefined && alive(holder) && holder !== pid) return { ok: false, holder };
    // Stale (its process is gone, or the file is empty or garbled): remove it and try once more.
    removeStale(file, content);
  }
  const holder = holderOf(file);
  return { ok: false, holder: holder ?? 0 };
}
