/** Writes a file so readers never see half of it: a temp file beside it, fsync, then rename. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";

const FLUSH_AT = 1 << 20;

/**
 * Lets `fill` write a temp file beside `destination` and moves it into place only when `fill`
 * completed; on any error the destination is untouched and the temp file removed.
 */
function replaceAtomically(destination: string, fill: (fd: number) => void): void {
  const temp = path.join(
    path.dirname(destination),
    `.${path.basename(destination)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const fd = openSync(temp, "wx", 0o644);
  try {
    fill(fd);
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

/**
 * Calls `produce` with a write function and moves the result into place only when it completed;
 * on any error the destination is untouched and the temp file removed.
 */
export function writeFileAtomic(
  destination: string,
  produce: (write: (chunk: string) => void) => void,
): void {
  replaceAtomically(destination, (fd) => {
    // Chunks are encoded straight into one reused buffer: joining them into a string first cost
    // more than the encoding (a 300 MB report flattened thousands of concatenated pieces).
    const buffer = Buffer.allocUnsafe(FLUSH_AT);
    let used = 0;
    const flush = () => {
      let written = 0;
      while (written < used) written += writeSync(fd, buffer, written, used - written);
      used = 0;
    };
    produce((chunk) => {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      if (chunk.length * 3 > FLUSH_AT - used) {
        flush();
        if (chunk.length * 3 > FLUSH_AT) {
          const bytes = Buffer.from(chunk, "utf8");
          let written = 0;
          while (written < bytes.length) written += writeSync(fd, bytes, written);
          return;
        }
      }
      used += buffer.write(chunk, used, "utf8");
    });
    flush();
  });
}

/** The same for bytes already in memory (a workbook): all of them or, on error, nothing. */
export function writeBytesAtomic(destination: string, bytes: Uint8Array): void {
  replaceAtomically(destination, (fd) => {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  });
}

/**
 * The same for text already in memory, without blocking the event loop: for callers with other
 * work in flight (a collection with many hosts open), where a synchronous fsync would stall
 * every one of them. All of it or, on error, nothing.
 */
export async function writeTextAtomic(destination: string, text: string): Promise<void> {
  const temp = path.join(
    path.dirname(destination),
    `.${path.basename(destination)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const file = await open(temp, "wx", 0o644);
  try {
    await file.writeFile(text);
    await file.sync();
    await file.close();
    await rename(temp, destination);
  } catch (error) {
    await file.close().catch(() => undefined); // already closed
    await rm(temp, { force: true });
    throw error;
  }
}
