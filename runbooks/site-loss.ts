/**
 * site-loss: the primary site is gone. The DR host opens the offsite repository with only what
 * the DR site holds — its own password file, the repository from the stack outputs — restores the
 * share, verifies it, and runs the configured service health check there. The primary is read
 * before the loss when it still answers (a manifest to compare with) and is never needed: with
 * the primary already gone, the restore is verified against restic's own record of the snapshot.
 */
import { posix } from "node:path";
import type { Manifest } from "../src/drill/manifest/entries.js";
import { checkRecovery } from "../src/drill/manifest/recovery-check.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import type { DrillHost, DrillRestic, PlanView } from "../src/drill/runbook/context.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import { TransportError, type TransportFailure } from "../src/hosts/transport/session.js";
import { ResticError, type ResticFailure } from "../src/restic/restic.js";
import {
  DRILL_TAG,
  RESTORE_RETRY,
  RETRY,
  TIMEOUTS,
  newestSnapshot,
  locateShare,
  readData,
  recordTownRecoveryPoint,
  ref,
  requireRecovery,
  restoreShare,
  restoredFact,
  runHealthCheck,
  snapshotLinks,
  noteLinks,
  takeSnapshot,
  topLevelNames,
  warnChangedSince,
} from "./lib/share.js";
import { shareRestoreSize } from "./lib/space.js";
import { spaceStep } from "./lib/steps.js";

interface Settings {
  readonly data: string;
  /** Absent: a fresh folder in the DR host's first sandbox. */
  readonly restoreTo: string | undefined;
  /** The DR site's own repository password file, on the DR host. */
  readonly drPasswordFile: string;
  readonly healthCheck: string;
  readonly fresh: boolean;
}

type Targets = "primary" | "dr";

/** What the drill knows of the share before the loss: a manifest, or why there is none. */
type PreLoss =
  | { readonly kind: "manifest"; readonly manifest: Manifest }
  | { readonly kind: "primary-unreachable"; readonly reason: string };

/** Where the share is restored on the DR host. */
export function restoreDir(p: PlanView<Targets, Settings>): string {
  if (p.settings.restoreTo !== undefined) return p.settings.restoreTo;
  const sandbox = p.target("dr").sandbox[0] ?? "/nonexistent-sandbox";
  return posix.join(sandbox, `site-loss-${p.runId}`);
}

/** Where restic unpacks the snapshot before the share's folder is moved to restoreDir. */
export function unpackDir(p: PlanView<Targets, Settings>): string {
  return `${restoreDir(p)}.from-snapshot`;
}

/** A restic command on the DR host as the plan shows it: with the DR site's own password file. */
function drResticCommand(p: PlanView<Targets, Settings>, ...args: string[]): string {
  return `RESTIC_PASSWORD_FILE=${p.settings.drPasswordFile} ${p.restic(...args)}`;
}

/** restic on the DR host with only the DR site's own credentials. */
function drRestic(ctx: { host(key: "dr"): DrillHost; readonly settings: Settings }): DrillRestic {
  return ctx.host("dr").restic({ passwordFile: ctx.settings.drPasswordFile });
}

/** restic failures that mean the DR site's own credentials do not open the repository. */
const CREDENTIAL_FAILURES: ReadonlySet<ResticFailure> = new Set([
  "wrong-password",
  "repository-missing",
  "unreadable",
]);

/** Runs `work`; a credentials failure becomes a step failure naming the DR host and its file. */
async function withDrCredentials<O>(
  ctx: { target(key: "dr"): { name: string }; readonly settings: Settings },
  work: () => Promise<O>,
): Promise<O> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ResticError && CREDENTIAL_FAILURES.has(error.reason)) {
      const dr = ctx.target("dr").name;
      const file = ctx.settings.drPasswordFile;
      // A missing or empty file is named by restic's message already; a wrong password is not.
      const where = error.message.includes(file) ? "" : `${dr} with password file ${file}: `;
      throw new StepFailure(
        `the DR site cannot open the offsite repository with its own credentials: ${where}${error.message}`,
        [
          `put the repository password in ${file} on ${dr} (first line, readable by the drill user); for an s3: repository, the keys in that host's own ~/.aws/credentials`,
          ...error.output.map((l) => `restic: ${l}`),
        ],
      );
    }
    throw error;
  }
}

