/**
 * The lines of the fields fleet controls cite (src/check/controls/fleet/), kept from the first
 * read of a machine file of several lines: the fleet controls conclude after every machine is
 * read, and without these lines SARIF would read and parse the file again for their evidence.
 */
import type { LineLocator } from "./machines.js";

/** Fields fleet controls point at: identifiers, addresses, the site, the machine itself. */
const CITED_FIELDS = [
  "",
  "/hostname",
  "/serialNumber",
  "/assetTag",
  "/site",
  "/ipAssignment",
  "/ipAddresses",
  "/macAddresses",
  "/software",
] as const;

/** Lists whose entries fleet controls point at one by one (`/software/12`). */
const CITED_LISTS = ["ipAddresses", "macAddresses", "software"] as const;

const FIELD_SLOT = new Map<string, number>(CITED_FIELDS.map((pointer, i) => [pointer, i]));
const LIST_SLOT = new Map<string, number>(CITED_LISTS.map((name, i) => [name, i]));
const LIST_ENTRY = /^\/([A-Za-z]+)\/(0|[1-9][0-9]*)$/;
// One array per machine: the fields' lines, where each list starts (and where the last ends),
// then the lists' entries. 0 stands for "no line found", as lines count from 1.
const LISTS_AT = CITED_FIELDS.length;
const ENTRIES_AT = LISTS_AT + CITED_LISTS.length + 1;

export class FleetFieldLines {
  private constructor(private readonly lines: Int32Array) {}

  /** Looks every cited field of the machine up in the text the locator holds. */
  static read(locate: LineLocator): FleetFieldLines {
    const machine = locate.machine as unknown as Readonly<Record<string, unknown>>;
    const entries = CITED_LISTS.map((name) => {
      const list = machine[name];
      if (!Array.isArray(list)) return [];
      const pointer = `/${name}`;
      // One walk where the text allows it (JSON), otherwise entry by entry: the same lines.
      const walked = locate.entryLines(pointer);
      if (walked !== undefined && walked.length === list.length) return walked;
      return list.map((_, i) => locate.lineOf(`${pointer}/${i}`));
    });
    const lines = new Int32Array(ENTRIES_AT + entries.reduce((n, list) => n + list.length, 0));
    CITED_FIELDS.forEach((pointer, i) => (lines[i] = locate.lineOf(pointer) ?? 0));
    let at = ENTRIES_AT;
    entries.forEach((list, k) => {
      lines[LISTS_AT + k] = at;
      for (const line of list) lines[at++] = line ?? 0;
    });
    lines[LISTS_AT + CITED_LISTS.length] = at;
    return new FleetFieldLines(lines);
  }

  /** The line kept for a field: a line, null when the first read found none, undefined when not kept. */
  lineOf(pointer: string): number | null | undefined {
    const field = FIELD_SLOT.get(pointer);
    if (field !== undefined) return this.lines[field] || null;
    const entry = LIST_ENTRY.exec(pointer);
    const list = entry && LIST_SLOT.get(entry[1]!);
    if (list === undefined || list === null) return undefined;
    const at = this.lines[LISTS_AT + list]! + Number(entry![2]);
    return at < this.lines[LISTS_AT + list + 1]! ? this.lines[at] || null : undefined;
  }
}
