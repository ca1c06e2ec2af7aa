/** aup-prohibited-software: nothing installed matches a prohibited pattern unless approved. */
import type { MachineCheck } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { inventoryOf, type InstalledSoftware } from "../software.js";
import { pattern } from "../patterns.js";
import { Answers, UNASKED } from "../../answers.js";
import { nameRecords, Slot, type NameRecord } from "../installed-names.js";
import { itemPointer } from "../item-pointer.js";

export const PROHIBITED_CATEGORIES = [
  "p2p",
  "crypto-miner",
  "remote-access",
  "game",
  "other",
] as const;
export type ProhibitedCategory = (typeof PROHIBITED_CATEGORIES)[number];

const CATEGORY_WORDS: Readonly<Record<ProhibitedCategory, string>> = {
  p2p: "peer-to-peer file sharing",
  "crypto-miner": "cryptocurrency miner",
  "remote-access": "unapproved remote-access tool",
  game: "game or game store",
  other: "prohibited by town policy",
};

/** One entry of the `prohibited` parameter: both patterns, when given, must match. */
export interface ProhibitedPattern {
  readonly category: ProhibitedCategory;
  readonly name?: string;
  readonly publisher?: string;
}

function matches(item: InstalledSoftware, rule: ProhibitedPattern): boolean {
  if (rule.name !== undefined && !pattern(rule.name).test(item.name)) return false;
  if (rule.publisher === undefined) return true;
  return item.publisher !== undefined && pattern(rule.publisher).test(item.publisher);
}

/** A title that breaks a rule, as its evidence's texts: made once per (name, publisher). */
interface Breach {
  readonly actual: string;
  readonly expected: string;
}

// The verdict on a (name, publisher) pair depends only on the parameters: decide it once, by
// name and then by publisher (a key joining both was a new string to hash for every title of
// every machine). No publisher and an empty one are told apart: a pattern may match "". The
// evidence's texts are made with the verdict, so every machine's finding shares them: made per
// machine, they were seven joined strings a finding, kept with the results to the end.
class Verdicts {
  // Nearly every name comes with one publisher: its verdict is compared for before any lookup.
  lastPublisher: string | undefined | typeof UNASKED = UNASKED;
  lastBreach: Breach | undefined;
  readonly byPublisher = new Answers<string | undefined, Breach | undefined>();
}
const VERDICTS = new Slot<Verdicts>();

function breachOf(
  item: InstalledSoftware,
  record: NameRecord,
  params: Readonly<Record<string, unknown>>,
): Breach | undefined {
  let verdicts = record.answer(VERDICTS, params);
  if (verdicts === UNASKED) verdicts = record.keep(VERDICTS, params, new Verdicts());
  const publisher = item.publisher;
  if (publisher === verdicts.lastPublisher) return verdicts.lastBreach;
  let breach = verdicts.byPublisher.lookup(publisher);
  if (breach === UNASKED) verdicts.byPublisher.set(publisher, (breach = decide(item, params)));
  verdicts.lastPublisher = publisher;
  verdicts.lastBreach = breach;
  return breach;
}

// Apart from the lookups above (`Memo.lookup` says why).
function decide(
  item: InstalledSoftware,
  params: Readonly<Record<string, unknown>>,
): Breach | undefined {
  const approved = params["approved"] as readonly string[];
  if (approved.some((a) => pattern(a).test(item.name))) return undefined;
  const rules = params["prohibited"] as readonly ProhibitedPattern[];
  const rule = rules.find((r) => matches(item, r));
  if (rule === undefined) return undefined;
  const how = rule.name ?? rule.publisher ?? "";
  return {
    actual: item.publisher === undefined ? item.name : `${item.name} (${item.publisher})`,
    expected: `not installed: ${CATEGORY_WORDS[rule.category]} (matches /${how}/i)`,
  };
}

export const prohibitedSoftware: MachineCheck = (machine, ctx) => {
  const inventory = inventoryOf(machine, "a software inventory with no prohibited titles");
  if (!inventory.known) return { status: "fail", evidence: [inventory.evidence] };
  const evidence: Evidence[] = [];
  const items = inventory.items;
  const records = nameRecords(items, ctx.data);
  for (let index = 0; index < items.length; index++) {
    const breach = breachOf(items[index]!, records[index]!, ctx.params);
    if (breach === undefined) continue;
    evidence.push({
      pointer: itemPointer("/software", index),
      actual: breach.actual,
      expected: breach.expected,
    });
  }
  return evidence.length === 0 ? { status: "pass" } : { status: "fail", evidence };
};
