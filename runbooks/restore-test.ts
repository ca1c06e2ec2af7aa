/**
 * restore-test: the weekly proof on the town's real data, as AWS Backup restore testing and Veeam
 * SureBackup run it. Nothing is damaged: the newest snapshot the town's backup job took of a
 * production share is restored into a sandbox on a drill host, every restored file is checked
 * against the snapshot (restic reads every byte back against its blob hashes; size, mode and
 * modification time against its record), an optional health check runs on the copy, and the
 * measured throughput gives the time a full restore of the repository would take.
 */
import { randomInt } from "node:crypto";
import { posix } from "node:path";
import { checkRecovery } from "../src/drill/manifest/recovery-check.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import type { PlanView } from "../src/drill/runbook/context.js";
import {
  SettingsReader,
  parsePick,
  pickProblem,
  type SnapshotPick,
} from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import { formatDuration } from "../src/drill/results/metrics.js";
import type { Snapshot } from "../src/restic/restic.js";
import {
  DRILL_TAG,
  INFECTED_TAG,
  RESTORE_RETRY,
  RETRY,
  TIMEOUTS,
  locateShare,
  newestOf,
  readData,
  townSnapshotsOf,
  ref,
  requireRecovery,
  restoreShare,
  restoredFact,
  runHealthCheck,
  snapshotLinks,
  noteLinks,
} from "./lib/share.js";
import { shareRestoreSize } from "./lib/space.js";
import { spaceStep } from "./lib/steps.js";

interface Settings {
  /** The production share, as the town's backup job names it. */
  readonly data: string;
  /** Absent: a fresh folder in the drill host's first sandbox. */
  readonly restoreTo: string | undefined;
  readonly healthCheck: string | undefined;
  readonly pick: SnapshotPick;
}

type Targets = "restore";

/** Where the copy is restored on the drill host. */
export function copyDir(p: PlanView<Targets, Settings>): string {
  if (p.settings.restoreTo !== undefined) return p.settings.restoreTo;
  const sandbox = p.target("restore").sandbox[0] ?? "/nonexistent-sandbox";
  return posix.join(sandbox, `restore-test-${p.runId}`);
}

function unpackDir(p: PlanView<Targets, Settings>): string {
  return `${copyDir(p)}.from-snapshot`;
}

/**
 * The newest snapshot the town's backup job took of each source (host and paths): together, what
 * restoring everything the repository protects would mean on the day of a disaster.
 */
export function latestOfEachSource(snapshots: readonly Snapshot[]): Snapshot[] {
  const latest = new Map<string, Snapshot>();
  for (const s of snapshots) {
    if (s.tags.includes(DRILL_TAG) || s.tags.includes(INFECTED_TAG)) continue;
    const key = `${s.hostname}\0${[...s.paths].sort().join("\0")}`;
    const seen = latest.get(key);
    if (!seen || seen.time.getTime() < s.time.getTime()) latest.set(key, s);
  }
  return [...latest.values()];
}

