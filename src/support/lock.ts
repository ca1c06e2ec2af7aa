/**
 * One run at a time: an exclusive lock file holding the owner's pid, created with O_EXCL. A lock
 * whose pid no longer runs on this machine (a run that was killed) is stale and taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

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

function holderOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock in `file`, or says which live process holds it. */
export function acquireLock(file: string, pid = process.pid): LockOutcome {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o644);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return {
        ok: true,
        lock: {
          file,
          release: () => {
            if (holderOf(file) === pid) unlinkSync(file);
          },
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = holderOf(file);
      if (holder !== undefined && alive(holder) && holder !== pid) return { ok: false, holder };
      // Stale (its process is gone, or the file is empty or garbled): remove it and try once more.
      try {
        unlinkSync(file);
      } catch {
        // Someone else removed it first; the retry decides.
      }
    }
  }
  const holder = holderOf(file);
  return { ok: false, holder: holder ?? 0 };
}
