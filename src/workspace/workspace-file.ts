/**
 * A town's workspace file, `stronghold.yaml`: where the town keeps its machine configs, inventory,
 * policy files, registers, drill settings and evidence, when drills are due and whom to notify.
 * Read, validated and normalised once (paths made absolute against the file's folder); every
 * problem located by file, line and JSON pointer.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { loadValidated } from "../documents/ajv.js";
import type { InputProblem } from "../documents/input-problem.js";
import { lineOf } from "../documents/locate.js";
import { definedOnly } from "../support/defined-only.js";

/** The workspace file's name; commands look for it in the working folder and its parents. */
export const WORKSPACE_FILE = "stronghold.yaml";

const Path = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 4096,
    description: `${description} (relative to stronghold.yaml)`,
  });

const Time = Type.String({
  pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$",
  description: "When stronghold run starts every day: HH:MM (24-hour) in timeZone.",
});

export const CADENCES = ["daily", "weekly", "monthly", "quarterly"] as const;
export type Cadence = (typeof CADENCES)[number];
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DrillSchedule = Type.Object(
  {
    runbook: Type.String({
      pattern: "^[a-z0-9][a-z0-9-]*$",
      description: "Runbook id (stronghold drill list).",
    }),
    every: Type.Union(
      CADENCES.map((c) => Type.Literal(c)),
      {
        description:
          "daily; weekly (on `day`); monthly (on the 1st); quarterly (on 1 January, April, July and October).",
      },
    ),
    day: Type.Optional(
      Type.Union(
        WEEKDAYS.map((d) => Type.Literal(d)),
        { description: "weekly: the day of the week (default sun)." },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: "A drill runs in the nightly `stronghold run` on the days its cadence is due.",
  },
);

const Webhook = Type.Object(
  {
    kind: Type.Union([Type.Literal("teams"), Type.Literal("slack"), Type.Literal("json")], {
      description: "Message shape: a Teams or Slack incoming webhook, or generic JSON.",
    }),
    urlFile: Path("File holding the webhook URL, which is a secret"),
  },
  { additionalProperties: false },
);

/** The notification settings: email over SMTP and webhooks, read by the alerting of `stronghold run`. */
const Notifications = Type.Object(
  {
    on: Type.Optional(
      Type.Array(
        Type.Union([Type.Literal("failure"), Type.Literal("regression"), Type.Literal("recovery")]),
        { uniqueItems: true, description: "What to notify about (default all three)." },
      ),
    ),
    email: Type.Optional(
      Type.Object(
        {
          smtpHost: Type.String({ minLength: 1, description: "SMTP server host name." }),
          smtpPort: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 65535, description: "default 587" }),
          ),
          secure: Type.Optional(
            Type.Boolean({
              description: "TLS from the first byte (port 465); otherwise STARTTLS.",
            }),
          ),
          requireTls: Type.Optional(
            Type.Boolean({
              description:
                "Without secure: refuse to log in or send unless the server upgrades the connection with STARTTLS (default true; false only for a relay on the same network that offers no TLS).",
            }),
          ),
          caFile: Type.Optional(
            Path(
              "CA certificate (PEM) the SMTP server's certificate chains to, e.g. the town's own CA",
            ),
          ),
          user: Type.Optional(Type.String({ minLength: 1 })),
          passwordFile: Type.Optional(Path("File holding the SMTP password")),
          from: Type.String({ format: "email" }),
          to: Type.Array(Type.String({ format: "email" }), { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    webhooks: Type.Optional(Type.Array(Webhook)),
  },
  { additionalProperties: false },
);

/** stronghold.yaml as written. */
export const WorkspaceSchema = Type.Object(
  {
    version: Type.Literal(1, { description: "Workspace file format version." }),
    town: Type.String({
      minLength: 1,
      maxLength: 200,
      description: "The town's name, shown in reports.",
    }),
    timeZone: Type.String({
      minLength: 1,
      description: "IANA time zone the schedule's times are in, e.g. America/New_York.",
    }),
    fiscalYearStart: Type.Optional(
      Type.String({
        pattern: "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        description: "First day of the fiscal year, MM-DD (budget's --fiscal-year-start).",
      }),
    ),
    install: Type.String({
      // A tarball made by `npm pack`, or a git URL: never a bare name the public registry resolves.
      pattern: "^(git\\+(https|ssh)://\\S+|\\S+\\.tgz)$",
      description:
        "Where schedules and CI install Stronghold from: the town's tarball (npm pack) in the workspace, or a git+https:// or git+ssh:// URL. Never a package name.",
    }),
    machines: Path("Folder of machine configs: collect writes it, check and budget read it"),
    networkDevices: Type.Optional(
      Path(
        "Network device configs (a YAML or JSON fleet file, or a CSV export), checked with the machines",
      ),
    ),
    windowsDrop: Type.Optional(
      Path(
        "Folder the Windows collector (collect-windows.ps1) writes into, e.g. a mounted SMB share",
      ),
    ),
    hosts: Path("Hosts inventory (YAML)"),
    overlay: Type.Optional(Path("The town's overlay (YAML)")),
    waivers: Type.Optional(Path("Approved waivers (YAML)")),
    ipPlan: Type.Optional(Path("IP plan (YAML)")),
    registers: Type.Optional(
      Type.Object(
        {
          licenses: Type.Optional(Path("License register (CSV)")),
          assets: Type.Optional(Path("Asset register (CSV)")),
          disposals: Type.Optional(Path("Disposal register (CSV)")),
          contracts: Type.Optional(Path("Contracts register (CSV)")),
          prices: Type.Optional(Path("Price list (CSV)")),
        },
        { additionalProperties: false },
      ),
    ),
    drill: Type.Optional(Path("Drill config (YAML), as drill run --config")),
    stackOutputs: Type.Optional(Path("Saved `pulumi stack output --json` of the offsite stack")),
    evidence: Path("Folder for reports and drill runs"),
    evidencePush: Type.Optional(
      Type.Object(
        {
          caFile: Type.Optional(
            Path(
              "PEM file of a CA to trust for the S3 endpoint (an S3-compatible server of the town's)",
            ),
          ),
        },
        {
          additionalProperties: false,
          description:
            "Copy the ledger's new entries to the offsite Object Lock bucket of stackOutputs at the end of every run",
        },
      ),
    ),
    check: Type.Optional(
      Type.Object(
        {
          failOn: Type.Optional(
            Type.Union(
              ["critical", "high", "medium", "low", "info", "never"].map((s) => Type.Literal(s)),
              { description: "check's --fail-on." },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    schedule: Type.Object(
      {
        at: Time,
        drills: Type.Array(DrillSchedule, {
          description: "When each drill is due, e.g. backup-integrity daily, restore-test weekly.",
        }),
      },
      { additionalProperties: false },
    ),
    notifications: Type.Optional(Notifications),
  },
  { additionalProperties: false },
);

export type WorkspaceFile = Static<typeof WorkspaceSchema>;

/** One drill's schedule, with its defaults filled in. */
export interface ScheduledDrill {
  readonly runbook: string;
  readonly every: Cadence;
  readonly day: Weekday;
}

/** A validated workspace: every path absolute. */
export interface Workspace {
  readonly file: string;
  readonly dir: string;
  readonly town: string;
  readonly timeZone: string;
  readonly fiscalYearStart?: string;
  /** An absolute tarball path, or a git URL as written. */
  readonly install: string;
  readonly machines: string;
  readonly networkDevices?: string;
  readonly windowsDrop?: string;
  readonly hosts: string;
  readonly overlay?: string;
  readonly waivers?: string;
  readonly ipPlan?: string;
  readonly registers: {
    readonly licenses?: string;
    readonly assets?: string;
    readonly disposals?: string;
    readonly contracts?: string;
    readonly prices?: string;
  };
  readonly drill?: string;
  readonly stackOutputs?: string;
  readonly evidence: string;
  /** Set: the run ends by copying the ledger offsite (evidence push). */
  readonly evidencePush?: { readonly caFile?: string };
  readonly failOn?: string;
  readonly at: string;
  readonly drills: readonly ScheduledDrill[];
  readonly notifications: NonNullable<WorkspaceFile["notifications"]>;
}

export type LoadedWorkspace =
  | { readonly ok: true; readonly workspace: Workspace }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

/** The nearest stronghold.yaml in `dir` or a parent folder, if any. */
export function findWorkspaceFile(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const file = join(d, WORKSPACE_FILE);
    if (existsSync(file)) return file;
    if (dirname(d) === d) return undefined;
  }
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Reads a workspace file; `runbookIds` are the runbooks its schedule may name. */
export async function loadWorkspace(
  file: string,
  runbookIds: readonly string[],
): Promise<LoadedWorkspace> {
  const loaded = await loadValidated(file, WorkspaceSchema);
  if (!loaded.ok)
    return {
      ok: false,
      // A drill's own time was dropped when the schedule became one nightly run: say so.
      problems: loaded.problems.map((p) =>
        /^\/schedule\/drills\/\d+\/at$/.test(p.pointer)
          ? {
              ...p,
              message:
                "is no longer used: the drills due on a day run in that day's stronghold run, which starts at /schedule/at; remove this line",
            }
          : p,
      ),
    };
  const raw = loaded.value;
  const problems: InputProblem[] = [];
  const at = (pointer: string, message: string) => {
    const line = lineOf(loaded.text, pointer);
    problems.push({ file, pointer, ...(line === undefined ? {} : { line }), message });
  };
  if (!validTimeZone(raw.timeZone))
    at("/timeZone", `"${raw.timeZone}" is not an IANA time zone, e.g. America/New_York`);
  const seen = new Set<string>();
  raw.schedule.drills.forEach((d, i) => {
    if (!runbookIds.includes(d.runbook))
      at(
        `/schedule/drills/${i}/runbook`,
        `no runbook "${d.runbook}": choose one of ${runbookIds.join(", ")}`,
      );
    if (d.day !== undefined && d.every !== "weekly")
      at(`/schedule/drills/${i}/day`, `only a weekly drill has a day (this one is ${d.every})`);
    const key = `${d.runbook}/${d.every}`;
    if (seen.has(key)) at(`/schedule/drills/${i}`, `repeats ${d.runbook} ${d.every}`);
    seen.add(key);
  });
  if (problems.length > 0) return { ok: false, problems };

  const dir = dirname(resolve(file));
  const local = (p: string) => resolve(dir, p);
  const optional = (p: string | undefined) => (p === undefined ? undefined : local(p));
  const workspace: Workspace = {
    file: resolve(file),
    dir,
    town: raw.town,
    timeZone: raw.timeZone,
    install:
      raw.install.startsWith("git+") || isAbsolute(raw.install) ? raw.install : local(raw.install),
    machines: local(raw.machines),
    hosts: local(raw.hosts),
    evidence: local(raw.evidence),
    registers: definedOnly({
      licenses: optional(raw.registers?.licenses),
      assets: optional(raw.registers?.assets),
      disposals: optional(raw.registers?.disposals),
      contracts: optional(raw.registers?.contracts),
      prices: optional(raw.registers?.prices),
    }),
    ...definedOnly({
      fiscalYearStart: raw.fiscalYearStart,
      networkDevices: optional(raw.networkDevices),
      windowsDrop: optional(raw.windowsDrop),
      overlay: optional(raw.overlay),
      waivers: optional(raw.waivers),
      ipPlan: optional(raw.ipPlan),
      drill: optional(raw.drill),
      stackOutputs: optional(raw.stackOutputs),
      evidencePush:
        raw.evidencePush === undefined
          ? undefined
          : definedOnly({ caFile: optional(raw.evidencePush.caFile) }),
      failOn: raw.check?.failOn,
    }),
    at: raw.schedule.at,
    drills: raw.schedule.drills.map((d) => ({
      runbook: d.runbook,
      every: d.every,
      day: d.day ?? "sun",
    })),
    notifications: raw.notifications ?? {},
  };
  return { ok: true, workspace };
}
