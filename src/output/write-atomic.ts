/** Writes a file so readers never see half of it: a temp file beside it, fsync, then rename. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

const FLUSH_AT = 1 << 20;

/**
 * Calls `produce` with a write function and moves the result into place only when it completed;
 * on any error the destination is untouched and the temp file removed.
 */
export function writeFileAtomic(
  destination: string,
  produce: (write: (chunk: string) => void) => void,
): void {
  const temp = path.join(
    path.dirname(destination),
    `.${path.basename(destination)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const fd = openSync(temp, "wx", 0o644);
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = () => {
    if (pendingLength === 0) return;
    writeSync(fd, pending.join(""));
    pending = [];
    pendingLength = 0;
  };
  try {
    produce((chunk) => {
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= FLUSH_AT) flush();
    });
    flush();
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, destination);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temp, { force: true });
    throw error;
  }
}

/** The same for bytes already in memory (a workbook): all of them or, on error, nothing. */
export function writeBytesAtomic(destination: string, bytes: Uint8Array): void {
  const temp = path.join(
    path.dirname(destination),
    `.${path.basename(destination)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const fd = openSync(temp, "wx", 0o644);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, destination);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temp, { force: true });
    throw error;
  }
}
