/**
 * file-deletion: part of a file share is deleted — a whole folder and every third file elsewhere.
 * The share is recovered from the newest snapshot (restored aside, then swapped in) and every file
 * is compared with the manifest taken before the disaster: sha256, size and mode.
 */
import { posix } from "node:path";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { DEFAULT_MISSING_TOLERANCE, TIMEOUTS, readData } from "./lib/share.js";
import {
  recoverySnapshotStep,
  shareManifestStep,
  safeguardShareStep,
  shareIntactStep,
  restoreIntoScratchStep,
  swapInRestoredStep,
  verifyShareStep,
  putBackShareStep,
  verifyPutBackStep,
  removeScratchStep,
  shareSpaceStep,
} from "./lib/steps.js";

interface Settings {
  readonly data: string;
  readonly fresh: boolean;
  readonly missingTolerance: number;
}

/**
 * Files to delete, from paths in order: everything under the first top-level folder, and every
 * third other file. One pass, linear in the number of files. A name with bytes that are not UTF-8 is kept exactly ("\xNN")
 * by both transports' manifests and named back as those bytes, so it is picked like any other.
 */
export function chooseVictims(sorted: Iterable<string>): { remove: string[]; files: string[] } {
  // One pass over the paths in order: a folder's files follow one another, so the first folder
  // is known before any of its files comes.
  let folder: string | undefined;
  const inFolder: string[] = [];
  const others: string[] = [];
  let other = 0;
  for (const p of sorted) {
    if (folder === undefined && p.includes("/")) folder = p.split("/")[0];
    if (folder !== undefined && p.startsWith(`${folder}/`)) inFolder.push(p);
    else if (other++ % 3 === 0) others.push(p);
  }
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
    return reader.result<Settings>({
      data: readData(reader),
      fresh: options.freshSnapshot,
      missingTolerance: options.missingTolerance ?? DEFAULT_MISSING_TOLERANCE,
    });
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
  .preflight("share-intact", shareIntactStep("share", { manifest: "pre-disaster-manifest" }))
  .preflight(
    "restore-space",
    shareSpaceStep("share", { from: "recovery-snapshot", manifest: "pre-disaster-manifest" }),
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
      const victims = chooseVictims(manifest.entries.paths());
      const absolute = victims.remove.map((p) => posix.join(ctx.settings.data, p));
      // The removal checks on the host that every path is gone: the disaster really happened.
      await ctx.host("share").files().remove(absolute);
      const gone = new Set(victims.files);
      let bytes = 0;
      for (const e of manifest.entries) if (gone.has(e.path)) bytes += e.size;
      ctx.note(`deleted ${victims.files.length} files`);
      return { deleted: victims.files, files: victims.files.length, bytes };
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
  .cleanup("verify-put-back", verifyPutBackStep("share"))
  .cleanup(
    "remove-scratch",
    removeScratchStep("share", "remove the scratch folder (restored, damaged and copied trees)"),
  )
  .build();
