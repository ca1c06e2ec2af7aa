/**
 * lcm-disposed-wipe-recorded: every disposed asset — a Disposed row of the asset register, or a
 * machine config whose lifecycle status is disposed — has a wipe record in the disposal register,
 * with a method the town accepts for media leaving its control.
 */
import type { FleetCheck, UnreportedAsset } from "../types.js";
import type { Evidence } from "../../evaluation/result.js";
import type { AssetEntry } from "../../input/registers.js";
import { disposalKey, type DisposalRecord } from "../../input/disposals.js";
import { findAsset, registerIndex, placeholderSerials, registerFile } from "./asset-match.js";

export const disposedWipeRecorded: FleetCheck = {
  requires: ["assets", "disposals"],
  create(ctx) {
    const accepted = new Set(ctx.params["methods"] as readonly string[]);
    const entries = ctx.data.assets?.entries ?? [];
    const disposedEntry = (entry: AssetEntry) => entry.status === "disposed";
    const disposed = entries.filter(disposedEntry);
    const index = registerIndex(entries, placeholderSerials(ctx.params));
    const assetsFile = registerFile(ctx.data.assets);
    const disposalsFile = ctx.data.disposals?.file ?? "the disposal register";
    const records = new Map<string, DisposalRecord>();
    // One record per asset: the register reports a second one as a problem.
    for (const r of ctx.data.disposals?.records ?? []) records.set(disposalKey(r.assetTag), r);

    /** Why the asset with this tag fails, or undefined when its record is good. */
    const judge = (tag: string | undefined, where: string): Evidence | undefined => {
      const record = tag === undefined ? undefined : records.get(disposalKey(tag));
      if (record === undefined)
        return {
          pointer: "/assetTag",
          actual: tag ?? "unknown",
          expected: `a wipe record for ${tag ?? "the asset"} in ${disposalsFile} (${where}); record it with stronghold dispose`,
        };
      if (!accepted.has(record.method))
        return {
          pointer: "/assetTag",
          actual: `${record.method} on ${record.wipedAt} (${disposalsFile} line ${record.line})`,
          expected: `one of ${[...accepted].join(", ")} for media leaving the town's control`,
        };
      return undefined;
    };

    const failures = new Map<number, readonly Evidence[]>();
    const seen = new Set<AssetEntry>();
    return {
      observe(machine, handle) {
        const asset = findAsset(machine, index, disposedEntry);
        if (asset !== undefined && asset !== "unknown") seen.add(asset);
        const isDisposed = machine.lifecycle.status === "disposed";
        if (!isDisposed && (asset === undefined || asset === "unknown")) return;
        const tag =
          asset !== undefined && asset !== "unknown"
            ? asset.assetTag
            : machine.assetTag === "unknown"
              ? undefined
              : machine.assetTag;
        const where =
          asset !== undefined && asset !== "unknown"
            ? `Disposed in ${assetsFile} line ${asset.line}`
            : "lifecycle.status disposed";
        const evidence = judge(tag, where);
        if (evidence !== undefined) failures.set(handle, [evidence]);
      },
      finish() {
        const unreported: UnreportedAsset[] = disposed
          .filter((entry) => !seen.has(entry))
          .flatMap((entry) => {
            const evidence = judge(entry.assetTag, `Disposed in ${assetsFile} line ${entry.line}`);
            return evidence === undefined
              ? []
              : [
                  {
                    assetTag: entry.assetTag,
                    hostname: entry.hostname,
                    department: entry.department,
                    site: entry.site,
                    evidence: [{ ...evidence, pointer: "" }],
                  },
                ];
          });
        return { failures, unreported };
      },
    };
  },
};
