/** `--format a,b`: the formats a command writes, checked against its choices. */
import { UsageError } from "../support/errors.js";

/** Distinct formats in the order given; more than one needs `--out`, since stdout takes one. */
export function parseFormatList<T extends string>(
  value: string,
  choices: readonly T[],
  out: string | undefined,
): T[] {
  const formats = [
    ...new Set(
      value
        .split(",")
        .map((f) => f.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = formats.filter((f) => !(choices as readonly string[]).includes(f));
  if (unknown.length > 0 || formats.length === 0)
    throw new UsageError(
      `--format "${value}": choose from ${choices.join(", ")} (comma-separated)`,
    );
  if (formats.length > 1 && out === undefined)
    throw new UsageError(
      `--format ${formats.join(",")} needs --out <dir>: only one format can go to stdout`,
    );
  return formats as T[];
}
