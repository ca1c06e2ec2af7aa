/**
 * ransomware: the infection starts a dwell time (--dwell, default 5 days) before it is detected.
 * On the infected host, with the restic credentials it has, the ransomware first attacks the
 * backups — aimed by the drill only at a canary snapshot it wrote — then "encrypts" half the files
 * of the share in place (random bytes, renamed with an extension), drops a ransom note, and the
 * next backup dutifully snapshots the infected share. The drill must restore the last snapshot the
 * town's backup job took before the infection started (those taken during the dwell time are
 * possibly infected), prove every file, check the repository by reading back a subset of its data,
 * and fails when the attack destroyed a canary: the backups could be destroyed from the host.
 */
import { posix } from "node:path";
import { ResticError } from "../src/restic/restic.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import type { Manifest } from "../src/drill/manifest/entries.js";
import { formatDwell } from "../src/drill/runbook/settings.js";
import {
  DRILL_TAG,
  INFECTED_TAG,
  RETRY,
  TIMEOUTS,
  readCheckSubset,
  readData,
  ref,
  townSnapshotsOf,
  DEFAULT_MISSING_TOLERANCE,
} from "./lib/share.js";
import {
  ATTACKS,
  ATTACK_COMMANDS,
  CANARY_TAG,
  attackCanaries,
  canaryDir,
  canaryRestoreDir,
  describeAttempt,
  judgeAttack,
  notOurCanary,
  runTag,
} from "./lib/canary.js";
import {
  shareManifestStep,
  safeguardShareStep,
  shareIntactStep,
  restoreIntoScratchStep,
  swapInRestoredStep,
  verifyShareStep,
  checkRepositoryStep,
  putBackShareStep,
  verifyPutBackStep,
  removeScratchStep,
  shareSpaceStep,
} from "./lib/steps.js";

interface Settings {
  readonly data: string;
  readonly checkSubset: string;
  /** How long before detection the infection started, in milliseconds. */
  readonly dwellMs: number;
  readonly missingTolerance: number;
}

/**
 * Default dwell time: five days, the median time ransomware sat in a network before it was
 * detected in Mandiant's M-Trends 2021 investigations (incident reports since range from under a
 * day to about a week). A town with its own figure passes --dwell.
 */
export const DEFAULT_DWELL = "5d";

/** The extension encrypted files get. */
export const RANSOM_EXTENSION = ".locked";
/** The ransom note's file name, at the top of the share. */
export const RANSOM_NOTE = "README-RESTORE-FILES.txt";
const NOTE_TEXT =
  "Your files are encrypted. This is a Stronghold disaster drill: nothing was paid, and the files come back from the offsite backup.\n";

/**
 * Every other file, in manifest order. Names with bytes that are not UTF-8 are exact ("\xNN") in
 * both transports' manifests and named back as those bytes, so they are encrypted like any other.
 */
export function chooseEncrypted(paths: Iterable<string>): string[] {
  const chosen: string[] = [];
  let i = 0;
  for (const p of paths) if (i++ % 2 === 0) chosen.push(p);
  return chosen;
}

/**
 * What the encryption writes beside the originals the hard-link copy keeps: each encrypted file
 * anew, 16 bytes longer.
 */
export function encryptedBytes(manifest: Manifest): { bytes: number; what: string } {
  const chosen = new Set(chooseEncrypted(manifest.entries.paths()));
  let bytes = 0;
  for (const e of manifest.entries) if (chosen.has(e.path)) bytes += e.size + 16;
  return { bytes, what: `${chosen.size} encrypted file(s)` };
}

