/**
 * A drill config file: the values a scheduled drill would otherwise take as flags (inventory,
 * repository, password file, data paths, objectives), shared by all drills with per-runbook
 * overrides. Read, validated and normalised once; every problem located by file, line and pointer.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import type { InputProblem } from "../../documents/input-problem.js";
import { loadValidated } from "../../documents/ajv.js";
import { lineOf } from "../../documents/locate.js";
import {
  durationProblem,
  parseDuration,
  parsePick,
  pickProblem,
  validCheckSubset,
} from "../runbook/settings.js";
import { definedOnly } from "../../support/defined-only.js";

const Text = (description: string) => Type.String({ minLength: 1, maxLength: 4096, description });
const Minutes = (description: string) =>
  Type.Number({ exclusiveMinimum: 0, maximum: 525_600, description });

const Overrides = {
  targets: Type.Optional(
    Type.Record(Type.String({ pattern: "^[a-z0-9][a-z0-9-]*$" }), Text("Inventory host name."), {
      description: "Which inventory host plays a role (or runbook target), e.g. file-server: fs01.",
    }),
  ),
  data: Type.Optional(Text("Absolute path of the data the drill works on, on the file server.")),
  restoreTo: Type.Optional(Text("Absolute path a restore onto the DR host goes to.")),
  drPasswordFile: Type.Optional(
    Text(
      "site-loss: absolute path, on the DR host, of the DR site's own repository password file; the drill sends the DR host no password.",
    ),
  ),
  healthCheck: Type.Optional(
    Text("Shell command run on the DR host in the restored folder; exit 0 means healthy."),
  ),
  sample: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100_000,
      description: "Files a sampled restore verifies.",
    }),
  ),
  checkSubset: Type.Optional(
    Text('restic check --read-data-subset: "n/N", "x%", or "auto" (rotating by day).'),
  ),
  freshSnapshot: Type.Optional(
    Type.Boolean({ description: "Take a snapshot at preflight instead of using the newest one." }),
  ),
  dwell: Type.Optional(
    Text('ransomware: how long before detection the infection started, e.g. "72h" or "5d".'),
  ),
  pick: Type.Optional(
    Text('restore-test: the snapshot to restore, "newest" or "random:N" (one of the N newest).'),
  ),
  rtoMinutes: Type.Optional(Minutes("Recovery time objective, in minutes.")),
  rpoMinutes: Type.Optional(Minutes("Recovery point objective, in minutes.")),
  missingTolerance: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 100,
      description:
        "file-deletion, ransomware: the percentage of the newest snapshot's files the share may lack before the drill refuses it as damaged (default 1).",
    }),
  ),
};

/** The drill config file as written (validated with ajv; problems located by line and pointer). */
export const DrillConfigSchema = Type.Object(
  {
    version: Type.Literal(1, { description: "Drill config format version." }),
    hosts: Type.Optional(Text("Hosts inventory file (relative to this file).")),
    repository: Type.Optional(
      Text("restic repository, e.g. s3:https://s3.eu-central-1.amazonaws.com/bucket/restic."),
    ),
    stackOutputs: Type.Optional(
      Text("Saved `pulumi stack output --json` naming the offsite bucket."),
    ),
    passwordFile: Type.Optional(
      Text("File holding the repository password (relative to this file)."),
    ),
    cacert: Type.Optional(
      Text("CA certificate for the repository endpoint, on the host restic runs on."),
    ),
    runsDir: Type.Optional(Text("Folder the run folders go into (default runs).")),
    ...Overrides,
    runbooks: Type.Optional(
      Type.Record(
        Type.String({ pattern: "^[a-z][a-z0-9-]*$" }),
        Type.Object(Overrides, { additionalProperties: false }),
        { description: "Settings for one runbook, over the shared ones." },
      ),
    ),
  },
  { title: "Stronghold drill config", additionalProperties: false },
);
/** A drill config file as written, before paths are resolved and overrides applied. */
export type RawDrillConfig = Static<typeof DrillConfigSchema>;

