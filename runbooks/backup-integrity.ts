/**
 * backup-integrity: no disaster, a health check of the backup itself, meant to run daily. The
 * newest snapshot of the share must be no older than the RPO; `restic check` reads back a part of
 * the repository's data that rotates by day, so a week of runs reads all of it; and a random
 * sample of files is restored and compared with the source.
 */
import { randomInt } from "node:crypto";
import { posix } from "node:path";
import { checkRecovery } from "../src/drill/manifest/recovery-check.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import { formatDuration } from "../src/drill/results/metrics.js";
import { globEscaped } from "../src/restic/restic.js";
import {
  RESTORE_RETRY,
  RETRY,
  TIMEOUTS,
  liveTopLevel,
  locateShare,
  newestSnapshot,
  readCheckSubset,
  readData,
  ref,
  removeScratch,
  requireRecovery,
  scratchDir,
  sharePaths,
  ShareRecord,
  restoredFact,
  warnChangedSince,
} from "./lib/share.js";
import { checkRepositoryStep, spaceStep } from "./lib/steps.js";
import { filesRestoreSize } from "./lib/space.js";

interface Settings {
  readonly data: string;
  readonly sample: number;
  readonly checkSubset: string;
}

const DEFAULT_SAMPLE = 20;

/** `count` distinct items chosen uniformly at random, in one pass (reservoir sampling). */
export function randomSample<T>(items: Iterable<T>, count: number): T[] {
  const chosen: T[] = [];
  let seen = 0;
  for (const item of items) {
    seen += 1;
    if (chosen.length < count) chosen.push(item);
    else {
      const j = randomInt(seen);
      if (j < count) chosen[j] = item;
    }
  }
  return chosen;
}

/** Bytes of --include arguments per restore: far below the 128 KiB a single argument may hold. */
export const INCLUDE_BYTES = 48 * 1024;

/**
 * Paths inside a snapshot ("/srv/share/data/a.txt") for restic --include, in batches of at most
 * INCLUDE_BYTES once escaped (Restic.restore escapes glob characters, so each matches only itself).
 */
