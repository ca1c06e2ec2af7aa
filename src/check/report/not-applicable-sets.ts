/**
 * The distinct sets of not-applicable results in a check (the JSON report's `notApplicable`,
 * schemaVersion 3). Machines of one OS family, role and lifecycle status share theirs, so the
 * report names each set once and a subject names its set by index, rather than repeating two
 * dozen results per machine. Sets are told apart by their content and numbered in the order the
 * subjects first use them, so a run and a shard merge (which keep their rows over different
 * plans) number them alike.
 */
import type { ControlResult, NotApplicableResult } from "../evaluation/result.js";
import type { ResultRow } from "../evaluation/result-row.js";

export class NotApplicableSets {
  /** Each set, in control order, by index. */
  readonly sets: (readonly NotApplicableResult[])[] = [];
  private readonly byContent = new Map<string, number>();
  /**
   * A row's set by its plan and the own results that change a not-applicable slot: most rows
   * have none, and the rest (a fleet control without its register) share a few results.
   */
  private readonly byShape = new Map<string, number | undefined>();
  private readonly planIds = new Map<readonly ControlResult[], number>();
  private readonly resultIds = new Map<ControlResult, number>();

  /** The index of the row's set, or undefined when nothing is not applicable to it. */
  indexOf(row: ResultRow): number | undefined {
    const shape = this.shapeOf(row);
    if (this.byShape.has(shape)) return this.byShape.get(shape);
    const index = this.add(row);
    this.byShape.set(shape, index);
    return index;
  }

  private shapeOf(row: ResultRow): string {
    const plan = row.planned;
    let shape = String(this.idOf(this.planIds, plan));
    row.forEachOwn((r, i) => {
      if (r.status === "not-applicable") shape += `,${i}=${this.idOf(this.resultIds, r)}`;
      else if (plan[i]!.status === "not-applicable") shape += `,${i}`;
    });
    return shape;
  }

  private idOf<K>(ids: Map<K, number>, key: K): number {
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    return id;
  }

  private add(row: ResultRow): number | undefined {
    const entries = row.filter((r): r is NotApplicableResult => r.status === "not-applicable");
    if (entries.length === 0) return undefined;
    const content = JSON.stringify(entries.map((e) => [e.control, e.reason]));
    let index = this.byContent.get(content);
    if (index === undefined) {
      index = this.sets.length;
      this.sets.push(entries);
      this.byContent.set(content, index);
    }
    return index;
  }
}
