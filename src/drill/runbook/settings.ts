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
  /** ransomware: how long before detection the infection started ("72h", "5d"). */
  readonly dwell?: string;
  /** restore-test: which snapshot to restore, "newest" or "random:N" (one of the N newest). */
  readonly pick?: string;
  /** Percentage of the newest snapshot's files the share may lack before it counts as damaged. */
  readonly missingTolerance?: number;
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

  /** An optional duration ("90m", "72h", "5d", "1d12h"), in milliseconds; `fallback` when absent. */
  duration(option: string, value: string | undefined, fallback: string): number {
    const ms = parseDuration(value ?? fallback);
    if (ms === undefined) {
      this.problems.push({ option, message: durationProblem(value ?? fallback) });
      return 0;
    }
    return ms;
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

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = /^(?:\d+(?:\.\d+)?[smhdw])+$/;
/** The longest duration a setting takes: a year. */
export const MAX_DURATION_MS = 366 * 86_400_000;

/**
 * A duration such as "45m", "72h", "5d" or "1d12h" in milliseconds (units s, m, h, d, w), or
 * undefined when it is not one or exceeds a year.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (!DURATION.test(value)) return undefined;
  let ms = 0;
  for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g))
    ms += Number(n) * DURATION_UNITS[unit!]!;
  return ms <= MAX_DURATION_MS ? Math.round(ms) : undefined;
}

/** Which snapshot a restore test restores: the newest, or one at random among the N newest. */
export type SnapshotPick =
  { readonly kind: "newest" } | { readonly kind: "random"; readonly among: number };

/** A `--pick` value ("newest", "random:7"), or undefined when it is not one. */
export function parsePick(text: string): SnapshotPick | undefined {
  const value = text.trim();
  if (value === "newest") return { kind: "newest" };
  const random = /^random:([1-9]\d{0,3})$/.exec(value);
  return random ? { kind: "random", among: Number(random[1]) } : undefined;
}

/** Why a text is not a `--pick` value, for a setting problem. */
export function pickProblem(text: string): string {
  return `"${text}" is not "newest" or "random:N" (N from 1 to 9999: one of the N newest snapshots)`;
}

/** Why a text is not a duration, for a setting problem. */
export function durationProblem(text: string): string {
  return DURATION.test(text.trim())
    ? `"${text}" is longer than a year`
    : `"${text}" is not a duration like 90m, 72h, 5d or 1d12h (units s, m, h, d, w)`;
}

/** A duration for people: "5d", "72h", "1d 12h", "90m". */
export function formatDwell(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, seconds] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(rest / seconds);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * seconds;
  }
  return parts.length === 0 ? "0s" : parts.join(" ");
}
