/**
 * Firmware placeholder serials ("To Be Filled By O.E.M.", a string of zeros): every board of a
 * kind reports the same one, so it identifies no machine. A control's list holds serials, compared
 * with letter case and surrounding spaces aside, and, written between slashes as GLPI's blacklist
 * writes them (`/^0+$/`), regular expressions, case-insensitive and anchored only as written.
 */
import { Memo } from "../../memo.js";
import { assetKey } from "../../input/registers.js";

/** True when a serial, as its key (assetKey: trimmed, lower case), is a placeholder of the list. */
export type PlaceholderTest = (key: string) => boolean;

/** An entry the parameter's schema reads as a regular expression: /…/ with something between. */
const isPatternEntry = (entry: string) =>
  entry.length >= 3 && entry.startsWith("/") && entry.endsWith("/");

const tests = new Memo<readonly string[], PlaceholderTest>();

/** The test for a list (compiled once per list: a run judges every machine with the same one). */
export function placeholderTest(entries: readonly string[]): PlaceholderTest {
  return tests.get(entries, "", () => {
    const literals = new Set<string>();
    const patterns: RegExp[] = [];
    for (const entry of entries) {
      if (isPatternEntry(entry)) patterns.push(new RegExp(entry.slice(1, -1), "i"));
      else literals.add(assetKey(entry) ?? "");
    }
    return (key) => {
      if (literals.has(key)) return true;
      for (const pattern of patterns) if (pattern.test(key)) return true;
      return false;
    };
  });
}
