/**
 * backup-integrity: no disaster, a health check of the backup itself, meant to run daily. The
 * newest snapshot of the share must be no older than the RPO; `restic check` reads back a part of
 * the repository's data that rotates by day, so a week of runs reads all of it; and a random
 * sample of files is restored and compared with the source.
 */
import { randomInt } from "node:crypto";
import { posix } from "node:path";
import { compareManifests } from "../src/drill/manifest/manifest.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import { formatDuration } from "../src/drill/evidence/metrics.js";
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
  requireMatch,
  scratchDir,
  sharePaths,
  restoredFact,
} from "./lib/share.js";
import { checkRepositoryStep } from "./lib/steps.js";

interface Settings {
  readonly data: string;
  readonly sample: number;
  readonly checkSubset: string;
}

const DEFAULT_SAMPLE = 20;

/** `count` distinct items chosen uniformly at random. */
export function randomSample<T>(items: readonly T[], count: number): T[] {
  const pool = [...items];
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    const j = i + randomInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, Math.min(count, pool.length));
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
      "No disaster: a scheduled check that the newest snapshot of the share is within the RPO, that a rotating part of the repository's data reads back without error, and that a random sample of files restores identical to the source.",
    proves: [
      "the newest snapshot of the share is no older than the RPO",
      "restic check --read-data-subset reads back today's part of the repository (all parts over a week of daily runs)",
      "a random sample of files restores with the same content (sha256), size and permissions as the source",
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
      const nodes = await host.restic().ls(snapshot.id);
      const prefix = where.path === "/" ? "/" : `${where.path}/`;
      // restic ls shows bytes that are not UTF-8 as U+FFFD: such a name cannot be asked for again.
      const files = nodes
        .filter((n) => n.type === "file" && n.path.startsWith(prefix) && !n.path.includes("\uFFFD"))
        .map((n) => n.path.slice(prefix.length));
      if (files.length === 0)
        throw new StepFailure(
          `snapshot ${snapshot.shortId} holds no files of ${ctx.settings.data}`,
        );
      const paths = randomSample(files, ctx.settings.sample).sort();
      ctx.note(`sampled ${paths.length} of ${files.length} files`);
      return { paths, of: files.length, inSnapshot: where.path };
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
    summary: "compare the restored sample with the source",
    timeoutMs: TIMEOUTS.manifest,
    commands: (p) => [
      {
        target: "share",
        command: `manifest ${sampleDir(p.settings.data, p.runId)}; compare with source-manifest`,
      },
    ],
    run: async (ctx) => {
      const sample = ctx.data["choose-sample"].paths;
      const host = ctx.host("share");
      const expected = ctx.data["source-manifest"];
      const actual = await host.manifest(ctx.data["restore-sample"].target, { sample });
      const diff = compareManifests(expected, actual);
      ctx.record({ kind: "verified", files: diff.verifiedFiles, bytes: diff.verifiedBytes });
      // A file changed on the source after the snapshot is not a backup defect: it is the next
      // backup's work. Only differences in files unchanged since the snapshot fail the check.
      const snapshotTime = ctx.data["newest-snapshot-within-rpo"].time;
      const differing = [...diff.altered, ...diff.modeChanged];
      const changedSince = new Set<string>();
      if (differing.length > 0) {
        const out = await host.run(
          [
            "sh",
            "-c",
            'cd "$1" && xargs -0 -r sh -c \'for f; do printf "%s %s\\0" "$(stat -c %Y -- "$f" 2>/dev/null || echo 0)" "$f"; done\' sh',
            "mtimes",
            ctx.settings.data,
          ],
          { stdin: differing.map((p) => `${p}\0`).join("") },
        );
        for (const record of out.split("\0").filter(Boolean)) {
          const space = record.indexOf(" ");
          if (Number(record.slice(0, space)) * 1000 > snapshotTime.getTime())
            changedSince.add(record.slice(space + 1));
        }
      }
      const onSource = new Set(expected.entries.map((e) => e.path));
      const missingSource = sample.filter((p) => !onSource.has(p));
      const missingSet = new Set(missingSource);
      for (const p of [...changedSince, ...missingSource])
        ctx.warn(
          `${p} changed or disappeared on the source after the snapshot; not counted against the backup`,
        );
      const judged = {
        ...diff,
        altered: diff.altered.filter((p) => !changedSince.has(p)),
        modeChanged: diff.modeChanged.filter((p) => !changedSince.has(p)),
        extra: diff.extra.filter((p) => !missingSet.has(p)),
      };
      judged.ok =
        judged.missing.length === 0 &&
        judged.altered.length === 0 &&
        judged.modeChanged.length === 0;
      requireMatch(judged, "the restored sample differs from the source", { extraFails: true });
      if (diff.verifiedFiles === 0) throw new StepFailure("no sampled file could be verified");
      return { files: diff.verifiedFiles, bytes: diff.verifiedBytes };
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