/** The values of a config file for one runbook: shared settings with its overrides applied. */
export interface DrillConfigValues {
  readonly hosts?: string;
  readonly repository?: string;
  readonly stackOutputs?: string;
  readonly passwordFile?: string;
  readonly cacert?: string;
  readonly runsDir?: string;
  readonly targets: Readonly<Record<string, string>>;
  readonly data?: string;
  readonly restoreTo?: string;
  readonly drPasswordFile?: string;
  readonly healthCheck?: string;
  readonly sample?: number;
  readonly checkSubset?: string;
  readonly freshSnapshot?: boolean;
  readonly dwell?: string;
  readonly pick?: string;
  readonly rtoMinutes?: number;
  readonly rpoMinutes?: number;
  readonly missingTolerance?: number;
}

/** The values for one runbook, or every problem of the file. */
export type LoadedDrillConfig =
  | { readonly ok: true; readonly values: DrillConfigValues }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

/** Loads a config file and picks the values for `runbookId`; `known` lists valid runbook ids. */
export async function loadDrillConfig(
  file: string,
  runbookId: string,
  known: readonly string[],
): Promise<LoadedDrillConfig> {
  const loaded = await loadValidated(file, DrillConfigSchema);
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  const raw = loaded.value;
  const problems: InputProblem[] = [];
  const at = (pointer: string, message: string) =>
    problems.push({ file, pointer, line: lineOf(loaded.text, pointer), message });
  if (raw.repository !== undefined && raw.stackOutputs !== undefined)
    at("/stackOutputs", "conflicts with /repository: name the repository one way");
  if (raw.cacert !== undefined && !isAbsolute(raw.cacert))
    at("/cacert", "must be an absolute path on the host restic runs on");
  for (const id of Object.keys(raw.runbooks ?? {}))
    if (!known.includes(id))
      at(`/runbooks/${id}`, `names no known runbook (known: ${known.join(", ")})`);
  const sections: [string, typeof raw][] = [
    ["", raw],
    ...Object.entries(raw.runbooks ?? {}).map(
      ([id, o]) => [`/runbooks/${id}`, o] as [string, typeof raw],
    ),
  ];
  for (const [base, section] of sections) {
    if (section.checkSubset !== undefined && !validCheckSubset(section.checkSubset))
      at(`${base}/checkSubset`, 'must be "n/N" (n ≤ N), "x%" or "auto"');
    if (section.dwell !== undefined && parseDuration(section.dwell) === undefined)
      at(`${base}/dwell`, durationProblem(section.dwell));
    if (section.pick !== undefined && parsePick(section.pick) === undefined)
      at(`${base}/pick`, pickProblem(section.pick));
    for (const key of ["data", "restoreTo", "drPasswordFile"] as const) {
      const value = section[key];
      if (value !== undefined && !value.startsWith("/"))
        at(`${base}/${key}`, "must be an absolute path on the host");
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const baseDir = dirname(resolve(file));
  const local = (p: string | undefined) => (p === undefined ? undefined : resolve(baseDir, p));
  const own = raw.runbooks?.[runbookId] ?? {};
  const pick = <K extends keyof typeof own>(key: K) => own[key] ?? raw[key];
  const values: DrillConfigValues = {
    ...definedOnly({
      hosts: local(raw.hosts),
      repository: raw.repository,
      stackOutputs: local(raw.stackOutputs),
      passwordFile: local(raw.passwordFile),
      cacert: raw.cacert,
      runsDir: local(raw.runsDir),
      data: pick("data"),
      restoreTo: pick("restoreTo"),
      drPasswordFile: pick("drPasswordFile"),
      healthCheck: pick("healthCheck"),
      sample: pick("sample"),
      checkSubset: pick("checkSubset"),
      freshSnapshot: pick("freshSnapshot"),
      dwell: pick("dwell"),
      pick: pick("pick"),
      rtoMinutes: pick("rtoMinutes"),
      rpoMinutes: pick("rpoMinutes"),
      missingTolerance: pick("missingTolerance"),
    }),
    targets: { ...(raw.targets ?? {}), ...(own.targets ?? {}) },
  };
  return { ok: true, values };
}
