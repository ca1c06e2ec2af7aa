/**
 * Which 2020-12 schemas ajv's draft-07 class may compile instead. The 2020-12 class tracks which
 * properties each `anyOf` branch evaluated (for `unevaluatedProperties`), which makes it try
 * every branch and build an error object for each branch that fails, even on valid data. A schema
 * whose every keyword means the same in draft-07 accepts exactly the same documents there.
 */

/**
 * Keywords that mean the same in draft-07 and 2020-12. Left out on purpose: `items` as an array
 * (a tuple in draft-07, invalid in 2020-12), `prefixItems`, `dependentRequired`,
 * `dependentSchemas`, `unevaluated*`, `minContains`/`maxContains` (which change `contains`),
 * `$schema`, `$anchor`, `$dynamicRef`.
 */
export const SAME_IN_DRAFT_07: ReadonlySet<string> = new Set([
  "$id",
  "$ref",
  "$defs",
  "title",
  "description",
  "type",
  "properties",
  "patternProperties",
  "additionalProperties",
  "required",
  "minProperties",
  "maxProperties",
  "anyOf",
  "allOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "const",
  "enum",
  "pattern",
  "format",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "items",
  "contains",
  "minItems",
  "maxItems",
  "uniqueItems",
]);

// Under these the keys are names the document chooses, not keywords.
const NAMED_SCHEMAS = new Set(["properties", "patternProperties", "$defs"]);
// Under these the value is data, not a schema.
const DATA = new Set(["const", "enum"]);

/**
 * The pointer of the first keyword in a schema that is not known to mean the same in draft-07
 * (`extra` names custom keywords added the same way to both classes), or undefined when there is
 * none.
 */
export function notSameInDraft07(
  node: unknown,
  extra: ReadonlySet<string> = new Set(),
  pointer = "",
): string | undefined {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) {
      const found = notSameInDraft07(item, extra, `${pointer}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  for (const [key, value] of Object.entries(node)) {
    const at = `${pointer}/${key}`;
    if (!SAME_IN_DRAFT_07.has(key) && !extra.has(key)) return at;
    if (key === "items" && Array.isArray(value)) return at;
    if (DATA.has(key)) continue;
    if (NAMED_SCHEMAS.has(key) && value !== null && typeof value === "object") {
      for (const [name, schema] of Object.entries(value as Record<string, unknown>)) {
        const found = notSameInDraft07(schema, extra, `${at}/${name}`);
        if (found !== undefined) return found;
      }
    } else if (typeof value === "object") {
      const found = notSameInDraft07(value, extra, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