export function includeBatches(paths: readonly string[], budget = INCLUDE_BYTES): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let bytes = 0;
  for (const path of paths) {
    const size = Buffer.byteLength(globEscaped(path)) + 16;
    if (batch.length > 0 && bytes + size > budget) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(path);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function sampleDir(data: string, runId: string): string {
  return posix.join(scratchDir(data, runId), "sample");
}

/** The backup-integrity drill. */
export const backupIntegrity = defineRunbook(
  {
    id: "backup-integrity",
    title: "The offsite backup is recent and readable",
    scenario:
      "No disaster: a scheduled check that the newest snapshot of the share is within the RPO, that a rotating part of the repository's data reads back without error, and that a random sample of files restores as the snapshot recorded it and identical to the source where the source has not changed since.",
    proves: [
      "the newest snapshot of the share is no older than the RPO",
      "restic check --read-data-subset reads back today's part of the repository (all parts over a week of daily runs)",
      "a random sample of files restores as the snapshot recorded it (restic restore --verify, size, mode, mtime) and, where unchanged on the source since, with the same sha256 as the source",
    ],
    rtoMinutes: 60,
    rpoMinutes: 1440,
    usesRepository: true,
    targets: {
      share: {
        role: "file-server",
        destructive: true,
        purpose: "holds the share; the sample is restored into scratch space beside it",
      },
    },
  },
  (options) => {
    const reader = new SettingsReader(options);
    const sample = options.sample ?? DEFAULT_SAMPLE;
    return reader.result<Settings>({
      data: readData(reader),
      sample,
      checkSubset: readCheckSubset(reader, new Date()),
    });
  },
)
  .preflight("newest-snapshot-within-rpo", {
    kind: "check",
    summary: "the newest snapshot of the share is no older than the RPO",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [{ target: "share", command: p.restic("snapshots", "--json") }],
    run: async (ctx) => {
      const newest = await newestSnapshot(ctx.host("share").restic(), ctx.settings.data);
      ctx.record({ kind: "recovery-point", snapshot: ref(newest) });
      const ageSeconds = (Date.now() - newest.time.getTime()) / 1000;
      if (ageSeconds > ctx.rpoMinutes * 60)
        throw new StepFailure(
          `the newest snapshot of ${ctx.settings.data} (${newest.shortId}, ${newest.time.toISOString()}) is ${formatDuration(ageSeconds)} old, older than the RPO of ${formatDuration(ctx.rpoMinutes * 60)}`,
          ["backups of this share are not running, or not reaching the offsite repository"],
        );
      return { ...ref(newest), shortId: newest.shortId, ageSeconds };
    },
  })
  .preflight("choose-sample", {
    kind: "check",
    summary: "choose a random sample of the snapshot's files",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [{ target: "share", command: p.restic("ls", "--json", "<newest snapshot>") }],
    run: async (ctx) => {
      const snapshot = ctx.data["newest-snapshot-within-rpo"];
      const host = ctx.host("share");
      const hint = await liveTopLevel(host, ctx.settings.data);
      const where = await locateShare(ctx, host.restic(), snapshot.id, ctx.settings.data, hint);
      const record = new ShareRecord(where);
      await host.restic().eachNode(snapshot.id, record.add);
      // restic ls shows bytes that are not UTF-8 as U+FFFD: such a name cannot be asked for again.
      let askable = 0;
      const files = function* () {
        for (const f of record.files)
          if (!f.path.includes("\uFFFD")) {
            askable += 1;
            yield f;
          }
      };
      const sampled = randomSample(files(), ctx.settings.sample);
      if (askable === 0)
        throw new StepFailure(
          `snapshot ${snapshot.shortId} holds no files of ${ctx.settings.data}`,
        );
      // The snapshot's record of each sampled file (size, mode, mtime): what the restore must match.
      const records = sampled.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      ctx.note(`sampled ${records.length} of ${askable} files`);
      return {
        paths: records.map((f) => f.path),
        records,
        of: askable,
        inSnapshot: where.path,
      };
    },
  })
  .preflight("source-manifest", {
    kind: "check",
    summary: "hash the sampled files on the source",
    timeoutMs: TIMEOUTS.manifest,
    retry: RETRY,
    commands: (p) => [
      { target: "share", command: `manifest ${p.settings.data} (sampled files only)` },
    ],
    run: async (ctx) =>
      ctx.host("share").manifest(ctx.settings.data, { sample: ctx.data["choose-sample"].paths }),
  })
  .preflight(
    "restore-space",
    spaceStep("share", {
      summary:
        "check the free space and inodes in scratch space for the sample (the sampled files' sizes in the snapshot, plus a margin)",
      where: (p) => scratchDir(p.settings.data, p.runId),
      sizeCommands: () => [],
      need: (ctx) => {
        const { records, inSnapshot } = ctx.data["choose-sample"];
        return Promise.resolve(
          filesRestoreSize(records, inSnapshot, `the restore of ${records.length} sampled file(s)`),
        );
      },
    }),
  )
  .recover("restore-sample", {
    kind: "restore",
    summary: "restore the sampled files into scratch space",
    timeoutMs: TIMEOUTS.restore,
    retry: RESTORE_RETRY,
    touches: (p) => [{ target: "share", paths: [scratchDir(p.settings.data, p.runId)] }],
    commands: (p) => [
      {
        target: "share",
        command: p.restic(
          "restore",
          "<newest snapshot>",
          "--target",
          sampleDir(p.settings.data, p.runId),
          "--include",
          "<each sampled file>",
        ),
      },
    ],
    run: async (ctx) => {
      const target = sampleDir(ctx.settings.data, ctx.runId);
      const snapshot = ctx.data["newest-snapshot-within-rpo"];
      const host = ctx.host("share");
      await host.files().remove([target]);
      const restic = host.restic();
      const restored = { files: 0, bytes: 0, durationSeconds: 0 };
      // One restore per batch of --include patterns, so no command line outgrows the host's limit.
      const { paths, inSnapshot } = ctx.data["choose-sample"];
      const inside = (p: string) => posix.join(inSnapshot, p);
      for (const include of includeBatches(paths.map(inside))) {
        const part = await restic.restore(snapshot.id, target, { include, verify: true });
        restored.files += part.files;
        restored.bytes += part.bytes;
        restored.durationSeconds += part.durationSeconds;
      }
      ctx.record(restoredFact(restored));
      return { target: posix.join(target, inSnapshot), ...restored };
    },
  })
  .verify(
    "check-repository",
    checkRepositoryStep(
      "share",
      "restic check, reading back today's part of the repository's data",
    ),
  )
  .verify("verify-sample", {
    kind: "verify",
    summary: "compare the restored sample with the snapshot's record and with the source",
    timeoutMs: TIMEOUTS.manifest,
    commands: (p) => [
      {
        target: "share",
        command: `manifest ${sampleDir(p.settings.data, p.runId)}; compare with the snapshot's record and with source-manifest`,
      },
    ],
    run: async (ctx) => {
      const { paths: sample, records } = ctx.data["choose-sample"];
      const restored = await ctx
        .host("share")
        .manifest(ctx.data["restore-sample"].target, { sample });
      // Against the snapshot's record (size, mode, mtime; restore --verify checked the bytes), and by
      // sha256 against the source for files whose size, mode and mtime still match that record. A
      // file changed on the source after the snapshot is the next backup's work: listed, not failed.
      const check = checkRecovery(records, restored, ctx.data["source-manifest"]);
      ctx.record({ kind: "verified", files: check.verifiedFiles, bytes: check.verifiedBytes });
      ctx.note(
        `${check.againstSnapshot.matched} of ${records.length} sampled file(s) as the snapshot recorded them; ${check.againstShare.compared} unchanged on the source since the snapshot, compared by sha256`,
      );
      warnChangedSince(ctx, check.changedSinceRecoveryPoint, "share");
      requireRecovery(check, "the restored sample differs", "the share now");
      if (check.verifiedFiles === 0) throw new StepFailure("no sampled file could be verified");
      return { files: check.verifiedFiles, bytes: check.verifiedBytes };
    },
  })
  .cleanup("remove-scratch", {
    summary: "remove the restored sample",
    timeoutMs: TIMEOUTS.files,
    retry: RETRY,
    touches: (p) => [{ target: "share", paths: [scratchDir(p.settings.data, p.runId)] }],
    commands: (p) => [
      { target: "share", command: `rm -rf -- ${scratchDir(p.settings.data, p.runId)}` },
    ],
    run: async (ctx) => {
      await removeScratch(ctx.host("share"), sharePaths(ctx.settings.data, ctx.runId));
    },
  })
  .build();
