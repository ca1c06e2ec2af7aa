/** `--out <dir>`: the folder a command writes its report files into. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../support/errors.js";

/**
 * Makes `out` when missing and returns a function that writes one file there with `write`,
 * returning its path; a file-system failure of either is a usage error naming what could not be
 * written. File names are the command's own: nothing from the input (a host name) becomes a path.
 */
export function outDirectory(
  out: string,
): (fileName: string, write: (file: string) => void) => string {
  const cannot = (error: unknown, what: string) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    return new UsageError(`--out ${out}: cannot write ${what} (${code})`);
  };
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    throw cannot(error, "the directory");
  }
  return (fileName, write) => {
    const file = path.join(out, fileName);
    try {
      write(file);
    } catch (error) {
      throw cannot(error, fileName);
    }
    return file;
  };
}
