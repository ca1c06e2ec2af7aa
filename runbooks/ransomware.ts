/**
 * ransomware: after a clean snapshot, half the files of the share are "encrypted" in place
 * (overwritten with random bytes and renamed with an extension), a ransom note is dropped, and the
 * next backup dutifully snapshots the infected share. The drill must restore the last snapshot
 * taken before the infection — not simply the latest — prove every file, and check the repository
 * itself by reading back a subset of its data.
 */
import { posix } from "node:path";
import { ResticError } from "../src/restic/restic.js";
import { compareManifests } from "../src/drill/manifest/manifest.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import {
  DRILL_TAG,
  INFECTED_TAG,
  RESTORE_RETRY,
  RETRY,
  TIMEOUTS,
  putBackOriginal,
  readCheckSubset,
  readData,
  ref,
  removeScratch,
  requireMatch,
  sharePaths,
} from "./lib/share.js";

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
  .preflight("pre-infection-manifest", {
    kind: "check",
    summary: "hash every file of the clean share (sha256, size, mode)",
    timeoutMs: TIMEOUTS.manifest,
    retry: RETRY,
    commands: (p) => [
      { target: "share", command: `manifest ${p.settings.data} (find, stat, sha256sum)` },
    ],
    run: async (ctx) => {
      const manifest = await ctx.host("share").manifest(ctx.settings.data);
      if (manifest.files < 2)
        throw new StepFailure(
          `the share ${ctx.settings.data} holds fewer than 2 files: nothing to encrypt`,
        );
      return manifest;
    },
  })
  .preflight("safeguard-share", {
    kind: "safeguard",
    summary: "keep a hard-link copy of the share in scratch space, for cleanup to put back",
    timeoutMs: TIMEOUTS.files,
    touches: (p) => [{ target: "share", paths: [sharePaths(p.settings.data, p.runId).scratch] }],
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
      const victims = manifest.entries.filter((_, i) => i % 2 === 0).map((e) => e.path);
      const absolute = victims.map((p) => posix.join(ctx.settings.data, p));
      const files = ctx.host("share").files();
      // Scrambling checks on the host that each original is gone and its .locked copy exists.
      await files.scramble(absolute, RANSOM_EXTENSION);
      await files.writeFile(posix.join(ctx.settings.data, RANSOM_NOTE), NOTE_TEXT);
      ctx.note(`encrypted ${victims.length} files`);
      return { infectedAt, encrypted: victims };
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
        .filter((s) => s.paths.length === 1 && s.paths[0] === ctx.settings.data && !isInfected(s))
        .filter((s) => s.time.getTime() < infectedAt.getTime())
        .at(-1);
      if (!chosen)
        throw new StepFailure(
          `no clean snapshot of ${ctx.settings.data} was taken before the infection at ${infectedAt.toISOString()}`,
        );
      ctx.note(
        `last snapshot before the infection: ${chosen.shortId} of ${chosen.time.toISOString()}`,
      );
      return ref(chosen);
    },
  })
  .recover("restore-clean-snapshot", {
    kind: "restore",
    summary: "restore the clean snapshot into scratch space",
    timeoutMs: TIMEOUTS.restore,
    retry: RESTORE_RETRY,
    touches: (p) => [{ target: "share", paths: [sharePaths(p.settings.data, p.runId).restored] }],
    commands: (p) => [
      {
        target: "share",
        command: p.restic(
          "restore",
          "<pick-clean-snapshot>",
          "--target",
          sharePaths(p.settings.data, p.runId).restored,
        ),
      },
    ],
    run: async (ctx) => {
      const paths = sharePaths(ctx.settings.data, ctx.runId);
      const snapshot = ctx.data["pick-clean-snapshot"];
      const host = ctx.host("share");
      await host.files().remove([paths.restored]);
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
    summary: "move the encrypted share aside and the restored tree into its place",
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
    summary:
      "compare every file with the pre-infection manifest; no encrypted file or ransom note may remain",
    timeoutMs: TIMEOUTS.manifest,
    commands: (p) => [
      {
        target: "share",
        command: `manifest ${p.settings.data}; compare with pre-infection-manifest`,
      },
    ],
    run: async (ctx) => {
      const expected = ctx.data["pre-infection-manifest"];
      const actual = await ctx.host("share").manifest(ctx.settings.data);
      const compared = compareManifests(expected, actual);
      // Counted even when the verdict fails: the report shows how much was intact.
      ctx.record({
        kind: "verified",
        files: compared.verifiedFiles,
        bytes: compared.verifiedBytes,
      });
      const diff = requireMatch(compared, "the recovered share differs from before the infection", {
        extraFails: true,
      });
      return { files: diff.verifiedFiles, bytes: diff.verifiedBytes };
    },
  })
  .verify("check-repository", {
    kind: "verify",
    summary: "restic check, reading back a subset of the repository's data",
    timeoutMs: TIMEOUTS.readData,
    retry: RETRY,
    commands: (p) => [
      { target: "share", command: p.restic("check", "--read-data-subset", p.settings.checkSubset) },
    ],
    run: async (ctx) => {
      const result = await ctx
        .host("share")
        .restic()
        .check({ readDataSubset: ctx.settings.checkSubset });
      if (!result.ok)
        throw new StepFailure(
          `restic check --read-data-subset ${ctx.settings.checkSubset} found errors in the repository`,
          result.errors.slice(0, 20),
        );
      return { subset: ctx.settings.checkSubset };
    },
  })
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
      await putBackOriginal(ctx.host("share"), sharePaths(ctx.settings.data, ctx.runId));
    },
  })
  .cleanup("remove-scratch", {
    summary: "remove the scratch folder (restored, encrypted and copied trees)",
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
