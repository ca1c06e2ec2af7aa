/**
 * What the software controls decided about each installed title's name, kept in one record per
 * distinct name of a run. A machine's names are looked up once (`nameRecords`), and each control
 * keeps its answer in a slot of the record, beside the table or parameters it decided it for.
 *
 * Why: a fleet installs a few thousand names a hundred times over, and each control kept its own
 * map by name, so every title of every machine cost five map lookups (the first also hashing
 * the name, a new string with every machine): 3.5 s of a 100,000-machine check on machines
 * listing about 110 programs.
 */
import { UNASKED } from "../answers.js";
import { LastAnswer } from "../last-answer.js";
import { FreshStringMap } from "../../support/fresh-string-map.js";

/** A control's place in every record: made once, when its module loads. */
export class Slot<T> {
  private static made = 0;
  /** How many slots there are: every control's module has loaded before a run makes records. */
  static get count(): number {
    return Slot.made;
  }
  readonly index = Slot.made++;
  // Only to tie the slot to its type: a Slot<T> is read as a T.
  declare private readonly type: T;
}

/** One distinct name's answers, each with the owner (a table, a control's parameters) it is for. */
export class NameRecord {
  // Each slot's owner and answer side by side, in one array made with the record, so that it
  // lies next to it: every title of every machine reads it, and with owners and answers in two
  // arrays grown later, those reads were 0.75 s of a 100,000-machine check with programs.
  private readonly answers: unknown[] = new Array<unknown>(2 * Slot.count).fill(undefined);

  constructor(readonly name: string) {}

  /** The answer kept in `slot` for `owner`, or UNASKED (also after another owner's answer). */
  answer<T>(slot: Slot<T>, owner: object): T | typeof UNASKED {
    const at = 2 * slot.index;
    return this.answers[at] === owner ? (this.answers[at + 1] as T) : UNASKED;
  }

  /** Keeps `value` in `slot` for `owner`, in place of any other owner's; returns it. */
  keep<T>(slot: Slot<T>, owner: object, value: T): T {
    const at = 2 * slot.index;
    this.answers[at] = owner;
    this.answers[at + 1] = value;
    return value;
  }
}

// One table of records per run, by its policy data: nothing outlives the run. Every machine's
// names are new strings, which a `Map` would hash each time (`FreshStringMap` says why not).
const tables = new WeakMap<object, FreshStringMap<NameRecord>>();

// The controls judge a machine's titles one after another: the last machine's records serve all.
const lastRecords = new LastAnswer(recordsOf);

/** The record of each title's name, in the inventory's order; `run` is the run's policy data. */
export function nameRecords(
  items: readonly { readonly name: string }[],
  run: object,
): readonly NameRecord[] {
  return lastRecords.get(items, run);
}

function recordsOf(items: readonly { readonly name: string }[], run: object): NameRecord[] {
  let table = tables.get(run);
  if (table === undefined) tables.set(run, (table = new FreshStringMap<NameRecord>()));
  const records = new Array<NameRecord>(items.length);
  for (let i = 0; i < items.length; i++) records[i] = table.get(items[i]!.name, newRecord);
  return records;
}

const newRecord = (name: string): NameRecord => new NameRecord(name);
