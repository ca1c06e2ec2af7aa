/**
 * What a step sees: the plan (settings, targets, run id), the outputs of the steps before it, and
 * its hosts — reached only through the engine, which journals every command, stops at the step's
 * deadline, refuses a host declared lost, and fences every destructive change to the sandbox.
 */
import type {
  BackupSummary,
  CheckResult,
  Restic,
  Snapshot,
  SnapshotNode,
  TreeNode,
} from "../../restic/restic.js";
import type { TamperAction, TamperOutcome } from "../../restic/backend-files.js";
import type { UnhideOutcome } from "../../restic/s3-delete-markers.js";
import type { Manifest, ManifestOptions } from "../manifest/manifest.js";
import type { ExecOptions, ExecResult, HostSession } from "../../hosts/transport/session.js";

/** A target as the plan shows it. */
export interface TargetView {
  /** The inventory host chosen for the target. */
  readonly name: string;
  /** `user@host:port` or `local`. */
  readonly transport: string;
  readonly sandbox: readonly string[];
}

/** Everything known before a step runs: enough to print the plan and to check the fences. */
export interface PlanView<T extends string, S> {
  readonly runId: string;
  readonly settings: S;
  readonly rtoMinutes: number;
  readonly rpoMinutes: number;
  target(t: T): TargetView;
  /** A restic command line as shown in plans: the repository's label, never a secret. */
  restic(...args: string[]): string;
}

/** A snapshot by id and time: enough to measure the recovery point. */
export interface SnapshotRef {
  readonly id: string;
  readonly time: Date;
  /** A drill took it (tag stronghold-drill): it may be restored, but it is never the town's recovery point. */
  readonly takenByDrill?: boolean;
}

/** Facts a step records for the run's metrics. */
export type DrillFact =
  /** The disaster happened now (otherwise: when the first inject step started). */
  | { readonly kind: "disaster"; readonly at: Date }
  /**
   * The data was compromised from this time on, before the disaster was detected (ransomware's
   * dwell time): the RPO is measured from here, the RTO still from the disaster.
   */
  | { readonly kind: "infection"; readonly startedAt: Date }
  /**
   * The snapshot recovered from, or the town's newest when the drill restores its own: the RPO is
   * measured to the time of the last one the town's backup job took (never one a drill took).
   */
  | { readonly kind: "recovery-point"; readonly snapshot: SnapshotRef }
  | {
      readonly kind: "restored";
      readonly files: number;
      readonly bytes: number;
      readonly seconds: number;
    }
  | { readonly kind: "verified"; readonly files: number; readonly bytes: number }
  /** What became of an attack on the backups (the ransomware drill's canary): one line per attempt. */
  | {
      readonly kind: "backup-attack";
      readonly verdict: "withstood" | "unproven" | "destroyable";
      readonly attempts: readonly string[];
    };

/** Changes to files on a target, each path checked against the step's declared paths and, on the host, against the sandbox after resolving symbolic links. */
export interface FencedFiles {
  /**
   * `rm -rf` of each path, checked gone afterwards. With `unlessExists`, nothing is removed while
   * that path exists (false is returned): e.g. scratch space that still holds the only copy of data.
   */
  remove(paths: readonly string[], options?: { unlessExists?: string }): Promise<boolean>;
  mkdir(path: string): Promise<void>;
  /** Renames `from` to `to` (same file system). */
  move(from: string, to: string): Promise<void>;
  /** When `from` exists, replaces `to` with it (true); otherwise changes nothing (false). Safe to repeat. */
  moveOver(from: string, to: string): Promise<boolean>;
  /**
   * A copy of a tree whose files share storage with the original (hard links; a full copy across
   * file systems); creates `to`'s folder. `to` appears only once the copy is whole (made under a
   * temporary name, synced, renamed). With `listing`, every entry's metadata of `from` is written
   * there first (tree-listing.ts), to judge a put-back by.
   */
  linkCopy(from: string, to: string, options?: { listing?: string }): Promise<void>;
  /** Replaces a file's content with new bytes (a new file renamed over it: hard links keep the old content). */
  writeFile(path: string, content: string): Promise<void>;
  /**
   * Each file's content replaced by random bytes (16 more) and the file renamed with `extension`
   * (a name too long to take it is shortened, still ending in it); returns each file's new path.
   */
  scramble(paths: readonly string[], extension: string): Promise<Renamed[]>;
}

/** A file a drill renamed: where it was and where it is now. */
export interface Renamed {
  readonly from: string;
  readonly to: string;
}

