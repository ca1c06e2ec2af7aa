/**
 * ransomware: after a clean snapshot, half the files of the share are "encrypted" in place
 * (overwritten with random bytes and renamed with an extension), a ransom note is dropped, and the
 * next backup dutifully snapshots the infected share. The drill must restore the last snapshot
 * taken before the infection — not simply the latest — prove every file, and check the repository
 * itself by reading back a subset of its data.
 */
import { posix } from "node:path";
import { ResticError } from "../src/restic/restic.js";
import { holdsFolder } from "../src/restic/locate.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import {
  DRILL_TAG,
  INFECTED_TAG,
  RETRY,
  TIMEOUTS,
  readCheckSubset,
  readData,
  recordTownRecoveryPoint,
  ref,
} from "./lib/share.js";
import {
  shareManifestStep,
  safeguardShareStep,
  restoreIntoScratchStep,
  swapInRestoredStep,
  verifyShareStep,
  checkRepositoryStep,
  putBackShareStep,
  removeScratchStep,
} from "./lib/steps.js";

interface Settings {
  readonly data: string;
  readonly checkSubset: string;
}

/** The extension encrypted files get. */
export const RANSOM_EXTENSION = ".locked";
/** The ransom note's file name, at the top of the share. */
export const RANSOM_NOTE = "README-RESTORE-FILES.txt";
const NOTE_TEXT =
  "Your files are encrypted. This is a Stronghold disaster drill: nothing was paid, and the files come back from the offsite backup.\n";

/**
 * Every other file, in manifest order. A name the host reported with bytes that are not UTF-8
 * (shown as U+FFFD) cannot be named back to it exactly, so it is left unencrypted.
 */
export function chooseEncrypted(paths: readonly string[]): string[] {
  return paths.filter((p, i) => i % 2 === 0 && !p.includes("\uFFFD"));
}

