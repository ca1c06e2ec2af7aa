/**
 * lcm-app-supported and lcm-app-support-ending: installed applications against the dated
 * application end-of-support table (policies/data/app-lifecycle.yaml).
 */
import type { MachineCheck, PolicyData } from "../types.js";
import { nameRecords, Slot, type NameRecord } from "../installed-names.js";
import type { Evidence } from "../../evaluation/result.js";
import type { AppLifecycleTable } from "../../policy/baseline-schema.js";
import { ageInDays } from "../dates.js";
import { pattern } from "../patterns.js";
import { inventoryOf, type InstalledSoftware } from "../software.js";
import { LastAnswer } from "../../last-answer.js";
import { Answers, UNASKED } from "../../answers.js";
import { itemPointer } from "../item-pointer.js";

type Product = AppLifecycleTable["products"][number];

// A fleet installs the same few titles many times over: match each name once, then each version
// of a name some product matches (a key joining both would be a new string per installation).
// Most titles match no product: one lookup answers for them.
const PRODUCTS = new Slot<ProductsOfName | undefined>();

interface ProductsOfName {
  /** The products whose name pattern matches, in the table's order. */
  readonly products: readonly Product[];
  /** Each version's first product, if any. */
  readonly byVersion: Answers<string, Product | undefined>;
}

/**
 * The first product whose name pattern (and version pattern, when given) matches the title;
 * `record` is its name's.
 */
function findProduct(
  item: InstalledSoftware,
  record: NameRecord,
  table: AppLifecycleTable,
): Product | undefined {
  let named = record.answer(PRODUCTS, table);
  if (named === UNASKED) named = matchProducts(record, table);
  if (named === undefined) return undefined;
  const version = item.version ?? "";
  const kept = named.byVersion.lookup(version);
  return kept === UNASKED ? matchVersion(version, named) : kept;
}

// The matching apart from the lookups above (`Memo.lookup` says why).
function matchProducts(record: NameRecord, table: AppLifecycleTable): ProductsOfName | undefined {
  const name = record.name;
  const products = table.products.filter((p) => pattern(p.name).test(name));
  return record.keep(
    PRODUCTS,
    table,
    products.length === 0
      ? undefined
      : { products, byVersion: new Answers<string, Product | undefined>() },
  );
}

function matchVersion(version: string, named: ProductsOfName): Product | undefined {
  const product = named.products.find(
    (p) => p.version === undefined || pattern(p.version).test(version),
  );
  named.byVersion.set(version, product);
  return product;
}

function describe(item: InstalledSoftware): string {
  return item.version === undefined ? item.name : `${item.name} ${item.version}`;
}

// Both app-lifecycle controls ask it of each machine in turn.
const lastProducts = new LastAnswer((items: readonly InstalledSoftware[], data: PolicyData) => {
  const records = nameRecords(items, data);
  return items.map((item, index) => findProduct(item, records[index]!, data.appLifecycle));
});

interface EndingTitle {
  readonly index: number;
  readonly item: InstalledSoftware;
  readonly product: Product;
  readonly daysLeft: number;
}

/** Installed titles of a listed product whose days of support left `select` picks (negative: ended). */
function titlesEnding(
  items: readonly InstalledSoftware[],
  data: PolicyData,
  at: Date,
  select: (daysLeft: number) => boolean,
): EndingTitle[] {
  // A loop, not flatMap: most of a machine's titles are no listed product, and each would cost
  // an empty array.
  const found: EndingTitle[] = [];
  const products = lastProducts.get(items, data);
  items.forEach((item, index) => {
    const product = products[index];
    if (product === undefined) return;
    // endOfSupport is the last day with updates: one day after it, daysLeft is -1.
    const daysLeft = -(ageInDays(product.endOfSupport, at) ?? 0);
    if (select(daysLeft)) found.push({ index, item, product, daysLeft });
  });
  return found;
}

export const appsSupported: MachineCheck = (machine, ctx) => {
  const inventory = inventoryOf(
    machine,
    "a software inventory with no application past its end of support",
  );
  if (!inventory.known) return { status: "fail", evidence: [inventory.evidence] };
  const evidence: Evidence[] = titlesEnding(
    inventory.items,
    ctx.data,
    ctx.at,
    (daysLeft) => daysLeft < 0,
  ).map(({ index, item, product }) => ({
    pointer: itemPointer("/software", index),
    actual: describe(item),
    expected: `a supported release: ${product.product} support ended ${product.endOfSupport} (${product.source})`,
  }));
  return evidence.length === 0 ? { status: "pass" } : { status: "fail", evidence };
};

export const appsSupportEnding: MachineCheck = (machine, ctx) => {
  const days = ctx.params["warnDays"] as number;
  const inventory = inventoryOf(
    machine,
    `a software inventory with no application whose support ends within ${days} days`,
  );
  if (!inventory.known) return { status: "fail", evidence: [inventory.evidence] };
  const evidence: Evidence[] = titlesEnding(
    inventory.items,
    ctx.data,
    ctx.at,
    (daysLeft) => daysLeft >= 0 && daysLeft < days,
  ).map(({ index, item, product, daysLeft }) => ({
    pointer: itemPointer("/software", index),
    actual: describe(item),
    expected: `support that lasts more than ${days} days: ${product.product} support ends ${product.endOfSupport}, in ${daysLeft} days (${product.source})`,
  }));
  return evidence.length === 0 ? { status: "pass" } : { status: "fail", evidence };
};
