/** sec-os-supported: the OS release is in the end-of-life table and still supported. */
import type { MachineCheck } from "../types.js";
import type { MachineConfig } from "../../../machine-config/schema.js";
import type { OsLifecycleTable } from "../../policy/baseline-schema.js";
import { isoDay } from "../dates.js";
import { pattern } from "../patterns.js";
import { Memo } from "../../memo.js";

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

export const supportedOs: MachineCheck = (machine, ctx) => {
  const release = findRelease(machine.os, ctx.data.osLifecycle);
  const actual = describeOs(machine.os);
  if (release === undefined) {
    return {
      status: "fail",
      evidence: [{ pointer: "/os", actual, expected: "a release listed in the end-of-life table" }],
    };
  }
  // endOfSupport is the last day with updates.
  if (release.endOfSupport >= isoDay(ctx.at)) return { status: "pass" };
  const source = release.source === undefined ? "" : ` (${release.source})`;
  return {
    status: "fail",
    evidence: [
      {
        pointer: "/os",
        actual,
        expected: `a supported release; support ended ${release.endOfSupport}${source}`,
      },
    ],
  };
};
