/** Small text-format readers the Linux parsers share. */

/** `KEY=value` lines (os-release, meta, sysfs dumps); quotes removed, the last value wins. */
export function keyValues(text: string, separator = "="): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf(separator);
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    let value = line.slice(at + separator.length).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1).replace(/\\(["$`\\])/g, "$1");
    values.set(key, value);
  }
  return values;
}

/** `name = value` settings of a PAM-module config file (faillock.conf, pwquality.conf); bare words are flags. */
export function moduleSettings(lines: readonly string[]): Map<string, string> {
  const settings = new Map<string, string>();
  for (const raw of lines) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "" || line.startsWith("@file ")) continue;
    const at = line.indexOf("=");
    if (at < 0) settings.set(line, "");
    else settings.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return settings;
}

/** A non-negative integer, or undefined for anything else. */
export function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A signed integer, or undefined. */
export function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Non-empty lines, trimmed of trailing whitespace. */
export function lines(text: string): string[] {
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    // trimEnd drops what /\s+$/ matches (white space and line terminators), without a RegExp per line.
    const trimmed = line.trimEnd();
    if (trimmed !== "") kept.push(trimmed);
  }
  return kept;
}
