/** aup-prohibited-software: nothing installed matches a prohibited pattern unless approved. */
import type { MachineCheck } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import { inventoryOf, type InstalledSoftware } from "../software.js";
import { pattern } from "../patterns.js";
import { Answers, UNASKED } from "../../answers.js";
import { nameRecords, Slot, type NameRecord } from "../installed-names.js";

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

// The verdict on a (name, publisher) pair depends only on the parameters: decide it once, by
// name and then by publisher (a key joining both was a new string to hash for every title of
// every machine). No publisher and an empty one are told apart: a pattern may match "".
class Verdicts {
  // Nearly every name comes with one publisher: its verdict is compared for before any lookup.
  lastPublisher: string | undefined | typeof UNASKED = UNASKED;
  lastRule: ProhibitedPattern | undefined;
  readonly byPublisher = new Answers<string | undefined, ProhibitedPattern | undefined>();
}
const VERDICTS = new Slot<Verdicts>();

function prohibitedRule(
  item: InstalledSoftware,
  record: NameRecord,
  params: Readonly<Record<string, unknown>>,
): ProhibitedPattern | undefined {
  let verdicts = record.answer(VERDICTS, params);
  if (verdicts === UNASKED) verdicts = record.keep(VERDICTS, params, new Verdicts());
  const publisher = item.publisher;
  if (publisher === verdicts.lastPublisher) return verdicts.lastRule;
  let rule = verdicts.byPublisher.lookup(publisher);
  if (rule === UNASKED) verdicts.byPublisher.set(publisher, (rule = decide(item, params)));
  verdicts.lastPublisher = publisher;
  verdicts.lastRule = rule;
  return rule;
}

// Apart from the lookups above (`Memo.lookup` says why).
function decide(
  item: InstalledSoftware,
  params: Readonly<Record<string, unknown>>,
): ProhibitedPattern | undefined {
  const approved = params["approved"] as readonly string[];
  return approved.some((a) => pattern(a).test(item.name))
    ? undefined
    : (params["prohibited"] as readonly ProhibitedPattern[]).find((r) => matches(item, r));
}

export const prohibitedSoftware: MachineCheck = (machine, ctx) => {
  const inventory = inventoryOf(machine, "a software inventory with no prohibited titles");
  if (!inventory.known) return { status: "fail", evidence: [inventory.evidence] };
  const evidence: Evidence[] = [];
  const records = nameRecords(inventory.items, ctx.data);
  inventory.items.forEach((item, index) => {
    const rule = prohibitedRule(item, records[index]!, ctx.params);
    if (rule === undefined) return;
    const how = rule.name ?? rule.publisher ?? "";
    evidence.push({
      pointer: `/software/${index}`,
      actual: item.publisher === undefined ? item.name : `${item.name} (${item.publisher})`,
      expected: `not installed: ${CATEGORY_WORDS[rule.category]} (matches /${how}/i)`,
    });
  });
  return evidence.length === 0 ? { status: "pass" } : { status: "fail", evidence };
};
