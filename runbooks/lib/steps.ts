/**
 * The steps the share drills have in common, made for any target key: a runbook then reads as
 * its paper original — scenario, then steps by phase — and says only what is its own. Each
 * factory states the settings and earlier outputs it needs, so the builder still refuses a runbook
 * that uses one before the step it depends on.
 */
import type { Manifest } from "../../src/drill/manifest/entries.js";
import { checkRecovery } from "../../src/drill/manifest/recovery-check.js";
import type { PlanView, SnapshotRef, StepContext } from "../../src/drill/runbook/context.js";
import { formatBytes } from "../../src/drill/results/metrics.js";
import { StepFailure } from "../../src/drill/runbook/failures.js";
import type { CleanupSpec, PlannedCommand, StepSpec } from "../../src/drill/runbook/runbook.js";
import {
  describeRoom,
  dfCommand,
  freeSpace,
  requireRoom,
  shareRestoreSize,
  type RoomForRestore,
  type SpaceNeed,
} from "./space.js";
import {
  DRILL_TAG,
  RESTORE_RETRY,
  RETRY,
  TIMEOUTS,
  newestSnapshot,
  putBackOriginal,
  recordTownRecoveryPoint,
  ref,
  removeScratch,
  locateShare,
  noteLinks,
  restoreShare,
  snapshotLinks,
  type ShareRecord,
  restoredFact,
  sharePaths,
  warnChangedSince,
  takeSnapshot,
  topLevelNames,
  judgePutBack,
  judgeRestoredMetadata,
  requireRecoveredExactly,
  checkShareIntact,
  requireSameTree,
} from "./share.js";

/** Settings every share drill has. */
export interface ShareSettings {
  readonly data: string;
}

type Nothing = Record<never, never>;
type Output<K extends string, O> = { readonly [P in K]: O };
type Restored = { files: number; bytes: number; durationSeconds: number; record: ShareRecord };

/** Preflight: the newest snapshot of the share, or a fresh one (tagged as a drill's) on request. */
export function recoverySnapshotStep<T extends string>(
  target: T,
): StepSpec<T, ShareSettings & { readonly fresh: boolean }, Nothing, Promise<SnapshotRef>> {
  return {
    kind: "snapshot",
    summary: "find the newest snapshot of the share (or take one with --fresh-snapshot)",
    timeoutMs: TIMEOUTS.snapshot,
    retry: RETRY,
    commands: (p) => [
      { target, command: p.restic("snapshots", "--json") },
      ...(p.settings.fresh
        ? [
            {
              target,
              command: `cd ${p.settings.data} && ${p.restic("backup", ".", "--tag", DRILL_TAG)}`,
            },
          ]
        : []),
    ],
    run: async (ctx) => {
      const restic = ctx.host(target).restic();
      if (!ctx.settings.fresh) {
        const snapshot = await newestSnapshot(restic, ctx.settings.data);
        ctx.note(`recovering from snapshot ${snapshot.shortId} of ${snapshot.time.toISOString()}`);
        return ref(snapshot);
      }
      const snapshot = await takeSnapshot(restic, ctx.settings.data, [DRILL_TAG]);
      await recordTownRecoveryPoint(ctx, restic, ctx.settings.data, snapshot);
      return ref(snapshot);
    },
  };
}

/** Preflight: sha256, size and mode of every file of the share, the state to recover to. */
export function shareManifestStep<T extends string>(
  target: T,
  options: { readonly summary: string; readonly minFiles: number; readonly tooFew: string },
): StepSpec<T, ShareSettings, Nothing, Promise<Manifest>> {
  return {
    kind: "check",
    summary: options.summary,
    timeoutMs: TIMEOUTS.manifest,
    retry: RETRY,
    commands: (p) => [{ target, command: `manifest ${p.settings.data} (find, stat, sha256sum)` }],
    run: async (ctx) => {
      const manifest = await ctx.host(target).manifest(ctx.settings.data);
      if (manifest.files < options.minFiles)
        throw new StepFailure(`the share ${ctx.settings.data} ${options.tooFew}`);
      ctx.note(`${manifest.files} files`);
      return manifest;
    },
  };
}