/** The restore-test drill. */
export const restoreTest = defineRunbook(
  {
    id: "restore-test",
    title: "The production backup restores, without touching production",
    scenario:
      "No disaster: the newest snapshot the town's backup job took of a production share (or one of the N newest, at random) is restored into a sandbox on a drill host, every restored file is checked against the snapshot, the optional health check runs on the copy, and the measured throughput gives the time a full restore of the repository would take. The production host is never contacted.",
    proves: [
      "the newest snapshot of the production share restores from the offsite repository on a drill host",
      "every restored byte matches the snapshot's blob hashes (restic restore --verify), and every file its recorded size, mode and modification time",
      "a full restore of the repository's newest snapshots fits in the RTO at the throughput measured",
    ],
    rtoMinutes: 480,
    rpoMinutes: 1440,
    usesRepository: true,
    targets: {
      restore: {
        role: "dr-host",
        destructive: true,
        purpose: "receives the copy in its sandbox; the production host is never contacted",
      },
    },
  },
  (options) => {
    const reader = new SettingsReader(options);
    const restoreTo =
      options.restoreTo === undefined
        ? undefined
        : reader.path("--restore-to", options.restoreTo, "where the copy is restored");
    const health = options.healthCheck?.trim();
    const pick = parsePick(options.pick ?? "newest");
    if (pick === undefined) reader.problem("--pick", pickProblem(options.pick ?? ""));
    return reader.result<Settings>({
      data: readData(reader),
      restoreTo,
      healthCheck: health === undefined || health === "" ? undefined : health,
      pick: pick ?? { kind: "newest" },
    });
  },
)
  .preflight("choose-snapshot", {
    kind: "check",
    summary:
      "choose the town's snapshot of the share to restore: the newest, or one of the N newest (--pick random:N)",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [{ target: "restore", command: p.restic("snapshots", "--json") }],
    run: async (ctx) => {
      const restic = ctx.host("restore").restic();
      // The RPO is the newest snapshot's age, whichever one is restored.
      const town = await townSnapshotsOf(restic, ctx.settings.data);
      const newest = newestOf(town, restic, ctx.settings.data);
      ctx.record({ kind: "recovery-point", snapshot: ref(newest) });
      const age = (s: Snapshot) => formatDuration((Date.now() - s.time.getTime()) / 1000);
      const pick = ctx.settings.pick;
      let chosen = newest;
      if (pick.kind === "random") {
        const recent = town.slice(-pick.among);
        chosen = recent[randomInt(recent.length)] ?? newest;
        ctx.note(
          `snapshot ${chosen.shortId} of ${chosen.time.toISOString()}, ${age(chosen)} old, chosen at random among the ${recent.length} newest of ${town.length}; the RPO is measured to the newest, ${newest.shortId} (${age(newest)} old)`,
        );
      } else
        ctx.note(
          `snapshot ${newest.shortId} of ${newest.time.toISOString()} from ${newest.hostname || "an unnamed host"}, ${age(newest)} old`,
        );
      return {
        ...ref(chosen),
        shortId: chosen.shortId,
        host: chosen.hostname,
        newest: newest.shortId,
      };
    },
  })
  .preflight(
    "restore-space",
    spaceStep("restore", {
      summary:
        "check the free space and inodes on the drill host for the copy (restic's restore size of the share in the snapshot, plus a margin)",
      where: unpackDir,
      sizeCommands: (p) => [
        {
          target: "restore",
          command: p.restic(
            "ls",
            "--json",
            "<chosen snapshot>",
            "/",
            "<each place the share may be>",
          ),
        },
        {
          target: "restore",
          command: `${p.restic("stats", "--json", "--mode", "restore-size", "<chosen snapshot>")} (or, when the snapshot holds more than the share, ls --json of it counted below the share's path)`,
        },
      ],
      need: (ctx) =>
        shareRestoreSize(
          ctx,
          ctx.host("restore").restic(),
          ctx.data["choose-snapshot"].id,
          ctx.settings.data,
        ),
    }),
  )
  .recover("restore-copy", {
    kind: "restore",
    summary: "restore the share out of the snapshot into the drill host's sandbox (--verify)",
    timeoutMs: TIMEOUTS.restore,
    retry: RESTORE_RETRY,
    touches: (p) => [{ target: "restore", paths: [copyDir(p), unpackDir(p)] }],
    commands: (p) => [
      {
        target: "restore",
        command: p.restic("ls", "--json", "<the snapshot>", "/", "<each place the share may be>"),
      },
      {
        target: "restore",
        command: p.restic(
          "restore",
          "<chosen snapshot>",
          "--target",
          unpackDir(p),
          "--include",
          "<the share's path in the snapshot>",
          "--verify",
        ),
      },
      { target: "restore", command: `mv -T ${unpackDir(p)}/<the share's path> ${copyDir(p)}` },
    ],
    run: async (ctx) => {
      const snapshot = ctx.data["choose-snapshot"];
      const host = ctx.host("restore");
      const restic = host.restic();
      // No live share to consult: the snapshot's tree alone says where the share is.
      const where = await locateShare(ctx, restic, snapshot.id, ctx.settings.data);
      const restored = await restoreShare(host, restic, snapshot.id, where, {
        restored: copyDir(ctx),
        unpacked: unpackDir(ctx),
      });
      ctx.record(restoredFact(restored));
      return { ...restored, snapshotId: snapshot.id, inSnapshot: where.path };
    },
  })
  .verify("verify-against-snapshot", {
    kind: "verify",
    summary: "compare every restored file with the snapshot's record (size, mode, mtime)",
    timeoutMs: TIMEOUTS.manifest,
    commands: (p) => [
      {
        target: "restore",
        command: p.restic("cat", "blob", "<each tree on the way to a folder holding symlinks>"),
      },
      { target: "restore", command: `manifest ${copyDir(p)}; compare with the snapshot` },
    ],
    run: async (ctx) => {
      // The snapshot's record as the restore listed it: not listed again.
      const { record } = ctx.data["restore-copy"];
      const host = ctx.host("restore");
      const links = await snapshotLinks(ctx, host.restic(), record);
      const check = checkRecovery(
        record.files,
        await host.manifest(copyDir(ctx)),
        undefined,
        links,
      );
      ctx.record({ kind: "verified", files: check.verifiedFiles, bytes: check.verifiedBytes });
      requireRecovery(check, "the restored copy differs from the snapshot");
      if (check.verifiedFiles === 0)
        throw new StepFailure(`the snapshot holds no files of ${ctx.settings.data}`);
      ctx.note(
        `${check.verifiedFiles} files with the snapshot's size, mode and modification time; content checked by restic restore --verify`,
      );
      noteLinks(ctx, check);
      return { files: check.verifiedFiles, bytes: check.verifiedBytes };
    },
  })
  .verify("health-check", {
    kind: "health",
    summary: "run the health check on the copy (skipped without --health-check)",
    timeoutMs: TIMEOUTS.health,
    retry: { attempts: 3, backoffMs: 5_000 },
    commands: (p) =>
      p.settings.healthCheck === undefined
        ? []
        : [{ target: "restore", command: `cd ${copyDir(p)} && sh -c '${p.settings.healthCheck}'` }],
    run: async (ctx) => {
      const check = ctx.settings.healthCheck;
      if (check === undefined) {
        ctx.note("no --health-check given: the copy is verified file by file only");
        return { ran: false };
      }
      await runHealthCheck(ctx.host("restore"), check, copyDir(ctx), "the copy");
      return { ran: true };
    },
  })
  .verify("full-restore-estimate", {
    kind: "check",
    summary:
      "estimate a full restore of the repository's newest snapshots at the measured throughput, against the RTO",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [
      {
        target: "restore",
        command: p.restic("stats", "--json", "--mode", "restore-size", "<newest of each source>"),
      },
    ],
    run: async (ctx) => {
      const restored = ctx.data["restore-copy"];
      const restic = ctx.host("restore").restic();
      const sources = latestOfEachSource(await restic.snapshots());
      const full = await restic.restoreSize(sources.map((s) => s.id));
      const bytesPerSecond = restored.bytes / Math.max(restored.durationSeconds, 0.001);
      const estimateSeconds =
        bytesPerSecond > 0 ? full.bytes / bytesPerSecond : restored.durationSeconds;
      const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
      const said = `a full restore of the newest snapshots of ${sources.length} source(s) (${full.files} files, ${mib(full.bytes)}) would take about ${formatDuration(estimateSeconds)} at the ${mib(bytesPerSecond)}/s measured`;
      if (estimateSeconds > ctx.rtoMinutes * 60)
        throw new StepFailure(`${said}: beyond the RTO of ${formatDuration(ctx.rtoMinutes * 60)}`, [
          "restore in parallel from several hosts, move the repository closer, or agree a longer RTO",
        ]);
      ctx.note(said);
      return {
        sources: sources.length,
        files: full.files,
        bytes: full.bytes,
        bytesPerSecond,
        estimateSeconds,
      };
    },
  })
  .cleanup("remove-copy", {
    summary: "remove the restored copy from the drill host",
    timeoutMs: TIMEOUTS.files,
    retry: RETRY,
    touches: (p) => [{ target: "restore", paths: [copyDir(p), unpackDir(p)] }],
    commands: (p) => [{ target: "restore", command: `rm -rf -- ${copyDir(p)} ${unpackDir(p)}` }],
    run: async (ctx) => {
      await ctx
        .host("restore")
        .files()
        .remove([copyDir(ctx), unpackDir(ctx)]);
    },
  })
  .build();
