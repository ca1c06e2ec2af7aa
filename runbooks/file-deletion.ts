/**
 * file-deletion: part of a file share is deleted — a whole folder and every third file elsewhere.
 * The share is recovered from the newest snapshot (restored aside, then swapped in) and every file
 * is compared with the manifest taken before the disaster: sha256, size and mode.
 */
import { posix } from "node:path";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { TIMEOUTS, readData, tally } from "./lib/share.js";
import {
  recoverySnapshotStep,
  shareManifestStep,
  safeguardShareStep,
  restoreIntoScratchStep,
  swapInRestoredStep,
  verifyShareStep,
  putBackShareStep,
  removeScratchStep,
} from "./lib/steps.js";

interface Settings {
  readonly data: string;
  readonly fresh: boolean;
}

/**
 * Files to delete: everything under the first top-level folder, and every third other file.
 * Linear in the number of files. A name with bytes that are not UTF-8 is kept exactly ("\xNN")
 * by both transports' manifests and named back as those bytes, so it is picked like any other.
 */
export function chooseVictims(paths: readonly string[]): { remove: string[]; files: string[] } {
  const sorted = [...paths].sort();
  const folder = sorted.find((p) => p.includes("/"))?.split("/")[0];
  const inFolder = folder === undefined ? [] : sorted.filter((p) => p.startsWith(`${folder}/`));
  const chosen = new Set(inFolder);
  const others = sorted.filter((p) => !chosen.has(p)).filter((_, i) => i % 3 === 0);
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
  .preflight("recovery-snapshot", recoverySnapshotStep("share"))
  .preflight(
    "pre-disaster-manifest",
    shareManifestStep("share", {
      summary: "hash every file of the share (sha256, size, mode)",
      minFiles: 1,
      tooFew: "holds no files: nothing to drill on",
    }),
  )
  .preflight("safeguard-share", safeguardShareStep("share"))
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
      const gone = new Set(victims.files);
      const deleted = manifest.entries.filter((e) => gone.has(e.path));
      ctx.note(`deleted ${deleted.length} files`);
      return { deleted: victims.files, ...tally(deleted) };
    },
  })
  .recover(
    "restore-snapshot",
    restoreIntoScratchStep("share", {
      from: "recovery-snapshot",
      manifest: "pre-disaster-manifest",
      summary: "restore the snapshot into scratch space",
    }),
  )
  .recover(
    "swap-in-restored",
    swapInRestoredStep(
      "share",
      "move the damaged share aside and the restored tree into its place",
    ),
  )
  .verify(
    "verify-share",
    verifyShareStep("share", {
      restored: "restore-snapshot",
      manifest: "pre-disaster-manifest",
      summary:
        "compare every file of the recovered share with the snapshot (size, mode, mtime) and, by sha256, with the pre-disaster manifest",
      differs: "the recovered share differs from before the deletion",
    }),
  )
  .cleanup("put-back-original", putBackShareStep("share"))
  .cleanup(
    "remove-scratch",
    removeScratchStep("share", "remove the scratch folder (restored, damaged and copied trees)"),
  )
  .build();