/**
 * Preflight: the share is what the town's newest snapshot says it is, within the changes since
 * (share.ts checkShareIntact): a share a killed drill left damaged is never taken as the state
 * to recover to.
 */
export function shareIntactStep<T extends string, M extends string>(
  target: T,
  options: { readonly manifest: M },
): StepSpec<
  T,
  ShareSettings & { readonly missingTolerance: number },
  Output<M, Manifest>,
  Promise<{ snapshot?: string; files: number; missing: number; modeChanged: number }>
> {
  return {
    kind: "check",
    summary:
      "check the share against the town's newest snapshot: no more files missing than the changes since explain",
    timeoutMs: TIMEOUTS.manifest,
    retry: RETRY,
    commands: (p) => [
      {
        target,
        command: `${p.restic("ls", "--json", "<newest town snapshot>", "<each place the share may be>")}; compare with ${options.manifest}`,
      },
    ],
    run: async (ctx) =>
      checkShareIntact(
        ctx,
        ctx.host(target).restic(),
        ctx.settings.data,
        ctx.data[options.manifest],
        ctx.settings.missingTolerance,
      ),
  };
}

/** Preflight: a hard-link copy of the share in scratch space, for cleanup to put back. */
export function safeguardShareStep<T extends string>(
  target: T,
): StepSpec<T, ShareSettings, Nothing, Promise<{ original: string }>> {
  return {
    kind: "safeguard",
    summary: "keep a hard-link copy of the share in scratch space, for cleanup to put back",
    timeoutMs: TIMEOUTS.files,
    touches: (p) => [{ target, paths: [sharePaths(p.settings.data, p.runId).scratch] }],
    commands: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [
        {
          target,
          command: `mkdir -p ${paths.scratch} && find ${paths.data} -printf '<metadata>' > ${paths.listing} && cp -al ${paths.data} ${paths.original}.partial && sync && mv -T ${paths.original}.partial ${paths.original}`,
        },
      ];
    },
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      await ctx
        .host(target)
        .files()
        .linkCopy(paths.data, paths.original, { listing: paths.listing });
      return { original: paths.original };
    },
  };
}

/**
 * Recover: the share's folder out of the snapshot an earlier step chose, into scratch space. The
 * share is found in the snapshot's tree (any layout; the manifest's top-level names settle
 * doubt), and restic checks every restored byte against the snapshot (`restore --verify`).
 */
export function restoreIntoScratchStep<T extends string, F extends string, M extends string>(
  target: T,
  options: { readonly from: F; readonly manifest: M; readonly summary: string },
): StepSpec<
  T,
  ShareSettings,
  Output<F, SnapshotRef> & Output<M, Manifest>,
  Promise<Restored & { readonly snapshotId: string; readonly inSnapshot: string }>
> {
  return {
    kind: "restore",
    summary: options.summary,
    timeoutMs: TIMEOUTS.restore,
    retry: RESTORE_RETRY,
    touches: (p) => [{ target, paths: [sharePaths(p.settings.data, p.runId).scratch] }],
    commands: (p) => [
      {
        target,
        command: p.restic(
          "ls",
          "--json",
          `<${options.from}>`,
          "/",
          "<each place the share may be>",
        ),
      },
      {
        target,
        command: p.restic(
          "restore",
          `<${options.from}>`,
          "--target",
          sharePaths(p.settings.data, p.runId).unpacked,
          "--include",
          "<the share's path in the snapshot>",
          "--verify",
        ),
      },
    ],
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      const snapshot = ctx.data[options.from];
      const host = ctx.host(target);
      const hint = topLevelNames(ctx.data[options.manifest].entries.paths());
      const restic = host.restic();
      const where = await locateShare(ctx, restic, snapshot.id, ctx.settings.data, hint);
      const restored = await restoreShare(host, restic, snapshot.id, where, paths);
      ctx.record({ kind: "recovery-point", snapshot });
      ctx.record(restoredFact(restored));
      return { ...restored, snapshotId: snapshot.id, inSnapshot: where.path };
    },
  };
}

