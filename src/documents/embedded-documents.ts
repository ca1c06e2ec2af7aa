/**
 * Parsed copies of the YAML files shipped in policies/ (baselines, reference tables), embedded in
 * the bundle by the build and found by their text's SHA-256: a file whose text is exactly the
 * shipped one is not parsed again, and any other text (an edited baseline) is parsed as ever.
 * From the sources there are none.
 */
import { createHash } from "node:crypto";
import { EMBEDDED_DOCUMENTS } from "./embedded-documents.data.js";

/** One shipped file's parsed value as JSON text, keyed by the text it was parsed from. */
export interface EmbeddedDocument {
  /** The text's length in UTF-16 code units: only texts of this length are hashed at all. */
  readonly length: number;
  /** SHA-256 of the text (UTF-8), hex. */
  readonly sha256: string;
  readonly json: string;
}

export function textDigest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

let byLength: Map<number, EmbeddedDocument[]> | undefined;

function indexByLength(table: readonly EmbeddedDocument[]): Map<number, EmbeddedDocument[]> {
  const index = new Map<number, EmbeddedDocument[]>();
  for (const entry of table) index.set(entry.length, [...(index.get(entry.length) ?? []), entry]);
  return index;
}

/**
 * The parsed value of a text the build embedded, fresh for each call (callers may change it),
 * or undefined. A text of no shipped file's length (nearly every machine file) costs a map
 * lookup, not a hash.
 */
export function embeddedValue(
  text: string,
  table: readonly EmbeddedDocument[] = EMBEDDED_DOCUMENTS,
): { readonly value: unknown } | undefined {
  if (table.length === 0) return undefined;
  const index =
    table === EMBEDDED_DOCUMENTS ? (byLength ??= indexByLength(table)) : indexByLength(table);
  const candidates = index.get(text.length);
  if (candidates === undefined) return undefined;
  const digest = textDigest(text);
  const found = candidates.find((entry) => entry.sha256 === digest);
  return found === undefined ? undefined : { value: JSON.parse(found.json) };
}
