/**
 * file-deletion: part of a file share is deleted — a whole folder and every third file elsewhere.
 * The share is recovered from the newest snapshot (restored aside, then swapped in) and every file
 * is compared with the manifest taken before the disaster: sha256, size and mode.
 */
import { posix } from "node:path";
import { compareManifests } from "../src/drill/manifest/manifest.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import {
  DRILL_TAG,
  RESTORE_RETRY,
  RETRY,
  TIMEOUTS,
  newestSnapshot,
  putBackOriginal,
  readData,
  ref,
  removeScratch,
  requireMatch,
  sharePaths,
  takeSnapshot,
  tally,
} from "./lib/share.js";

interface Settings {
  readonly data: string;
  readonly fresh: boolean;
}

/** Files to delete: everything under the first top-level folder, and every third other file. */
export function chooseVictims(paths: readonly string[]): { remove: string[]; files: string[] } {
  const sorted = [...paths].sort();
  const folder = sorted.find((p) => p.includes("/"))?.split("/")[0];
  const inFolder = folder === undefined ? [] : sorted.filter((p) => p.startsWith(`${folder}/`));
  const others = sorted.filter((p) => !inFolder.includes(p)).filter((_, i) => i % 3 === 0);
  const files = [...inFolder, ...others];
  return { remove: [...(folder === undefined ? [] : [folder]), ...others], files };
}