/** Recover: the damaged share moved aside into scratch space, the restored tree into its place. */
export function swapInRestoredStep<T extends string>(
  target: T,
  summary: string,
): StepSpec<T, ShareSettings, Nothing, Promise<{ share: string }>> {
  return {
    kind: "restore",
    summary,
    timeoutMs: TIMEOUTS.files,
    touches: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [{ target, paths: [paths.data, paths.restored, paths.damaged] }];
    },
    commands: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [
        { target, command: `mv -T ${paths.data} ${paths.damaged}` },
        { target, command: `mv -T ${paths.restored} ${paths.data}` },
      ];
    },
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      const files = ctx.host(target).files();
      await files.move(paths.data, paths.damaged);
      await files.move(paths.restored, paths.data);
      return { share: paths.data };
    },
  };
}

/**
 * Verify: the recovered share against restic's record of the snapshot (every file, its size,
 * mode and modification time; the bytes were checked by `restore --verify`) and, by sha256,
 * against the manifest taken before the disaster for every file unchanged since the snapshot.
 * Symbolic links must come back with the targets the snapshot's trees recorded, hard-link groups
 * as one file. Files changed on the share after the snapshot are listed, never failed.
 */
export function verifyShareStep<T extends string, M extends string, R extends string>(
  target: T,
  options: {
    readonly manifest: M;
    readonly restored: R;
    readonly summary: string;
    readonly differs: string;
  },
): StepSpec<
  T,
  ShareSettings,
  Output<M, Manifest> & Output<R, { readonly record: ShareRecord }>,
  Promise<{ files: number; bytes: number; changedSinceRecoveryPoint: number }>
> {
  return {
    kind: "verify",
    summary: options.summary,
    timeoutMs: TIMEOUTS.manifest,
    commands: (p) => [
      {
        target,
        command: p.restic("cat", "blob", "<each tree on the way to a folder holding symlinks>"),
      },
      {
        target,
        command: `manifest ${p.settings.data}; compare with the snapshot and with ${options.manifest}`,
      },
    ],
    run: async (ctx) => {
      // The snapshot's record as the restore listed it: not listed again.
      const { record } = ctx.data[options.restored];
      const host = ctx.host(target);
      const links = await snapshotLinks(ctx, host.restic(), record);
      const actual = await host.manifest(ctx.settings.data);
      const check = checkRecovery(record.files, actual, ctx.data[options.manifest], links);
      // Counted even when the verdict fails: the report shows how much was intact.
      ctx.record({ kind: "verified", files: check.verifiedFiles, bytes: check.verifiedBytes });
      const metadata = await judgeRestoredMetadata(
        ctx,
        host,
        record,
        sharePaths(ctx.settings.data, ctx.runId),
      );
      requireRecoveredExactly(check, metadata, options.differs);
      ctx.note(
        `against the snapshot: ${check.againstSnapshot.matched} files with the same size, mode and modification time (content checked by restic restore --verify); against the share before the disaster: ${check.againstShare.compared} files unchanged since the snapshot, same sha256`,
      );
      noteLinks(ctx, check);
      const changed = check.changedSinceRecoveryPoint;
      warnChangedSince(ctx, changed, "share");
      return {
        files: check.verifiedFiles,
        bytes: check.verifiedBytes,
        changedSinceRecoveryPoint: changed.length,
      };
    },
  };
}

