/** Regular expressions from policy data and parameters: case-insensitive, compiled once. */

const compiled = new Map<string, RegExp>();

/** A case-insensitive Unicode regular expression for the pattern, cached by its source. */
export function pattern(source: string): RegExp {
  let regex = compiled.get(source);
  if (regex === undefined) {
    regex = new RegExp(source, "iu");
    compiled.set(source, regex);
  }
  return regex;
}