/** The ransomware drill. */
export const ransomware = defineRunbook(
  {
    id: "ransomware",
    title: "Ransomware encrypts the file share",
    scenario:
      "Ransomware encrypts half of the files on the share, renames them and drops a ransom note; the next backup snapshots the infected share. The share is recovered from the last snapshot taken before the infection, and the repository is checked by reading back part of its data.",
    proves: [
      "the last snapshot before the infection time is found and restored, never the infected one",
      "every file comes back with the same content (sha256), size and permissions, and no encrypted file or ransom note remains",
      "restic check --read-data-subset reads back part of the repository's packs without error",
    ],
    rtoMinutes: 240,
    rpoMinutes: 1440,
    usesRepository: true,
    targets: {
      share: {
        role: "file-server",
        destructive: true,
        purpose: "holds the share that is encrypted and recovered",
      },
    },
  },
  (options) => {
    const reader = new SettingsReader(options);
    return reader.result<Settings>({
      data: readData(reader),
      checkSubset: readCheckSubset(reader, new Date()),
    });
  },
)
  .preflight("clean-snapshot", {
    kind: "snapshot",
    summary: "snapshot the clean share",
    timeoutMs: TIMEOUTS.snapshot,
    retry: RETRY,
    commands: (p) => [
      {
        target: "share",
        command: `cd ${p.settings.data} && ${p.restic("backup", ".", "--tag", DRILL_TAG)}`,
      },
    ],
    run: async (ctx) => {
      const summary = await ctx
        .host("share")
        .restic()
        .backup(ctx.settings.data, { tags: [DRILL_TAG] });
      return { shortId: summary.snapshotId, files: summary.totalFiles };
    },
  })
  .preflight(
    "pre-infection-manifest",
    shareManifestStep("share", {
      summary: "hash every file of the clean share (sha256, size, mode)",
      minFiles: 2,
      tooFew: "holds fewer than 2 files: nothing to encrypt",
    }),
  )
  .preflight("safeguard-share", safeguardShareStep("share"))
  .inject("encrypt-files", {
    kind: "inject",
    summary: `overwrite every other file with random bytes, rename it with ${RANSOM_EXTENSION}, drop ${RANSOM_NOTE}`,
    timeoutMs: TIMEOUTS.files,
    touches: (p) => [{ target: "share", paths: [p.settings.data] }],
    commands: (p) => [
      {
        target: "share",
        command: `for f in <every other file>; do head -c <size+16> /dev/urandom > f; mv f f${RANSOM_EXTENSION}; done`,
      },
      { target: "share", command: `write ${posix.join(p.settings.data, RANSOM_NOTE)}` },
    ],
    run: async (ctx) => {
      const infectedAt = new Date();
      ctx.record({ kind: "disaster", at: infectedAt });
      const manifest = ctx.data["pre-infection-manifest"];
      const victims = chooseEncrypted(manifest.entries.map((e) => e.path));
      const absolute = victims.map((p) => posix.join(ctx.settings.data, p));
      const files = ctx.host("share").files();
      // Scrambling checks on the host that each original is gone and its .locked copy exists.
      const renamed = await files.scramble(absolute, RANSOM_EXTENSION);
      await files.writeFile(posix.join(ctx.settings.data, RANSOM_NOTE), NOTE_TEXT);
      // Names too long to take the extension were shortened: keep where each one went.
      const shortened = renamed.filter((r) => r.to !== `${r.from}${RANSOM_EXTENSION}`);
      ctx.note(
        `encrypted ${victims.length} files${shortened.length > 0 ? ` (${shortened.length} renamed to a shortened name)` : ""}`,
      );
      return { infectedAt, encrypted: victims.length, shortened };
    },
  })
  .inject("post-infection-snapshot", {
    kind: "snapshot",
    summary: "the next scheduled backup snapshots the infected share",
    timeoutMs: TIMEOUTS.snapshot,
    retry: RETRY,
    commands: (p) => [
      {
        target: "share",
        command: `cd ${p.settings.data} && ${p.restic("backup", ".", "--tag", DRILL_TAG, "--tag", INFECTED_TAG)}`,
      },
    ],
    run: async (ctx) => {
      const summary = await ctx
        .host("share")
        .restic()
        .backup(ctx.settings.data, { tags: [DRILL_TAG, INFECTED_TAG] });
      return { shortId: summary.snapshotId };
    },
  })
  .recover("pick-clean-snapshot", {
    kind: "check",
    summary: "pick the last snapshot taken before the infection time",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [
      {
        target: "share",
        command: `${p.restic("snapshots", "--json")} → last before <infection time>`,
      },
    ],
    run: async (ctx) => {
      const { infectedAt } = ctx.data["encrypt-files"];
      const infected = ctx.data["post-infection-snapshot"].shortId;
      const all = await ctx.host("share").restic().snapshots();
      const isInfected = (s: { id: string; tags: string[] }) =>
        s.id.startsWith(infected) || s.tags.includes(INFECTED_TAG);
      if (!all.some((s) => s.id.startsWith(infected)))
        throw new StepFailure(`the post-infection snapshot ${infected} is not in the repository`);
      const chosen = all
        .filter((s) => holdsFolder(s, ctx.settings.data) && !isInfected(s))
        .filter((s) => s.time.getTime() < infectedAt.getTime())
        .at(-1);
      if (!chosen)
        throw new StepFailure(
          `no clean snapshot of ${ctx.settings.data} was taken before the infection at ${infectedAt.toISOString()}`,
        );
      ctx.note(
        `last snapshot before the infection: ${chosen.shortId} of ${chosen.time.toISOString()}`,
      );
      if (chosen.tags.includes(DRILL_TAG))
        await recordTownRecoveryPoint(
          ctx,
          ctx.host("share").restic(),
          ctx.settings.data,
          chosen,
          infectedAt,
        );
      return ref(chosen);
    },
  })
  .recover(
    "restore-clean-snapshot",
    restoreIntoScratchStep("share", {
      from: "pick-clean-snapshot",
      manifest: "pre-infection-manifest",
      summary: "restore the clean snapshot into scratch space",
    }),
  )
  .recover(
    "swap-in-restored",
    swapInRestoredStep(
      "share",
      "move the encrypted share aside and the restored tree into its place",
    ),
  )
  .verify(
    "verify-share",
    verifyShareStep("share", {
      restored: "restore-clean-snapshot",
      manifest: "pre-infection-manifest",
      summary:
        "compare every file with the pre-infection manifest; no encrypted file or ransom note may remain",
      differs: "the recovered share differs from before the infection",
    }),
  )
  .verify(
    "check-repository",
    checkRepositoryStep("share", "restic check, reading back a subset of the repository's data"),
  )
  .cleanup("forget-infected-snapshot", {
    summary: "forget the infected snapshot (an append-only repository refuses; reported)",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [
      { target: "share", command: p.restic("forget", "<post-infection-snapshot>") },
    ],
    run: async (ctx) => {
      const infected = ctx.data["post-infection-snapshot"];
      if (infected === undefined) return;
      try {
        await ctx.host("share").restic().forget(infected.shortId);
        ctx.note(`forgot the infected snapshot ${infected.shortId}`);
      } catch (error) {
        if (error instanceof ResticError && error.reason === "append-only-refused") {
          ctx.warn(
            `the repository refused to forget the infected snapshot ${infected.shortId} (append-only): it stays, tagged ${INFECTED_TAG}, and drills never recover from it`,
          );
          return;
        }
        throw error;
      }
    },
  })
  .cleanup("put-back-original", putBackShareStep("share"))
  .cleanup(
    "remove-scratch",
    removeScratchStep("share", "remove the scratch folder (restored, encrypted and copied trees)"),
  )
  .build();