/** Verify: `restic check --read-data-subset`, reading part of the repository's packs back. */
export function checkRepositoryStep<T extends string>(
  target: T,
  summary: string,
): StepSpec<T, { readonly checkSubset: string }, Nothing, Promise<{ subset: string }>> {
  return {
    kind: "verify",
    summary,
    timeoutMs: TIMEOUTS.readData,
    retry: RETRY,
    commands: (p) => [
      { target, command: p.restic("check", "--read-data-subset", p.settings.checkSubset) },
    ],
    run: async (ctx) => {
      const result = await ctx
        .host(target)
        .restic()
        .check({ readDataSubset: ctx.settings.checkSubset });
      if (!result.ok)
        throw new StepFailure(
          `restic check --read-data-subset ${ctx.settings.checkSubset} found errors in the repository: ${result.errors[0] ?? "(restic printed no error line)"}`,
          result.errors.slice(0, 20).map((l) => `restic: ${l}`),
        );
      return { subset: ctx.settings.checkSubset };
    },
  };
}

/** Cleanup: the original share back from the hard-link copy, if the drill ever took one. */
export function putBackShareStep<T extends string>(
  target: T,
): CleanupSpec<T, ShareSettings, { readonly "safeguard-share": { original: string } }> {
  return {
    summary: "put the original share back from the hard-link copy",
    timeoutMs: TIMEOUTS.files,
    retry: RETRY,
    touches: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [{ target, paths: [paths.data, paths.original] }];
    },
    commands: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [
        {
          target,
          command: `if [ -e ${paths.original} ]; then rm -rf -- ${paths.data} && mv -T ${paths.original} ${paths.data}; fi`,
        },
      ];
    },
    run: async (ctx) => {
      // Asked of the host, not of this run's memory: a copy exists there only once it is whole.
      if (!ctx.started("safeguard-share")) {
        ctx.note("the share was never changed: nothing to put back");
        return;
      }
      const outcome = await putBackOriginal(
        ctx.host(target),
        sharePaths(ctx.settings.data, ctx.runId),
      );
      ctx.note(
        outcome === "put-back"
          ? "original share put back"
          : "no copy to put back: the share is already back, or was never changed",
      );
    },
  };
}

/**
 * Cleanup: the put-back share judged against the listing the safeguard took before anything
 * changed — every file, folder (empty ones too) and link, with its type, size, mode, owner,
 * modification time to the nanosecond, link target and hard-link group. Owners the drill user
 * could not give back (not root) are reported as not restorable, never silently passed.
 */
export function verifyPutBackStep<T extends string>(
  target: T,
): CleanupSpec<T, ShareSettings, Nothing> {
  return {
    summary:
      "check the put-back share against the listing taken before the drill: every entry's type, size, mode, owner, modification time, link target and hard links",
    timeoutMs: TIMEOUTS.manifest,
    retry: RETRY,
    commands: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [
        {
          target,
          command: `find ${paths.data} -printf '<metadata>'; compare with ${paths.listing}`,
        },
      ];
    },
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      const host = ctx.host(target);
      const judged = await judgePutBack(host, paths);
      if (judged.kind === "nothing-to-judge") {
        ctx.note("no listing was taken: the share was never copied, so never changed");
        return;
      }
      const { diff, asRoot } = judged;
      const owners = diff.byKind.owner;
      if (!asRoot && owners.length > 0 && diff.total === owners.length) {
        ctx.warn(
          `${owners.length} entr${owners.length === 1 ? "y has" : "ies have"} another owner than before the drill, which the drill user (not root) cannot give back: ${owners.slice(0, 5).join(", ")}${owners.length > 5 ? ", …" : ""}`,
        );
        return;
      }
      requireSameTree(diff, "the put-back share differs from before the drill");
      ctx.note(`put-back share identical to before the drill: ${diff.compared} entries`);
    },
  };
}

