/** Reading a machine's software inventory and recognising catalog titles in it. */
import type { MachineConfig } from "../../machine-config/schema.js";
import type { Evidence } from "../evaluation/result.js";
import type { SoftwareCatalog } from "../policy/baseline-schema.js";
import { pattern } from "./patterns.js";
import { LastAnswer } from "../last-answer.js";
import { Memo } from "../memo.js";
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
const titleByName = new Memo<SoftwareCatalog, CatalogTitle | undefined>();

/** The first catalog title whose pattern matches the installed name. */
export function catalogTitle(
  item: InstalledSoftware,
  catalog: SoftwareCatalog,
): CatalogTitle | undefined {
  const kept = titleByName.lookup(catalog, item.name);
  return kept === UNASKED ? matchCatalog(item.name, catalog) : kept;
}

// Apart from the lookup above (`Memo.lookup` says why).
function matchCatalog(name: string, catalog: SoftwareCatalog): CatalogTitle | undefined {
  const title = catalog.titles.find((t) => pattern(t.match).test(name));
  titleByName.set(catalog, name, title);
  return title;
}

// Both license controls ask it of each machine in turn.
const lastCommercialTitles = new LastAnswer(findCommercialTitles);

/** Commercial catalog titles installed, each once, with the index of its first installation. */
export function commercialTitles(
  items: readonly InstalledSoftware[],
  catalog: SoftwareCatalog,
): ReadonlyMap<string, { readonly title: CatalogTitle; readonly index: number }> {
  return lastCommercialTitles.get(items, catalog);
}

function findCommercialTitles(
  items: readonly InstalledSoftware[],
  catalog: SoftwareCatalog,
): ReadonlyMap<string, { readonly title: CatalogTitle; readonly index: number }> {
  const found = new Map<string, { title: CatalogTitle; index: number }>();
  items.forEach((item, index) => {
    const title = catalogTitle(item, catalog);
    if (title?.license === "commercial" && !found.has(title.title.toLowerCase())) {
      found.set(title.title.toLowerCase(), { title, index });
    }
  });
  return found;
}
