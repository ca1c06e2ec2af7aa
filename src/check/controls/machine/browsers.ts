/**
 * lcm-app-browser-current and lcm-app-browser-behind: installed browsers against the current
 * majors dated in policies/data/app-lifecycle.yaml (`browsers`). Chrome, Edge and Firefox publish
 * no end of support per version: only the newest major gets security fixes, so a browser is judged
 * by how many majors it is behind; a Firefox ESR must be on a branch the table lists.
 */
import type { MachineCheck, Outcome, PolicyData } from "../types.js";
import { nameRecords, Slot, type NameRecord } from "../installed-names.js";
import type { Evidence } from "../../evaluation/result.js";
import type { AppLifecycleTable } from "../../policy/baseline-schema.js";
import { ageInDays } from "../dates.js";
import { pattern } from "../patterns.js";
import { inventoryOf, type InstalledSoftware } from "../software.js";
import { LastAnswer } from "../../last-answer.js";
import { Memo } from "../../memo.js";
import { UNASKED } from "../../answers.js";
import { joinShared, sharedEvidence } from "../../evaluation/shared-failures.js";
import { itemPointer } from "../item-pointer.js";

type BrowserTable = NonNullable<AppLifecycleTable["browsers"]>;
type BrowserRelease = BrowserTable["releases"][number];

/** How an installed title stands against the browser table. */
export type BrowserStanding =
  | { readonly kind: "not-a-browser" }
  | { readonly kind: "no-version"; readonly release: BrowserRelease }
  | { readonly kind: "rapid"; readonly release: BrowserRelease; readonly behind: number }
  | {
      readonly kind: "esr";
      readonly release: BrowserRelease;
      readonly major: number;
      readonly branches: readonly BrowserRelease[];
    };

/** A title that is a browser: what the controls judge. */
type Browser = Exclude<BrowserStanding, { readonly kind: "not-a-browser" }>;

/** The major version: the leading whole number of the version string. */
export function majorOf(version: string | undefined): number | undefined {
  const m = /^\s*(\d+)/.exec(version ?? "");
  return m ? Number(m[1]) : undefined;
}

/** The releases a title's name matches: the first of any channel, and every ESR branch. */
interface NameMatch {
  readonly release: BrowserRelease | undefined;
  readonly branches: readonly BrowserRelease[];
}

// Both browser controls ask about every installed title: match each distinct name once.
const NAME_MATCH = new Slot<NameMatch>();

function matchName(record: NameRecord, table: BrowserTable): NameMatch {
  const kept = record.answer(NAME_MATCH, table);
  return kept === UNASKED ? matchReleases(record, table) : kept;
}

// Apart from the lookup above (`Memo.lookup` says why).
function matchReleases(record: NameRecord, table: BrowserTable): NameMatch {
  const name = record.name;
  return record.keep(NAME_MATCH, table, {
    release: table.releases.find((r) => pattern(r.name).test(name)),
    branches: table.releases.filter((r) => r.channel === "esr" && pattern(r.name).test(name)),
  });
}

// Nearly every title: one answer for all of them, not an object each.
const NOT_A_BROWSER: BrowserStanding = Object.freeze({ kind: "not-a-browser" });

/**
 * Which browser the title is (the first release whose name matches) and how far behind it is;
 * `record` is its name's.
 */
function browserStanding(
  item: InstalledSoftware,
  record: NameRecord,
  table: BrowserTable,
): BrowserStanding {
  const { release, branches } = matchName(record, table);
  if (release === undefined) return NOT_A_BROWSER;
  const major = majorOf(item.version);
  if (major === undefined) return { kind: "no-version", release };
  if (release.channel === "rapid") {
    return { kind: "rapid", release, behind: Math.max(0, release.major - major) };
  }
  const branch = branches.find((r) => r.major === major);
  return { kind: "esr", release: branch ?? release, major, branches };
}

function describe(item: InstalledSoftware): string {
  return item.version === undefined ? item.name : `${item.name} ${item.version}`;
}

const asOf = (table: BrowserTable, r: BrowserRelease) =>
  `current major ${r.major} since ${r.released}, as of ${table.asOf} (${r.source})`;

/**
 * A control's findings per browser as installed, at its place in the inventory: thousands of
 * machines fail alike, and each gets the one frozen list the run's failures know by identity.
 */
type Findings = Memo<BrowserTable, readonly Evidence[]>;

/** How one control, with its parameters, judges a browser: made once per set of parameters. */
interface Judge {
  /** What the inventory should be, for a machine that has none. */
  readonly expected: string;
  /** The parameters in words: part of each finding's key. */
  readonly params: string;
  readonly findings: Findings;
  fails(item: InstalledSoftware, browser: Browser): boolean;
  /** The evidence of a browser that `fails`: written only for a finding not seen before. */
  evidence(
    item: InstalledSoftware,
    browser: Browser,
    table: BrowserTable,
  ): Omit<Evidence, "pointer">[];
}

