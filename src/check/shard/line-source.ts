/** Lines of a file read with readSync, for the merge's shard files. */
import { readSync } from "node:fs";

const NEWLINE = 0x0a;

/**
 * Lines of a file, read in chunks without blocking on promises (a merge has nothing else to do).
 * A line is decoded only when it is asked for, so it dies young (see jsonLinesItems).
 */
export class LineSource {
  private buffer: Buffer;
  /** The bytes read and not yet returned are filled[start…]. */
  private filled: Buffer;
  private start = 0;
  private done = false;

  constructor(
    private readonly fd: number,
    chunkBytes: number,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
    this.filled = this.buffer.subarray(0, 0);
  }

  read(): string | undefined {
    for (;;) {
      const end = this.filled.indexOf(NEWLINE, this.start);
      if (end !== -1) {
        const line = this.filled.toString("utf8", this.start, end);
        this.start = end + 1;
        return line;
      }
      if (this.done) {
        if (this.start >= this.filled.length) return undefined;
        const last = this.filled.toString("utf8", this.start);
        this.start = this.filled.length;
        return last;
      }
      this.refill();
    }
  }

  /** Moves the unfinished line to the front (into a buffer twice as large when it fills one) and reads on. */
  private refill(): void {
    const kept = this.filled.length - this.start;
    const target =
      kept === this.buffer.length ? Buffer.allocUnsafe(2 * this.buffer.length) : this.buffer;
    this.filled.copy(target, 0, this.start);
    this.buffer = target;
    const n = readSync(this.fd, target, kept, target.length - kept, null);
    if (n === 0) this.done = true;
    this.filled = target.subarray(0, kept + n);
    this.start = 0;
  }
}