/** The file-deletion drill. */
export const fileDeletion = defineRunbook(
  {
    id: "file-deletion",
    title: "Part of a file share is deleted",
    scenario:
      "A folder and a third of the other files on the town's file share are deleted. The share is recovered from the offsite backup and every file is checked against the state before the deletion.",
    proves: [
      "the newest snapshot of the share restores from the offsite repository",
      "every file comes back with the same content (sha256), size and permissions",
      "the recovery fits in the RTO and the snapshot is recent enough for the RPO",
    ],
    rtoMinutes: 240,
    rpoMinutes: 1440,
    usesRepository: true,
    targets: {
      share: {
        role: "file-server",
        destructive: true,
        purpose: "holds the share that is deleted and recovered",
      },
    },
  },
  (options) => {
    const reader = new SettingsReader(options);
    return reader.result<Settings>({ data: readData(reader), fresh: options.freshSnapshot });
  },
)
  .preflight("recovery-snapshot", {
    kind: "snapshot",
    summary: "find the newest snapshot of the share (or take one with --fresh-snapshot)",
    timeoutMs: TIMEOUTS.snapshot,
    retry: RETRY,
    commands: (p) => [
      { target: "share", command: p.restic("snapshots", "--json") },
      ...(p.settings.fresh
        ? [
            {
              target: "share" as const,
              command: `cd ${p.settings.data} && ${p.restic("backup", ".", "--tag", DRILL_TAG)}`,
            },
          ]
        : []),
    ],
    run: async (ctx) => {
      const restic = ctx.host("share").restic();
      const snapshot = ctx.settings.fresh
        ? await takeSnapshot(restic, ctx.settings.data, [DRILL_TAG])
        : await newestSnapshot(restic, ctx.settings.data);
      ctx.note(`recovering from snapshot ${snapshot.shortId} of ${snapshot.time.toISOString()}`);
      return ref(snapshot);
    },
  })
  .preflight("pre-disaster-manifest", {
    kind: "check",
    summary: "hash every file of the share (sha256, size, mode)",
    timeoutMs: TIMEOUTS.manifest,
    retry: RETRY,
    commands: (p) => [
      { target: "share", command: `manifest ${p.settings.data} (find, stat, sha256sum)` },
    ],
    run: async (ctx) => {
      const manifest = await ctx.host("share").manifest(ctx.settings.data);
      if (manifest.files === 0)
        throw new StepFailure(`the share ${ctx.settings.data} holds no files: nothing to drill on`);
      ctx.note(`${manifest.files} files`);
      return manifest;
    },
  })
  .preflight("safeguard-share", {
    kind: "safeguard",
    summary: "keep a hard-link copy of the share in scratch space, for cleanup to put back",
    timeoutMs: TIMEOUTS.files,
    touches: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [{ target: "share", paths: [paths.scratch] }];
    },
    commands: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [
        {
          target: "share",
          command: `mkdir -p ${paths.scratch} && cp -al ${paths.data} ${paths.original}`,
        },
      ];
    },
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      await ctx.host("share").files().linkCopy(paths.data, paths.original);
      return { original: paths.original };
    },
  })
  .inject("delete-files", {
    kind: "inject",
    summary: "delete the first top-level folder and every third other file",
    timeoutMs: TIMEOUTS.files,
    touches: (p) => [{ target: "share", paths: [p.settings.data] }],
    commands: (p) => [
      {
        target: "share",
        command: `rm -rf -- ${p.settings.data}/<first folder> ${p.settings.data}/<every third other file>`,
      },
    ],
    run: async (ctx) => {
      const manifest = ctx.data["pre-disaster-manifest"];
      const victims = chooseVictims(manifest.entries.map((e) => e.path));
      const absolute = victims.remove.map((p) => posix.join(ctx.settings.data, p));
      // The removal checks on the host that every path is gone: the disaster really happened.
      await ctx.host("share").files().remove(absolute);
      const deleted = manifest.entries.filter((e) => victims.files.includes(e.path));
      ctx.note(`deleted ${deleted.length} files`);
      return { deleted: victims.files, ...tally(deleted) };
    },
  })
  .recover("restore-snapshot", {
    kind: "restore",
    summary: "restore the snapshot into scratch space",
    timeoutMs: TIMEOUTS.restore,
    retry: RESTORE_RETRY,
    touches: (p) => [{ target: "share", paths: [sharePaths(p.settings.data, p.runId).restored] }],
    commands: (p) => [
      {
        target: "share",
        command: p.restic(
          "restore",
          "<recovery-snapshot>",
          "--target",
          sharePaths(p.settings.data, p.runId).restored,
        ),
      },
    ],
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      const snapshot = ctx.data["recovery-snapshot"];
      const host = ctx.host("share");
      await host.files().remove([paths.restored]); // a retry starts from an empty folder
      const restored = await host.restic().restore(snapshot.id, paths.restored);
      ctx.record({ kind: "recovery-point", snapshot });
      ctx.record({
        kind: "restored",
        files: restored.files,
        bytes: restored.bytes,
        seconds: restored.durationSeconds,
      });
      return restored;
    },
  })
  .recover("swap-in-restored", {
    kind: "restore",
    summary: "move the damaged share aside and the restored tree into its place",
    timeoutMs: TIMEOUTS.files,
    touches: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [{ target: "share", paths: [paths.data, paths.restored, paths.damaged] }];
    },
    commands: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [
        { target: "share", command: `mv -T ${paths.data} ${paths.damaged}` },
        { target: "share", command: `mv -T ${paths.restored} ${paths.data}` },
      ];
    },
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      const files = ctx.host("share").files();
      await files.move(paths.data, paths.damaged);
      await files.move(paths.restored, paths.data);
      return { share: paths.data };
    },
  })
  .verify("verify-share", {
    kind: "verify",
    summary: "compare every file of the recovered share with the pre-disaster manifest",
    timeoutMs: TIMEOUTS.manifest,
    commands: (p) => [
      {
        target: "share",
        command: `manifest ${p.settings.data}; compare with pre-disaster-manifest`,
      },
    ],
    run: async (ctx) => {
      const expected = ctx.data["pre-disaster-manifest"];
      const actual = await ctx.host("share").manifest(ctx.settings.data);
      const compared = compareManifests(expected, actual);
      // Counted even when the verdict fails: the report shows how much was intact.
      ctx.record({
        kind: "verified",
        files: compared.verifiedFiles,
        bytes: compared.verifiedBytes,
      });
      const diff = requireMatch(compared, "the recovered share differs from before the deletion", {
        extraFails: false,
      });
      if (diff.extra.length > 0)
        ctx.warn(
          `${diff.extra.length} file(s) came back that were not on the share before the drill (deleted after the snapshot was taken), e.g. ${diff.extra[0]}`,
        );
      return { files: diff.verifiedFiles, bytes: diff.verifiedBytes };
    },
  })
  .cleanup("put-back-original", {
    summary: "put the original share back from the hard-link copy",
    timeoutMs: TIMEOUTS.files,
    retry: RETRY,
    touches: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [{ target: "share", paths: [paths.data, paths.original] }];
    },
    commands: (p) => {
      const paths = sharePaths(p.settings.data, p.runId);
      return [
        {
          target: "share",
          command: `if [ -e ${paths.original} ]; then rm -rf -- ${paths.data} && mv -T ${paths.original} ${paths.data}; fi`,
        },
      ];
    },
    run: async (ctx) => {
      if (ctx.data["safeguard-share"] === undefined) {
        ctx.note("the share was never changed: nothing to put back");
        return;
      }
      const outcome = await putBackOriginal(
        ctx.host("share"),
        sharePaths(ctx.settings.data, ctx.runId),
      );
      ctx.note(outcome === "put-back" ? "original share put back" : "original share already back");
    },
  })
  .cleanup("remove-scratch", {
    summary: "remove the scratch folder (restored, damaged and copied trees)",
    timeoutMs: TIMEOUTS.files,
    retry: RETRY,
    touches: (p) => [{ target: "share", paths: [sharePaths(p.settings.data, p.runId).scratch] }],
    commands: (p) => [
      { target: "share", command: `rm -rf -- ${sharePaths(p.settings.data, p.runId).scratch}` },
    ],
    run: async (ctx) => {
      await removeScratch(ctx.host("share"), sharePaths(ctx.settings.data, ctx.runId));
    },
  })
  .build();