/** restic on a target: reading is free, restoring is fenced, forgetting is limited to snapshots this run took. */
export interface DrillRestic {
  readonly repositoryLabel: string;
  version(): Promise<string>;
  snapshots(options?: { tags?: string[] }): Promise<Snapshot[]>;
  snapshotBefore(instant: Date, options?: { tags?: string[] }): Promise<Snapshot | undefined>;
  ls(snapshotId: string): Promise<SnapshotNode[]>;
  /** Every node of the snapshot, one by one as restic lists it: only what `onNode` keeps is held. */
  eachNode(snapshotId: string, onNode: (node: SnapshotNode) => void): Promise<void>;
  /** The snapshot and the entries of the folders on the way to `folders`, in one restic command. */
  lsFolders(
    snapshotId: string,
    folders: readonly string[],
  ): Promise<{ snapshot: Snapshot; nodes: SnapshotNode[] }>;
  /** One tree blob: a folder as the snapshot stored it, with link targets and link counts. */
  tree(treeId: string): Promise<TreeNode[]>;
  /**
   * What restoring writes (`restic stats --mode restore-size`): `files` counts every file, folder
   * and link (the inodes), `bytes` the files' content; given snapshots together, or with `include`
   * only what `restore --include <include>` of the one snapshot writes.
   */
  restoreSize(
    snapshotIds: string | readonly string[],
    include?: string,
  ): Promise<{ files: number; bytes: number }>;
  backup(dir: string, options?: { tags?: string[] }): Promise<BackupSummary>;
  check(options?: { readDataSubset?: string }): Promise<CheckResult>;
  /** Restores into a path inside the step's declared paths (`verify`: restic reads it back against the blob hashes). */
  restore(
    snapshotId: string,
    target: string,
    options?: {
      include?: string[];
      verify?: boolean;
      /** Each node of the snapshot's listing the restore counts with, as it arrives. */
      onNode?: (node: SnapshotNode) => void;
    },
  ): Promise<{ files: number; bytes: number; durationSeconds: number }>;
  /** Forgets a snapshot taken by this run (any other is refused). */
  forget(snapshotId: string): Promise<void>;
  /** `restic forget --prune` of snapshots taken by this run (any other is refused). */
  forgetAndPrune(snapshotIds: readonly string[]): Promise<void>;
  /**
   * Deletes or overwrites the file of a snapshot taken by this run straight in the repository's
   * storage, without restic, as an attacker holding the credentials would (any other is refused).
   */
  tamperSnapshotFile(snapshotId: string, action: TamperAction): Promise<TamperOutcome>;
  /**
   * After restic forgot (and pruned) a snapshot taken by this run, from `since` on: on an S3 bucket
   * with versioning, removes the delete markers that attempt put on the snapshot's objects so
   * their earlier versions are current again (any other snapshot is refused).
   */
  unhideDeletedObjects(snapshotId: string, since: Date): Promise<UnhideOutcome>;
}

/** Restic's methods a DrillRestic passes through unchanged. */
export type ResticPassThrough = Pick<
  Restic,
  | "version"
  | "snapshots"
  | "snapshotBefore"
  | "ls"
  | "eachNode"
  | "lsFolders"
  | "tree"
  | "restoreSize"
  | "check"
  | "repositoryLabel"
>;

/** A host's own credentials for the offsite repository, as it holds them. */
export interface OwnCredentials {
  /** Absolute path of the repository password file on that host. */
  readonly passwordFile: string;
}

/** One target, as a step reaches it. */
export interface DrillHost {
  readonly name: string;
  /** Journaled commands; for reading and checking. Changes go through `files()`. */
  readonly session: HostSession;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a command that must succeed; its stdout, or a step failure naming the command. */
  run(argv: readonly string[], options?: ExecOptions): Promise<string>;
  manifest(root: string, options?: ManifestOptions): Promise<Manifest>;
  /**
   * restic with the run's credentials; or, given `own`, with only what the host itself holds: its
   * password file there, the repository from the plan, and no password or keys from the runner.
   */
  restic(own?: OwnCredentials): DrillRestic;
  /** Destructive file changes, fenced to the paths this step declared for this target. */
  files(): FencedFiles;
}

/** A step's view of the run. `D` holds the outputs of the steps before it, by step name. */
export interface StepContext<T extends string, S, D> extends PlanView<T, S> {
  readonly data: D;
  /** 1 for the first try. */
  readonly attempt: number;
  /** Aborted when the step times out or the drill is interrupted. */
  readonly signal: AbortSignal;
  host(t: T): DrillHost;
  /**
   * Whether the step named ran (or began) in this run. While `drill recover` finishes a killed
   * run, nothing is known of its steps: every step counts as begun.
   */
  started(step: string): boolean;
  /** True while `drill recover` runs the cleanup of a run that was killed. */
  readonly recovering: boolean;
  /** From now on every use of the target is refused, as if its site were gone. */
  declareLost(t: T): void;
  record(fact: DrillFact): void;
  /** Something the report must show although the step passed. */
  warn(message: string): void;
  /** Progress for the live task list and the journal. */
  note(message: string): void;
}
