/**
 * The per-run options every runbook may read (from command-line flags or a drill config file),
 * and the small parser each runbook turns them into its own typed settings with.
 */

/** Options as given for one run, already normalised (absolute paths, numbers checked). */
export interface DrillOptions {
  /** The data the drill works on, on the file server. */
  readonly data?: string;
  /** Where a restore onto another host goes. */
  readonly restoreTo?: string;
  /** The DR site's own repository password file, a path on the DR host. */
  readonly drPasswordFile?: string;
  /** Shell command run on the recovered host; exit 0 means the service is healthy. */
  readonly healthCheck?: string;
  /** How many files a sampled verification restores. */
  readonly sample?: number;
  /** `restic check --read-data-subset` value ("2/5", "10%") or "auto" (rotating by day). */
  readonly checkSubset?: string;
  /** Take a snapshot at preflight instead of using the newest one. */
  readonly freshSnapshot: boolean;
}

/** A setting that cannot be used: which option, and what is wrong with it. */
export interface SettingProblem {
  readonly option: string;
  readonly message: string;
}

/** A runbook's settings, or every problem with the options. */
export type SettingsResult<S> =
  | { readonly ok: true; readonly value: S }
  | { readonly ok: false; readonly problems: readonly SettingProblem[] };

/** Reads a runbook's typed settings from the drill options. */
export type SettingsParser<S> = (options: DrillOptions) => SettingsResult<S>;

/** Collects problems while a runbook reads its settings, so all are reported at once. */
export class SettingsReader {
  private readonly problems: SettingProblem[] = [];
  constructor(readonly options: DrillOptions) {}

  /** A required absolute path. */
  path(option: string, value: string | undefined, what: string): string {
    if (value === undefined) {
      this.problems.push({ option, message: `is required: ${what}` });
      return "";
    }
    if (!value.startsWith("/")) {
      this.problems.push({
        option,
        message: `must be an absolute path on the host, got "${value}"`,
      });
    }
    return value;
  }

  /** A required non-empty text. */
  text(option: string, value: string | undefined, what: string): string {
    if (value === undefined || value.trim() === "") {
      this.problems.push({ option, message: `is required: ${what}` });
      return "";
    }
    return value;
  }

  problem(option: string, message: string): void {
    this.problems.push({ option, message });
  }

  /** The settings, or every problem found while reading them. */
  result<S>(value: S): SettingsResult<S> {
    return this.problems.length > 0
      ? { ok: false, problems: [...this.problems] }
      : { ok: true, value };
  }
}

const SUBSET = /^(?:[1-9]\d*\/[1-9]\d*|(?:100|[1-9]\d?)(?:\.\d+)?%|auto)$/;

/** Whether a `--check-subset` value is one restic accepts (or "auto"). */
export function validCheckSubset(value: string): boolean {
  if (!SUBSET.test(value)) return false;
  const fraction = /^(\d+)\/(\d+)$/.exec(value);
  return fraction === null || Number(fraction[1]) <= Number(fraction[2]);
}
