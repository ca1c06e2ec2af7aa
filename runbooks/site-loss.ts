/**
 * site-loss: the primary site is gone. The file server is declared lost — from then on the engine
 * refuses every use of it — and the share is restored from the offsite repository onto the DR
 * host, checked file by file against the manifest taken before the loss, and the configured
 * service health check runs there.
 */
import { posix } from "node:path";
import { compareManifests } from "../src/drill/manifest/manifest.js";
import { defineRunbook } from "../src/drill/runbook/runbook.js";
import type { PlanView } from "../src/drill/runbook/context.js";
import { SettingsReader } from "../src/drill/runbook/settings.js";
import { StepFailure } from "../src/drill/runbook/failures.js";
import { TransportError } from "../src/hosts/transport/session.js";
import {
  RESTORE_RETRY,
  RETRY,
  TIMEOUTS,
  readData,
  locateShare,
  requireMatch,
  restoreShare,
  restoredFact,
  topLevelNames,
} from "./lib/share.js";
import { recoverySnapshotStep, shareManifestStep } from "./lib/steps.js";

interface Settings {
  readonly data: string;
  /** Absent: a fresh folder in the DR host's first sandbox. */
  readonly restoreTo: string | undefined;
  readonly healthCheck: string;
  readonly fresh: boolean;
}

type Targets = "primary" | "dr";

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

/** The site-loss drill. */
export const siteLoss = defineRunbook(
  {
    id: "site-loss",
    title: "The primary site is lost",
    scenario:
      "The town hall's server room is lost: the file server is unreachable for good. The share is restored from the offsite repository onto the DR host, verified, and the service health check runs there.",
    proves: [
      "the DR host can reach the offsite repository and restore the share without any help from the lost site",
      "every file arrives with the same content (sha256), size and permissions",
      "the configured service health check passes on the DR host",
    ],
    rtoMinutes: 480,
    rpoMinutes: 1440,
    usesRepository: true,
    targets: {
      primary: {
        role: "file-server",
        destructive: false,
        purpose: "the site that is lost; read before the loss, refused after it",
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
      healthCheck: reader.text(
        "--health-check",
        options.healthCheck,
        "the command that proves the service works on the DR host (run there in the restored folder)",
      ),
      fresh: options.freshSnapshot,
    });
  },
)
  .preflight("recovery-snapshot", recoverySnapshotStep("primary"))
  .preflight(
    "pre-disaster-manifest",
    shareManifestStep("primary", {
      summary: "hash every file of the share on the primary (sha256, size, mode)",
      minFiles: 1,
      tooFew: "holds no files: nothing to drill on",
    }),
  )
  .preflight("dr-host-ready", {
    kind: "check",
    summary: "restic runs on the DR host and sees the snapshot in the offsite repository",
    timeoutMs: TIMEOUTS.check,
    retry: RETRY,
    commands: (p) => [
      { target: "dr", command: "restic version" },
      { target: "dr", command: p.restic("snapshots", "--json") },
    ],
    run: async (ctx) => {
      const restic = ctx.host("dr").restic();
      const version = await restic.version();
      const snapshot = ctx.data["recovery-snapshot"];
      if (!(await restic.snapshots()).some((s) => s.id === snapshot.id))
        throw new StepFailure(
          `the DR host does not see snapshot ${snapshot.id.slice(0, 8)} in ${restic.repositoryLabel}`,
        );
      return { version };
    },
  })
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
    summary: "restore the share out of the snapshot onto the DR host",
    timeoutMs: TIMEOUTS.restore,
    retry: RESTORE_RETRY,
    touches: (p) => [{ target: "dr", paths: [restoreDir(p), unpackDir(p)] }],
    commands: (p) => [
      {
        target: "dr",
        command: p.restic("cat", "blob", "<tree of each folder on the share's path>"),
      },
      {
        target: "dr",
        command: p.restic(
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
      const host = ctx.host("dr");
      const hint = topLevelNames(ctx.data["pre-disaster-manifest"].entries.map((e) => e.path));
      const where = await locateShare(ctx, host.restic(), snapshot.id, ctx.settings.data, hint);
      const restored = await restoreShare(host, snapshot.id, where, {
        restored: target,
        unpacked: unpackDir(ctx),
      });
      ctx.record({ kind: "recovery-point", snapshot });
      ctx.record(restoredFact(restored));
      return { target, ...restored };
    },
  })
  .verify("verify-dr-copy", {
    kind: "verify",
    summary: "compare every restored file on the DR host with the pre-disaster manifest",
    timeoutMs: TIMEOUTS.manifest,
    commands: (p) => [
      { target: "dr", command: `manifest ${restoreDir(p)}; compare with pre-disaster-manifest` },
    ],
    run: async (ctx) => {
      const expected = ctx.data["pre-disaster-manifest"];
      const actual = await ctx.host("dr").manifest(ctx.data["restore-on-dr"].target);
      const compared = compareManifests(expected, actual);
      // Counted even when the verdict fails: the report shows how much was intact.
      ctx.record({
        kind: "verified",
        files: compared.verifiedFiles,
        bytes: compared.verifiedBytes,
      });
      const diff = requireMatch(
        compared,
        "the share restored on the DR host differs from the primary",
        {
          extraFails: false,
        },
      );
      if (diff.extra.length > 0)
        ctx.warn(
          `${diff.extra.length} file(s) restored that were no longer on the primary, e.g. ${diff.extra[0]}`,
        );
      return { files: diff.verifiedFiles, bytes: diff.verifiedBytes };
    },
  })
  .verify("health-check", {
    kind: "health",
    summary: "run the service health check on the DR host, in the restored folder",
    timeoutMs: TIMEOUTS.health,
    retry: { attempts: 3, backoffMs: 5_000 },
    commands: (p) => [
      { target: "dr", command: `cd ${restoreDir(p)} && sh -c '${p.settings.healthCheck}'` },
    ],
    run: async (ctx) => {
      const folder = ctx.data["restore-on-dr"].target;
      const result = await ctx
        .host("dr")
        .exec(["sh", "-c", ctx.settings.healthCheck, "health-check", folder], { cwd: folder });
      if (result.code !== 0) {
        const output = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-10);
        throw new StepFailure(
          `the health check failed on ${ctx.target("dr").name} (${result.timedOut ? "timed out" : `exit ${result.code ?? "signal"}`})`,
          output.filter(Boolean),
          true,
        );
      }
      return { output: result.stdout.trim().slice(0, 200) };
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
