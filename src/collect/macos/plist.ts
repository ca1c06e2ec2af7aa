/**
 * A reader of Apple's XML property lists (`plutil -convert xml1`, `pwpolicy -getaccountpolicies`):
 * dict, array, string, integer, real, true, false, date and data. Pure; anything else, or a
 * malformed document, is a problem with its place, never a guess. Written here rather than taken
 * from npm's `plist` (5.0): that one reads `<integer>12a</integer>` as 12, two root values as an
 * array and an empty plist as [], and a collector must not turn a damaged value into a fact.
 */

/** One value of a property list; a dict keeps its keys in document order. */
export type PlistValue =
  | { readonly kind: "dict"; readonly entries: ReadonlyMap<string, PlistValue> }
  | { readonly kind: "array"; readonly items: readonly PlistValue[] }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "integer"; readonly value: number }
  | { readonly kind: "real"; readonly value: number }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "date"; readonly value: string }
  | { readonly kind: "data"; readonly value: string };

/** The parsed document, or what was wrong and where. */
export type PlistResult =
  | { readonly ok: true; readonly value: PlistValue }
  | { readonly ok: false; readonly problem: string };

const ENTITIES: Readonly<Record<string, string>> = {
  "&lt;": "<",
  "&gt;": ">",
  "&amp;": "&",
  "&quot;": '"',
  "&apos;": "'",
};

function decode(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);|&#(\d+);|&#x([0-9a-f]+);/gi, (m, _n, d, h) =>
    d !== undefined
      ? String.fromCodePoint(Number(d))
      : h !== undefined
        ? String.fromCodePoint(parseInt(h as string, 16))
        : (ENTITIES[m] ?? m),
  );
}

class PlistError extends Error {}

/** Parses the `<plist>` element of `text`; text before it (a tool's banner line) is ignored. */
export function parsePlist(text: string): PlistResult {
  const start = text.indexOf("<plist");
  if (start < 0) return { ok: false, problem: "no <plist> element" };
  // Tags and the text between them, comments and declarations left out.
  const tokens = text
    .slice(start)
    .replace(/<!--[\s\S]*?-->/g, "")
    .split(/(<[^>]*>)/)
    .filter((t) => t.trim() !== "");
  let at = 0;
  const next = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new PlistError("the document ends early");
    return token;
  };
  const textUntil = (close: string): string => {
    let token = next();
    if (token === close) return "";
    if (token.startsWith("<")) throw new PlistError(`expected ${close}, found ${token}`);
    const value = token;
    token = next();
    if (token !== close) throw new PlistError(`expected ${close}, found ${token}`);
    return value;
  };
  const value = (tag: string): PlistValue => {
    const name = /^<(\w+)\s*\/?>$/.exec(tag)?.[1];
    const empty = tag.endsWith("/>");
    switch (name) {
      case "dict": {
        const entries = new Map<string, PlistValue>();
        if (empty) return { kind: "dict", entries };
        for (let t = next(); t !== "</dict>"; t = next()) {
          if (t !== "<key>") throw new PlistError(`expected <key> in a dict, found ${t}`);
          const key = decode(textUntil("</key>"));
          entries.set(key, value(next()));
        }
        return { kind: "dict", entries };
      }
      case "array": {
        const items: PlistValue[] = [];
        if (empty) return { kind: "array", items };
        for (let t = next(); t !== "</array>"; t = next()) items.push(value(t));
        return { kind: "array", items };
      }
      case "true":
      case "false":
        if (!empty) throw new PlistError(`expected <${name}/>`);
        return { kind: "boolean", value: name === "true" };
      case "string":
      case "date":
      case "data": {
        const text = empty ? "" : decode(textUntil(`</${name}>`));
        return { kind: name, value: name === "data" ? text.replace(/\s+/g, "") : text };
      }
      case "integer":
      case "real": {
        const raw = empty ? "" : textUntil(`</${name}>`).trim();
        const number = Number(raw);
        const pattern = name === "integer" ? /^[-+]?\d+$/ : /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
        if (!pattern.test(raw) || !Number.isFinite(number))
          throw new PlistError(`<${name}> holds "${raw.slice(0, 40)}"`);
        return { kind: name, value: number };
      }
      default:
        throw new PlistError(`unexpected ${tag.slice(0, 60)}`);
    }
  };
  try {
    const open = next();
    if (!/^<plist\b[^>]*>$/.test(open)) throw new PlistError(`unexpected ${open.slice(0, 60)}`);
    const root = next();
    if (root === "</plist>") throw new PlistError("the plist is empty");
    const parsed = value(root);
    if (next() !== "</plist>") throw new PlistError("more than one value in the plist");
    return { ok: true, value: parsed };
  } catch (error) {
    if (error instanceof PlistError) return { ok: false, problem: error.message };
    throw error;
  }
}

/** The entry `key` of a dict, or undefined when `value` is no dict or lacks it. */
export function plistEntry(value: PlistValue | undefined, key: string): PlistValue | undefined {
  return value?.kind === "dict" ? value.entries.get(key) : undefined;
}