/** Transport failures that mean the primary is gone, as in a real site loss. */
const GONE: ReadonlySet<TransportFailure> = new Set(["unreachable", "timeout", "connection-lost"]);

/** The site-loss drill. */
export const siteLoss = defineRunbook(
  {
    id: "site-loss",
    title: "The primary site is lost",
    scenario:
      "The town hall's server room is lost: the file server is unreachable for good, perhaps already before the drill starts. The DR host restores the share from the offsite repository with the DR site's own credentials, verifies it, and the service health check runs there.",
    proves: [
      "the DR host opens the offsite repository with the DR site's own password file and restores the share without any help from the lost site: no password is sent to it",
      "every file arrives with the same content (sha256), size and permissions as on the primary before the loss; with the primary already gone, as restic recorded it in the snapshot (restore --verify, file count and bytes)",
      "the configured service health check passes on the DR host",
    ],
    rtoMinutes: 480,
    rpoMinutes: 1440,
    usesRepository: true,
    // The DR host uses its own password file; only a fresh snapshot on the primary needs ours.
    runnerPassword: "fresh-snapshot",
    targets: {
      primary: {
        role: "file-server",
        destructive: false,
        purpose:
          "the site that is lost; read before the loss if it still answers, refused after it",
      },
      dr: {
        role: "dr-host",
        destructive: true,
        purpose: "receives the restored share and runs the service",
      },
    },
  },
  (options) => {
    const reader = new SettingsReader(options);
    const restoreTo =
      options.restoreTo === undefined
        ? undefined
        : reader.path(
            "--restore-to",
            options.restoreTo,
            "where the share is restored on the DR host",
          );
    return reader.result<Settings>({
      data: readData(reader),
      restoreTo,
      drPasswordFile: reader.path(
        "--dr-password-file",
        options.drPasswordFile,
        "the DR site's own repository password file, a path on the DR host",
      ),
      healthCheck: reader.text(
        "--health-check",
        options.healthCheck,
        "the command that proves the service works on the DR host (run there in the restored folder)",
      ),
      fresh: options.freshSnapshot,
    });
  },
)
  .preflight("recovery-snapshot", {
    kind: "snapshot",
    summary:
      "find the newest snapshot of the share as the DR host sees it (or take one on the primary with --fresh-snapshot)",
    timeoutMs: TIMEOUTS.snapshot,
    retry: RETRY,
    commands: (p) =>
      p.settings.fresh
        ? [
            {
              target: "primary",
              command: `cd ${p.settings.data} && ${p.restic("backup", ".", "--tag", DRILL_TAG)}`,
            },
          ]
        : [{ target: "dr", command: drResticCommand(p, "snapshots", "--json") }],
    run: async (ctx) => {
      if (!ctx.settings.fresh) {
        const snapshot = await withDrCredentials(ctx, () =>
          newestSnapshot(drRestic(ctx), ctx.settings.data),
        );
        ctx.note(`recovering from snapshot ${snapshot.shortId} of ${snapshot.time.toISOString()}`);
        return ref(snapshot);
      }
      // Only the primary can take a fresh snapshot: --fresh-snapshot needs it up.
      const restic = ctx.host("primary").restic();
      let snapshot;
      try {
        snapshot = await takeSnapshot(restic, ctx.settings.data, [DRILL_TAG]);
      } catch (error) {
        if (error instanceof TransportError && GONE.has(error.reason))
          throw new StepFailure(
            `--fresh-snapshot takes a snapshot on the primary, and ${ctx.target("primary").name} does not answer (${error.message}): run the drill without --fresh-snapshot to recover from the newest snapshot`,
          );
        throw error;
      }
      await recordTownRecoveryPoint(ctx, restic, ctx.settings.data, snapshot);
      return ref(snapshot);
    },
  })
  .preflight("pre-disaster-manifest", {
    kind: "check",
    summary:
      "hash every file of the share on the primary (sha256, size, mode) if it still answers; if not, verify against the snapshot's record",
    timeoutMs: TIMEOUTS.manifest,
    retry: RETRY,
    commands: (p) => [
      {
        target: "primary",
        command: `manifest ${p.settings.data} (find, stat, sha256sum), if the primary answers`,
      },
    ],
    run: async (ctx): Promise<PreLoss> => {
      let manifest: Manifest;
      try {
        manifest = await ctx.host("primary").manifest(ctx.settings.data);
      } catch (error) {
        // A real site loss: the primary may be gone before the drill starts.
        if (error instanceof TransportError && GONE.has(error.reason)) {
          ctx.warn(
            `the primary ${ctx.target("primary").name} does not answer (${error.message}): the restore is verified against the snapshot's own record instead of a pre-loss manifest`,
          );
          return { kind: "primary-unreachable", reason: error.message };
        }
        throw error;
      }
      if (manifest.files < 1)
        throw new StepFailure(`the share ${ctx.settings.data} holds no files: nothing to drill on`);
      ctx.note(`${manifest.files} files`);
      return { kind: "manifest", manifest };
    },
  })
  .preflight("dr-host-ready", {
    kind: "check",
    summary:
      "restic runs on the DR host and, with the DR site's own password file, sees the snapshot in the offsite repository",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [
      { target: "dr", command: "restic version" },
      { target: "dr", command: drResticCommand(p, "snapshots", "--json") },
    ],
    run: async (ctx) => {
      const restic = drRestic(ctx);
      const version = await restic.version();
      const snapshot = ctx.data["recovery-snapshot"];
      const seen = await withDrCredentials(ctx, () => restic.snapshots());
      if (!seen.some((s) => s.id === snapshot.id))
        throw new StepFailure(
          `the DR host does not see snapshot ${snapshot.id.slice(0, 8)} in ${restic.repositoryLabel}`,
        );
      return { version };
    },
  })
  .preflight(
    "restore-space",
    spaceStep("dr", {
      summary:
        "check the free space and inodes on the DR host for the restore (restic's restore size of the share in the snapshot, plus a margin)",
      where: unpackDir,
      sizeCommands: (p) => [
        {
          target: "dr",
          command: drResticCommand(
            p,
            "ls",
            "--json",
            "<recovery-snapshot>",
            "/",
            "<each place the share may be>",
          ),
        },
        {
          target: "dr",
          command: `${drResticCommand(p, "stats", "--json", "--mode", "restore-size", "<recovery-snapshot>")} (or, when the snapshot holds more than the share, ls --json of it counted below the share's path)`,
        },
      ],
      need: (ctx) => {
        const preLoss = ctx.data["pre-disaster-manifest"];
        const hint =
          preLoss.kind === "manifest" ? topLevelNames(preLoss.manifest.entries.paths()) : undefined;
        return withDrCredentials(ctx, () =>
          shareRestoreSize(
            ctx,
            drRestic(ctx),
            ctx.data["recovery-snapshot"].id,
            ctx.settings.data,
            hint,
          ),
        );
      },
    }),
  )
  .inject("declare-primary-lost", {
    kind: "inject",
    summary: "declare the file server lost: every further use of it is refused",
    timeoutMs: TIMEOUTS.check,
    commands: () => [
      {
        target: "primary",
        command: "(no command: the transport to the primary is refused from here on)",
      },
    ],
    run: async (ctx) => {
      ctx.declareLost("primary");
      // Prove the fence: the lost host must not answer any more.
      try {
        await ctx.host("primary").exec(["true"]);
      } catch (error) {
        if (error instanceof TransportError && error.reason === "transport-refused")
          return { lostAt: new Date(), host: ctx.target("primary").name };
        throw error;
      }
      throw new StepFailure("the primary still answered after it was declared lost");
    },
  })
  .recover("restore-on-dr", {
    kind: "restore",
    summary:
      "restore the share out of the snapshot onto the DR host with the DR site's own credentials (restic reads every byte back: --verify)",
    timeoutMs: TIMEOUTS.restore,
    retry: RESTORE_RETRY,
    touches: (p) => [{ target: "dr", paths: [restoreDir(p), unpackDir(p)] }],
    commands: (p) => [
      {
        target: "dr",
        command: drResticCommand(
          p,
          "ls",
          "--json",
          "<the snapshot>",
          "/",
          "<each place the share may be>",
        ),
      },
      {
        target: "dr",
        command: drResticCommand(
          p,
          "restore",
          "<recovery-snapshot>",
          "--target",
          unpackDir(p),
          "--include",
          "<the share's path in the snapshot>",
          "--verify",
        ),
      },
      { target: "dr", command: `mv -T ${unpackDir(p)}/<the share's path> ${restoreDir(p)}` },
    ],
    run: async (ctx) => {
      const target = restoreDir(ctx);
      const snapshot = ctx.data["recovery-snapshot"];
      const preLoss = ctx.data["pre-disaster-manifest"];
      const host = ctx.host("dr");
      const restic = drRestic(ctx);
      // The share's top-level names settle where it is in the snapshot; without the primary, the tree alone.
      const hint =
        preLoss.kind === "manifest" ? topLevelNames(preLoss.manifest.entries.paths()) : undefined;
      const { restored, inSnapshot } = await withDrCredentials(ctx, async () => {
        const where = await locateShare(ctx, restic, snapshot.id, ctx.settings.data, hint);
        const done = await restoreShare(host, restic, snapshot.id, where, {
          restored: target,
          unpacked: unpackDir(ctx),
        });
        return { restored: done, inSnapshot: where.path };
      });
      ctx.record({ kind: "recovery-point", snapshot });
      ctx.record(restoredFact(restored));
      return { target, snapshotId: snapshot.id, inSnapshot, ...restored };
    },
  })
  .verify("verify-dr-copy", {
    kind: "verify",
    summary:
      "compare every restored file on the DR host with the snapshot's record and, by sha256, with the primary's pre-loss manifest when there is one",
    timeoutMs: TIMEOUTS.manifest,
    commands: (p) => [
      {
        target: "dr",
        command: drResticCommand(
          p,
          "cat",
          "blob",
          "<each tree on the way to a folder holding symlinks>",
        ),
      },
      {
        target: "dr",
        command: `manifest ${restoreDir(p)}; compare with the snapshot and with pre-disaster-manifest`,
      },
    ],
    run: async (ctx) => {
      const preLoss = ctx.data["pre-disaster-manifest"];
      const restored = ctx.data["restore-on-dr"];
      const host = ctx.host("dr");
      // The snapshot's record as the restore listed it: not listed again.
      const links = await withDrCredentials(ctx, () =>
        snapshotLinks(ctx, drRestic(ctx), restored.record),
      );
      const actual = await host.manifest(restored.target);
      const before = preLoss.kind === "manifest" ? preLoss.manifest : undefined;
      const check = checkRecovery(restored.record.files, actual, before, links);
      // Counted even when the verdict fails: the report shows how much was intact.
      ctx.record({ kind: "verified", files: check.verifiedFiles, bytes: check.verifiedBytes });
      requireRecovery(check, "the share restored on the DR host differs");
      const comparison =
        before === undefined
          ? `against the snapshot's own record only (the primary was gone): ${check.againstSnapshot.matched} files with the same size, mode and modification time, content by restic restore --verify`
          : `against the snapshot: ${check.againstSnapshot.matched} files with the same size, mode and modification time (content by restic restore --verify); against the primary's pre-loss manifest: ${check.againstShare.compared} files unchanged since the snapshot, same sha256`;
      ctx.note(`verified ${comparison}`);
      noteLinks(ctx, check);
      warnChangedSince(ctx, check.changedSinceRecoveryPoint, "primary");
      return { files: check.verifiedFiles, bytes: check.verifiedBytes, comparison };
    },
  })
  .verify("health-check", {
    kind: "health",
    summary: "run the service health check on the DR host, in the restored folder",
    timeoutMs: TIMEOUTS.health,
    retry: { attempts: 3, backoffMs: 5_000 },
    commands: (p) => [
      {
        target: "dr",
        command: `cd ${restoreDir(p)} && sh -c '${p.settings.healthCheck}'`,
      },
    ],
    run: async (ctx) => {
      const folder = ctx.data["restore-on-dr"].target;
      const { stdout } = await runHealthCheck(
        ctx.host("dr"),
        ctx.settings.healthCheck,
        folder,
        ctx.target("dr").name,
      );
      return { output: stdout.trim().slice(0, 200) };
    },
  })
  .cleanup("remove-dr-restore", {
    summary: "remove the restored share from the DR host",
    timeoutMs: TIMEOUTS.files,
    retry: RETRY,
    touches: (p) => [{ target: "dr", paths: [restoreDir(p), unpackDir(p)] }],
    commands: (p) => [{ target: "dr", command: `rm -rf -- ${restoreDir(p)} ${unpackDir(p)}` }],
    run: async (ctx) => {
      await ctx
        .host("dr")
        .files()
        .remove([restoreDir(ctx), unpackDir(ctx)]);
    },
  })
  .build();
