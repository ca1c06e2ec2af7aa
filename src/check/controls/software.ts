/** Reading a machine's software inventory and recognising catalog titles in it. */
import type { MachineConfig } from "../../machine-config/schema.js";
import type { Evidence } from "../evaluation/result.js";
import type { SoftwareCatalog } from "../policy/baseline-schema.js";
import { pattern } from "./patterns.js";
import { LastAnswer } from "../last-answer.js";
import { nameRecords, Slot, type NameRecord } from "./installed-names.js";
import type { PolicyData } from "./types.js";
import { UNASKED } from "../answers.js";

export type InstalledSoftware = Exclude<MachineConfig["software"], "unknown" | undefined>[number];
export type CatalogTitle = SoftwareCatalog["titles"][number];

/** The inventory, or evidence that it was not collected: a missing inventory proves nothing. */
export type Inventory =
  | { readonly known: true; readonly items: readonly InstalledSoftware[] }
  | { readonly known: false; readonly evidence: Evidence };

export function inventoryOf(machine: Pick<MachineConfig, "software">, expected: string): Inventory {
  const software = machine.software;
  if (Array.isArray(software)) return { known: true, items: software };
  return { known: false, evidence: { pointer: "/software", actual: software, expected } };
}

// A fleet installs few distinct titles many times over: match each name once per catalog.
const CATALOG_TITLE = new Slot<CatalogTitle | undefined>();

/** The first catalog title whose pattern matches the installed name. */
function catalogTitle(record: NameRecord, catalog: SoftwareCatalog): CatalogTitle | undefined {
  const kept = record.answer(CATALOG_TITLE, catalog);
  return kept === UNASKED ? matchCatalog(record, catalog) : kept;
}

// Apart from the lookup above: a function whose closures use its variables gets a context made
// on every call, answered or not.
function matchCatalog(record: NameRecord, catalog: SoftwareCatalog): CatalogTitle | undefined {
  const name = record.name;
  return record.keep(
    CATALOG_TITLE,
    catalog,
    catalog.titles.find((t) => pattern(t.match).test(name)),
  );
}

// Both license controls ask it of each machine in turn.
const lastCommercialTitles = new LastAnswer(findCommercialTitles);

/**
 * Commercial catalog titles installed, each once, with the index of its first installation;
 * `data` is the run's policy data, whose software catalog names them.
 */
export function commercialTitles(
  items: readonly InstalledSoftware[],
  data: PolicyData,
): ReadonlyMap<string, { readonly title: CatalogTitle; readonly index: number }> {
  return lastCommercialTitles.get(items, data);
}

function findCommercialTitles(
  items: readonly InstalledSoftware[],
  data: PolicyData,
): ReadonlyMap<string, { readonly title: CatalogTitle; readonly index: number }> {
  const catalog = data.softwareCatalog;
  const records = nameRecords(items, data);
  const found = new Map<string, { title: CatalogTitle; index: number }>();
  for (let index = 0; index < items.length; index++) {
    const title = catalogTitle(records[index]!, catalog);
    if (title?.license === "commercial" && !found.has(title.title.toLowerCase())) {
      found.set(title.title.toLowerCase(), { title, index });
    }
  }
  return found;
}