/** Runs `judge` over every browser in the inventory, or says why there is nothing to judge. */
function judgeBrowsers(
  machine: Parameters<MachineCheck>[0],
  data: PolicyData,
  judge: Judge,
): Outcome {
  const table = data.appLifecycle.browsers;
  if (table === undefined) {
    return { status: "not-applicable", reason: "the application table lists no browsers" };
  }
  const inventory = inventoryOf(machine, judge.expected);
  if (!inventory.known) return { status: "fail", evidence: [inventory.evidence] };
  let evidence: readonly Evidence[] = [];
  const standings = lastStandings.get(inventory.items, data);
  const items = inventory.items;
  for (let index = 0; index < items.length; index++) {
    const standing = standings[index]!;
    if (standing.kind === "not-a-browser") continue;
    const item = items[index]!;
    if (judge.fails(item, standing))
      evidence = joinShared(evidence, listedFinding(table, judge, item, index, standing));
  }
  return evidence.length === 0 ? { status: "pass" } : { status: "fail", evidence };
}

// Apart from the loop above, which runs for every title of every machine: a closure using the
// loop's variables would make a context for each title, browser or not.
function listedFinding(
  table: BrowserTable,
  judge: Judge,
  item: InstalledSoftware,
  index: number,
  browser: Browser,
): readonly Evidence[] {
  const key = `${judge.params}\u0000${index}\u0000${item.name}\u0000${item.version ?? "\u0001"}`;
  const kept = judge.findings.lookup(table, key);
  if (kept !== UNASKED) return kept;
  const pointer = itemPointer("/software", index);
  const listed = sharedEvidence(
    judge.evidence(item, browser, table).map((e) => ({ pointer, ...e })),
  );
  judge.findings.set(table, key, listed);
  return listed;
}

// Both browser controls ask it of each machine in turn.
const lastStandings = new LastAnswer((items: readonly InstalledSoftware[], data: PolicyData) => {
  const records = nameRecords(items, data);
  const table = data.appLifecycle.browsers!;
  return items.map((item, index) => browserStanding(item, records[index]!, table));
});

/** One judge per control and parameters object: a run asks with the same object every time. */
function judgeFor(
  judges: WeakMap<object, Judge>,
  params: Readonly<Record<string, unknown>>,
  make: (params: Readonly<Record<string, unknown>>) => Judge,
): Judge {
  let judge = judges.get(params);
  if (judge === undefined) judges.set(params, (judge = make(params)));
  return judge;
}

const currentJudges = new WeakMap<object, Judge>();
const currentFindings: Findings = new Memo();

export const browsersCurrent: MachineCheck = (machine, ctx) =>
  judgeBrowsers(machine, ctx.data, judgeFor(currentJudges, ctx.params, current));

function current(params: Readonly<Record<string, unknown>>): Judge {
  const allowed = params["allowedMajorsBehind"] as number;
  return {
    expected: `a software inventory with no browser more than ${allowed} major versions behind`,
    params: `${allowed}`,
    findings: currentFindings,
    fails: (_item, standing) => {
      switch (standing.kind) {
        case "no-version":
          return true;
        case "rapid":
          return standing.behind > allowed;
        case "esr":
          return !standing.branches.some((b) => b.major === standing.major);
      }
    },
    evidence: (item, standing, table) => {
      switch (standing.kind) {
        case "no-version":
          return [
            {
              actual: item.version ?? "unknown",
              expected: `a version of ${standing.release.product}, to compare with its ${asOf(table, standing.release)}`,
            },
          ];
        case "rapid":
          return [
            {
              actual: describe(item),
              expected: `at most ${allowed} major versions behind: ${standing.behind} behind ${standing.release.product}'s ${asOf(table, standing.release)}`,
            },
          ];
        case "esr":
          return [
            {
              actual: describe(item),
              expected: `a supported ESR branch (${standing.branches.map((b) => b.major).join(", ")}, as of ${table.asOf}; ${standing.release.source})`,
            },
          ];
      }
    },
  };
}

const behindJudges = new WeakMap<object, Judge>();
const behindFindings: Findings = new Memo();

export const browsersBehind: MachineCheck = (machine, ctx) =>
  judgeBrowsers(machine, ctx.data, judgeFor(behindJudges, ctx.params, behind));

function behind(params: Readonly<Record<string, unknown>>): Judge {
  const warn = params["warnMajorsBehind"] as number;
  const allowed = params["allowedMajorsBehind"] as number;
  return {
    expected: `a software inventory with every browser on its current major`,
    params: `${warn} ${allowed}`,
    findings: behindFindings,
    // More than `allowed` behind, an unknown version and a stray ESR are lcm-app-browser-current's findings.
    fails: (_item, standing) =>
      standing.kind === "rapid" && standing.behind >= warn && standing.behind <= allowed,
    // Only a rapid-release browser `fails` here.
    evidence: (item, standing, table) =>
      standing.kind !== "rapid"
        ? []
        : [
            {
              actual: describe(item),
              expected: `fewer than ${warn} major versions behind: ${standing.behind} behind ${standing.release.product}'s ${asOf(table, standing.release)}`,
            },
          ],
  };
}

/** The run's warning when the browser majors are older than `staleDays` at `at`; none otherwise. */
export function staleBrowserTable(
  table: AppLifecycleTable,
  at: Date,
  staleDays: number,
): string | undefined {
  if (table.browsers === undefined) return undefined;
  const age = ageInDays(table.browsers.asOf, at) ?? 0;
  if (age <= staleDays) return undefined;
  return (
    `the browsers' current major versions in policies/data/app-lifecycle.yaml are as of ` +
    `${table.browsers.asOf}, ${age} days before this run (more than ${staleDays}): browsers ` +
    `behind a newer major pass until the table is updated`
  );
}
