/**
 * The coverage map: which CIS Controls v8 safeguards of Implementation Groups 1 and 2 the
 * evaluated controls cover, read from each control's `references.cisControls`, and which none
 * covers, so a town sees what a passing report does not say.
 */
import type { CisSafeguards } from "./baseline-schema.js";

/** What the map needs of a control. */
export interface CoveringControl {
  readonly id: string;
  readonly baseline: string;
  readonly references: { readonly cisControls?: readonly string[] };
}

export interface SafeguardCoverage {
  readonly id: string;
  readonly title: string;
  /** The lowest Implementation Group that includes the safeguard. */
  readonly implementationGroup: 1 | 2;
  /** The controls that reference it, in evaluation order; empty when none does. */
  readonly controls: readonly { readonly id: string; readonly baseline: string }[];
}

export interface Coverage {
  readonly framework: "CIS Controls v8";
  readonly source: string;
  /** Every IG1 and IG2 safeguard in numeric order, covered or not. */
  readonly safeguards: readonly SafeguardCoverage[];
  /** Covered and total safeguards of IG1, and of IG2 (which includes IG1's). */
  readonly summary: {
    readonly ig1: { readonly covered: number; readonly total: number };
    readonly ig2: { readonly covered: number; readonly total: number };
  };
}

/** The IG1 and IG2 safeguards, each with the controls that cover it. */
export function coverageOf(controls: readonly CoveringControl[], table: CisSafeguards): Coverage {
  const bySafeguard = new Map<string, { id: string; baseline: string }[]>();
  for (const c of controls)
    for (const ref of new Set(c.references.cisControls ?? [])) {
      const list = bySafeguard.get(ref) ?? [];
      list.push({ id: c.id, baseline: c.baseline });
      bySafeguard.set(ref, list);
    }
  const safeguards: SafeguardCoverage[] = table.safeguards.flatMap((s) =>
    s.ig === 3
      ? []
      : [
          {
            id: s.id,
            title: s.title,
            implementationGroup: s.ig,
            controls: bySafeguard.get(s.id) ?? [],
          },
        ],
  );
  const tally = (maxGroup: 1 | 2) => {
    const group = safeguards.filter((s) => s.implementationGroup <= maxGroup);
    return { covered: group.filter((s) => s.controls.length > 0).length, total: group.length };
  };
  return {
    framework: "CIS Controls v8",
    source: table.source,
    safeguards,
    summary: { ig1: tally(1), ig2: tally(2) },
  };
}
