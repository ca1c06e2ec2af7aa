/** sec-os-supported: the OS release is in the end-of-life table and still supported. */
import type { MachineCheck, Outcome } from "../types.js";
import type { MachineConfig } from "../../../machine-config/schema.js";
import type { OsLifecycleTable } from "../../policy/baseline-schema.js";
import { isoDay } from "../dates.js";
import { pattern } from "../patterns.js";
import { Memo } from "../../memo.js";
import { sharedEvidence } from "../../evaluation/shared-failures.js";

type Release = OsLifecycleTable["releases"][number];

// Thousands of machines run a handful of releases: look each combination up once per table.
const releaseByOs = new Memo<OsLifecycleTable, Release | undefined>();

/** The first release whose family, name, version and (when given) edition patterns match. */
export function findRelease(os: MachineConfig["os"], table: OsLifecycleTable): Release | undefined {
  const key = `${os.family}\u0000${os.name}\u0000${os.version}\u0000${os.edition ?? ""}`;
  return releaseByOs.get(table, key, () => matchRelease(os, table));
}

function matchRelease(os: MachineConfig["os"], table: OsLifecycleTable): Release | undefined {
  // Collectors often fold the edition into the name ("Windows 11 Pro"); match the name then.
  const edition = os.edition ?? os.name;
  return table.releases.find(
    (r) =>
      r.family === os.family &&
      pattern(r.name).test(os.name) &&
      pattern(r.version).test(os.version) &&
      (r.edition === undefined || pattern(r.edition).test(edition)),
  );
}

function describeOs(os: MachineConfig["os"]): string {
  if ([os.name, os.version, os.edition].includes("unknown")) return "unknown";
  const edition = os.edition !== undefined && !os.name.includes(os.edition) ? ` ${os.edition}` : "";
  return `${os.name}${edition} ${os.version}`;
}

// Thousands of machines report the same OS: one outcome per OS as reported and day, its evidence
// one frozen list that the run's failures know by identity. Bounded: a process keeping one table
// across nights gets a new day in every key each night.
const outcomeByOs = new Memo<OsLifecycleTable, Outcome>(50_000);

export const supportedOs: MachineCheck = (machine, ctx) => {
  const os = machine.os;
  const key = `${ctx.at.getTime()}\u0000${os.family}\u0000${os.name}\u0000${os.version}\u0000${os.edition ?? ""}`;
  return outcomeByOs.get(ctx.data.osLifecycle, key, () =>
    judgeOs(os, ctx.data.osLifecycle, ctx.at),
  );
};

function judgeOs(os: MachineConfig["os"], table: OsLifecycleTable, at: Date): Outcome {
  const release = findRelease(os, table);
  const actual = describeOs(os);
  if (release === undefined) {
    return {
      status: "fail",
      evidence: sharedEvidence([
        { pointer: "/os", actual, expected: "a release listed in the end-of-life table" },
      ]),
    };
  }
  // endOfSupport is the last day with updates.
  if (release.endOfSupport >= isoDay(at)) return { status: "pass" };
  const source = release.source === undefined ? "" : ` (${release.source})`;
  return {
    status: "fail",
    evidence: sharedEvidence([
      {
        pointer: "/os",
        actual,
        expected: `a supported release; support ended ${release.endOfSupport}${source}`,
      },
    ]),
  };
}