/** The ransomware drill. */
export const ransomware = defineRunbook(
  {
    id: "ransomware",
    title: "Ransomware encrypts the file share",
    scenario:
      "Ransomware has sat on the file server for a dwell time (default 5 days) when it is detected. With the repository credentials it finds there it tries to destroy the backups (the drill aims every attempt at a canary snapshot it wrote), then encrypts half of the files on the share, renames them and drops a ransom note; the next backup snapshots the infected share. The share is recovered from the last snapshot the town's backup job took before the infection started, and the repository is checked by reading back part of its data.",
    proves: [
      "the last snapshot the town took before the infection started is restored; those taken during the dwell time are reported as possibly infected, never restored",
      "every file comes back with the same content (sha256), size and permissions, and no encrypted file or ransom note remains",
      "restic check --read-data-subset reads back part of the repository's packs without error",
      "with the credentials on the infected host, the canary snapshot cannot be forgotten, pruned, deleted or overwritten (in an S3 bucket with Object Lock: its locked version survives and the canary restores from it)",
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
      dwellMs: reader.duration("--dwell", reader.options.dwell, DEFAULT_DWELL),
      missingTolerance: options.missingTolerance ?? DEFAULT_MISSING_TOLERANCE,
    });
  },
)
  .preflight("town-snapshot-before-dwell", {
    kind: "check",
    summary: "find a snapshot the town's backup job took before the dwell time began",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [
      {
        target: "share",
        command: `${p.restic("snapshots", "--json")} → a town snapshot older than ${formatDwell(p.settings.dwellMs)}`,
      },
    ],
    run: async (ctx) => {
      // Detection comes later than now, so a snapshot before now − dwell is before the infection.
      const start = new Date(Date.now() - ctx.settings.dwellMs);
      const town = await townSnapshotsOf(ctx.host("share").restic(), ctx.settings.data);
      const before = town.filter((s) => s.time.getTime() < start.getTime()).at(-1);
      if (!before)
        throw new StepFailure(
          `no snapshot of ${ctx.settings.data} from the town's backup job is older than the dwell time of ${formatDwell(ctx.settings.dwellMs)} (before ${start.toISOString()}): there would be nothing clean to recover from (snapshots tagged ${DRILL_TAG} do not count)`,
          town.length > 0
            ? [
                `newest town snapshot: ${town.at(-1)!.shortId} of ${town.at(-1)!.time.toISOString()}`,
              ]
            : [],
        );
      ctx.note(
        `town snapshot before the dwell time: ${before.shortId} of ${before.time.toISOString()}`,
      );
      return ref(before);
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
  .preflight("share-intact", shareIntactStep("share", { manifest: "pre-infection-manifest" }))
  .preflight(
    "restore-space",
    shareSpaceStep("share", {
      from: "town-snapshot-before-dwell",
      manifest: "pre-infection-manifest",
      alsoWrites: encryptedBytes,
    }),
  )
  .preflight("safeguard-share", safeguardShareStep("share"))
  .inject("attack-backups", {
    kind: "inject",
    summary:
      "with the host's restic credentials, try to forget, prune, delete and overwrite a canary snapshot (and only it)",
    timeoutMs: TIMEOUTS.check,
    touches: (p) => [
      {
        target: "share",
        paths: [canaryDir(p.settings.data, p.runId), canaryRestoreDir(p.settings.data, p.runId)],
      },
    ],
    commands: (p) => [
      {
        target: "share",
        command: `write ${canaryDir(p.settings.data, p.runId)}/canary.txt && cd ${canaryDir(p.settings.data, p.runId)} && ${p.restic("backup", ".", "--tag", DRILL_TAG, "--tag", CANARY_TAG, "--tag", runTag(p.runId))}`,
      },
      ...ATTACKS.map((a) => ({
        target: "share" as const,
        command: `${ATTACK_COMMANDS[a]}${a === "forget" || a === "forget-prune" ? " (when the canary is gone on an S3 bucket: ListObjectVersions under the repository, then DeleteObject by versionId of the delete markers the attempt put)" : ""} (a new canary if the last one was destroyed)`,
      })),
    ],
    run: async (ctx) => {
      const host = ctx.host("share");
      return attackCanaries(
        host.restic(),
        host.files(),
        { runId: ctx.runId, dir: canaryDir(ctx.settings.data, ctx.runId) },
        (m) => ctx.note(m),
        {
          dir: canaryRestoreDir(ctx.settings.data, ctx.runId),
          read: (path) => host.run(["cat", "--", path]),
        },
      );
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
      const manifest = ctx.data["pre-infection-manifest"];
      const victims = chooseEncrypted(manifest.entries.paths());
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
      return { encrypted: victims.length, shortened };
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
      // Detected now: the RTO runs from here, the RPO from when the infection started.
      const detectedAt = new Date();
      const infectionStartedAt = new Date(detectedAt.getTime() - ctx.settings.dwellMs);
      ctx.record({ kind: "disaster", at: detectedAt });
      ctx.record({ kind: "infection", startedAt: infectionStartedAt });
      ctx.note(
        `detected at ${detectedAt.toISOString()}; the infection started ${formatDwell(ctx.settings.dwellMs)} earlier, at ${infectionStartedAt.toISOString()}`,
      );
      return { shortId: summary.snapshotId, detectedAt, infectionStartedAt };
    },
  })
  .recover("pick-clean-snapshot", {
    kind: "check",
    summary:
      "pick the last snapshot the town's backup job took before the infection started; those taken during the dwell time are possibly infected",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [
      {
        target: "share",
        command: `${p.restic("snapshots", "--json")} → last town snapshot before <detection − ${formatDwell(p.settings.dwellMs)}>`,
      },
    ],
    run: async (ctx) => {
      const { infectionStartedAt } = ctx.data["post-infection-snapshot"];
      const infected = ctx.data["post-infection-snapshot"].shortId;
      const restic = ctx.host("share").restic();
      const all = await restic.snapshots();
      if (!all.some((s) => s.id.startsWith(infected)))
        throw new StepFailure(`the post-infection snapshot ${infected} is not in the repository`);
      const town = await townSnapshotsOf(restic, ctx.settings.data);
      const start = infectionStartedAt.getTime();
      const chosen = town.filter((s) => s.time.getTime() < start).at(-1);
      if (!chosen)
        throw new StepFailure(
          `no snapshot of ${ctx.settings.data} from the town's backup job was taken before the infection started at ${infectionStartedAt.toISOString()} (dwell time ${formatDwell(ctx.settings.dwellMs)}; snapshots tagged ${DRILL_TAG} do not count)`,
        );
      const duringDwell = town.filter((s) => s.time.getTime() >= start);
      if (duringDwell.length > 0)
        ctx.warn(
          `${duringDwell.length} snapshot(s) the town took during the dwell time are possibly infected and were not restored: ${duringDwell.map((s) => `${s.shortId} (${s.time.toISOString()})`).join(", ")}`,
        );
      ctx.record({ kind: "recovery-point", snapshot: ref(chosen) });
      ctx.note(
        `last town snapshot before the infection: ${chosen.shortId} of ${chosen.time.toISOString()}`,
      );
      return {
        ...ref(chosen),
        possiblyInfected: duringDwell.map((s) => ({ id: s.id, time: s.time })),
      };
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
  .verify("backups-withstood-attack", {
    kind: "verify",
    summary:
      "every attempt on the canary was refused; any that destroyed it means the backups can be destroyed from the infected host",
    timeoutMs: TIMEOUTS.check,
    run: (ctx) => {
      const { attempts } = ctx.data["attack-backups"];
      const verdict = judgeAttack(attempts);
      const host = ctx.target("share").name;
      ctx.record({
        kind: "backup-attack",
        verdict: verdict.kind,
        attempts: attempts.map(describeAttempt),
      });
      switch (verdict.kind) {
        case "destroyable":
          throw new StepFailure(
            `the backups can be destroyed with the restic credentials on the infected host ${host}: ${verdict.succeeded.map((a) => ATTACK_COMMANDS[a.attack].replace("<canary>", a.canary)).join("; ")} destroyed the canary — make the offsite repository append-only or locked (see the drills guide)`,
            attempts.map(describeAttempt),
          );
        case "unproven":
          ctx.warn(
            `no attempt destroyed the canary, but ${verdict.inconclusive.length} could not show that the repository refuses: ${verdict.inconclusive.map(describeAttempt).join("; ")}`,
          );
          return { verdict: verdict.kind };
        case "withstood":
          ctx.note(
            `the backups withstood every attempt with the credentials on ${host}: ${attempts.map(describeAttempt).join("; ")}`,
          );
          return { verdict: verdict.kind };
      }
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
      if (ctx.recovering) {
        ctx.note(
          `a killed run's infected snapshot, if it took one, stays tagged ${INFECTED_TAG} (never recovered from); stronghold drill prune forgets it`,
        );
        return;
      }
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
  .cleanup("remove-canary", {
    summary:
      "forget the canary snapshot if it is still there (an append-only repository refuses: it stays, tagged, for drill prune)",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [
      {
        target: "share",
        command: `${p.restic("snapshots", "--json", "--tag", `${CANARY_TAG},${runTag(p.runId)}`)} → ${p.restic("forget", "<canary>")}`,
      },
    ],
    run: async (ctx) => {
      if (ctx.recovering) {
        ctx.note(
          `a killed run's canary snapshots stay tagged ${CANARY_TAG}; stronghold drill prune forgets them`,
        );
        return;
      }
      // Found by tag, not from the attack's output: an attack that stopped halfway left one too.
      const restic = ctx.host("share").restic();
      const identity = { runId: ctx.runId, dir: canaryDir(ctx.settings.data, ctx.runId) };
      const canaries = (await restic.snapshots({ tags: [CANARY_TAG, runTag(ctx.runId)] })).filter(
        (s) => notOurCanary(s, identity) === undefined,
      );
      for (const canary of canaries) {
        try {
          await restic.forget(canary.id);
          ctx.note(`forgot the canary ${canary.shortId}`);
        } catch (error) {
          if (error instanceof ResticError && error.reason === "append-only-refused") {
            ctx.note(
              `the canary ${canary.shortId} stays in the append-only repository, tagged ${CANARY_TAG}; stronghold drill prune forgets it where deletes are allowed`,
            );
            continue;
          }
          throw error;
        }
      }
    },
  })
  .cleanup("put-back-original", putBackShareStep("share"))
  .cleanup("verify-put-back", verifyPutBackStep("share"))
  .cleanup(
    "remove-scratch",
    removeScratchStep(
      "share",
      "remove the scratch folder (restored, encrypted and copied trees, the canary folder)",
    ),
  )
  .build();