/** Cleanup: the run's scratch folder, unless it still holds the only copy of the original. */
export function removeScratchStep<T extends string>(
  target: T,
  summary: string,
): CleanupSpec<T, ShareSettings, Nothing> {
  return {
    summary,
    timeoutMs: TIMEOUTS.files,
    retry: RETRY,
    touches: (p) => [{ target, paths: [sharePaths(p.settings.data, p.runId).scratch] }],
    commands: (p) => [
      { target, command: `rm -rf -- ${sharePaths(p.settings.data, p.runId).scratch}` },
    ],
    run: async (ctx) => {
      await removeScratch(ctx.host(target), sharePaths(ctx.settings.data, ctx.runId));
    },
  };
}

/**
 * Preflight: room where the restore lands — free space and inodes on `target` (`df`, the folder's
 * nearest existing parent) against what the restore writes (`need`) plus SPACE_MARGIN and
 * INODE_MARGIN. Runs before anything is changed, so a refusal leaves the data as it was.
 */
export function spaceStep<T extends string, S, D>(
  target: T,
  options: {
    readonly summary: string;
    /** The folder the restore lands in; it may not exist yet. */
    readonly where: (p: PlanView<T, S>) => string;
    /** How `need` is found, for the plan. */
    readonly sizeCommands: (p: PlanView<T, S>) => readonly PlannedCommand<T>[];
    readonly need: (ctx: StepContext<T, S, D>) => Promise<SpaceNeed>;
  },
): StepSpec<T, S, D, Promise<RoomForRestore>> {
  return {
    kind: "check",
    summary: options.summary,
    // The size of a path inside a larger snapshot comes from listing the snapshot.
    timeoutMs: TIMEOUTS.manifest,
    retry: RETRY,
    commands: (p) => [...options.sizeCommands(p), { target, command: dfCommand(options.where(p)) }],
    run: async (ctx) => {
      const need = await options.need(ctx);
      const host = ctx.host(target);
      const folder = options.where(ctx);
      const room = requireRoom(host.name, folder, need, await freeSpace(host, folder));
      ctx.note(describeRoom(host.name, room));
      return room;
    },
  };
}

/**
 * Preflight of the share drills: room in the share's scratch space for the share's folder out of
 * the snapshot `from` (found in the snapshot with the manifest's top-level names), plus what the
 * drill's own disaster writes there (`alsoWrites`, e.g. ransomware's encrypted copies).
 */
export function shareSpaceStep<T extends string, F extends string, M extends string>(
  target: T,
  options: {
    readonly from: F;
    readonly manifest: M;
    readonly alsoWrites?: (manifest: Manifest) => { readonly bytes: number; readonly what: string };
  },
): StepSpec<
  T,
  ShareSettings,
  Output<F, SnapshotRef> & Output<M, Manifest>,
  Promise<RoomForRestore>
> {
  return spaceStep(target, {
    summary: `check the free space and inodes for the restore in scratch space (restic's restore size${options.alsoWrites ? ", and what the disaster writes" : ""}, plus a margin)`,
    where: (p) => sharePaths(p.settings.data, p.runId).scratch,
    sizeCommands: (p) => [
      {
        target,
        command: p.restic(
          "ls",
          "--json",
          `<${options.from}>`,
          "/",
          "<each place the share may be>",
        ),
      },
      {
        target,
        command: `${p.restic("stats", "--json", "--mode", "restore-size", `<${options.from}>`)} (or, when the snapshot holds more than the share, ${p.restic("ls", "--json", `<${options.from}>`)} counted below the share's path)`,
      },
    ],
    need: async (ctx) => {
      const manifest = ctx.data[options.manifest];
      const hint = topLevelNames(manifest.entries.paths());
      const restore = await shareRestoreSize(
        ctx,
        ctx.host(target).restic(),
        ctx.data[options.from].id,
        ctx.settings.data,
        hint,
      );
      const also = options.alsoWrites?.(manifest);
      if (also === undefined) return restore;
      return {
        bytes: restore.bytes + also.bytes,
        files: restore.files,
        what: `${restore.what} and ${also.what} (${formatBytes(also.bytes)})`,
      };
    },
  });
}
