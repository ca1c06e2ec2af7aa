/**
 * `stronghold init`: a git-ready town workspace — stronghold.yaml, a sample of every file it names
 * (the sample Town of Millbrook's), a .gitignore and the CI workflows. Never overwrites a file
 * unless told to.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { PROJECT_ROOT } from "../support/project-root.js";
import { VERSION } from "../support/version.js";
import { complianceWorkflow, githubWorkflow, RUN_LOCK_FILE } from "./schedule.js";
import { loadWorkspace, WORKSPACE_FILE } from "./workspace-file.js";

/** Where the samples come from: the sample town shipped with Stronghold. */
export const SAMPLE_TOWN = path.join(PROJECT_ROOT, "examples", "millbrook");

export interface InitOptions {
  readonly town: string;
  readonly timeZone: string;
  /** Rewrite files that already exist. */
  readonly force: boolean;
  readonly runbookIds: readonly string[];
  readonly today: Date;
}

export type InitResult =
  | { readonly ok: true; readonly written: readonly string[] }
  | { readonly ok: false; readonly existing: readonly string[] };

/** Sample file in examples/millbrook → its place in the workspace. */
const SAMPLES: readonly (readonly [string, string])[] = [
  ["hosts.yaml", "hosts.yaml"],
  ["drill.yaml", "drill.yaml"],
  ["overlay.yaml", "policy/overlay.yaml"],
  ["waivers.yaml", "policy/waivers.yaml"],
  ["ip-plan.yaml", "policy/ip-plan.yaml"],
  ["network-devices.yaml", "network-devices.yaml"],
  ["stack-outputs.prod.json", "stack-outputs.prod.json"],
  ["licenses.csv", "registers/licenses.csv"],
  ["assets.csv", "registers/assets.csv"],
  ["disposals.csv", "registers/disposals.csv"],
  ["contracts.csv", "registers/contracts.csv"],
  ["prices.csv", "registers/prices.csv"],
];

/** The workspace file init writes: every setting with a comment, paths relative to it. */
export function workspaceText(town: string, timeZone: string): string {
  const q = (v: string) => stringify(v).trim();
  return `# The town's Stronghold workspace. Commands run in this folder (or below it) take their
# settings from here; options on the command line win. Paths are relative to this file.
# Schema: policies/schemas/workspace.schema.json in the Stronghold package.
version: 1
town: ${q(town)}
# IANA time zone of the schedule below.
timeZone: ${q(timeZone)}
# First day of the fiscal year (stronghold budget), MM-DD.
fiscalYearStart: "07-01"
# Where schedules and CI install Stronghold from: the tarball npm pack made, kept in this
# repository, or a git+https:// URL of the town's copy. Never a bare package name.
install: vendor/stronghold-${VERSION}.tgz

# Machine configs: stronghold collect writes here, check and budget read it.
machines: machines
networkDevices: network-devices.yaml
# Folder the Windows collector (collect-windows.ps1) writes into, e.g. a mounted SMB share:
# windowsDrop: /mnt/stronghold-windows
hosts: hosts.yaml
overlay: policy/overlay.yaml
waivers: policy/waivers.yaml
ipPlan: policy/ip-plan.yaml
registers:
  licenses: registers/licenses.csv
  assets: registers/assets.csv
  disposals: registers/disposals.csv
  contracts: registers/contracts.csv
  prices: registers/prices.csv
# Drill settings (repository, password file, data paths), as drill run --config takes them.
drill: drill.yaml
stackOutputs: stack-outputs.prod.json
# Reports (evidence/reports) and drill runs (evidence/drills).
evidence: evidence

check:
  failOn: high

schedule:
  # When stronghold run starts every day, in the time zone above: recover, collect, the Windows
  # drop, check, then the drills due that day, one after another.
  at: "02:15"
  drills:
    - runbook: backup-integrity
      every: daily
    - runbook: restore-test
      every: weekly
      day: sun
    # quarterly: on 1 January, April, July and October.
    - runbook: file-deletion
      every: quarterly
    - runbook: site-loss
      every: quarterly

# Alerts on a failure, a regression and a recovery (email over SMTP, webhooks).
# notifications:
#   email:
#     smtpHost: smtp.example.org   # port 587, STARTTLS required before login
#     user: stronghold@example.org
#     passwordFile: /etc/stronghold/smtp.pass
#     from: stronghold@example.org
#     to: [it@example.org]
#     # caFile: /etc/stronghold/town-ca.pem   # when the server's certificate is the town's own
#   webhooks:
#     - kind: teams
#       urlFile: /etc/stronghold/teams-webhook.url
`;
}

const GITIGNORE = `# Secrets stay out of the repository: password and key files live in /etc/stronghold.
*.pass
*.key
*.url
secrets/
# Pull-request check output and stronghold run's lock.
reports/
${RUN_LOCK_FILE}
node_modules/
`;

const VENDOR_README = `Put the town's copy of Stronghold here: run \`npm pack\` in its clone and copy the
stronghold-${VERSION}.tgz it writes into this folder. Schedules and CI install it with
\`npm install -g ./vendor/stronghold-${VERSION}.tgz\` (stronghold.yaml's \`install\`).
`;

/** Scaffolds the workspace in `dir`; without `force`, refuses when any file it would write exists. */
export async function initWorkspace(dir: string, options: InitOptions): Promise<InitResult> {
  const files = new Map<string, () => void>();
  const text = (name: string, content: string) =>
    files.set(name, () => writeFileSync(path.join(dir, name), content));
  const copy = (from: string, name: string) =>
    files.set(name, () => copyFileSync(from, path.join(dir, name)));

  text(WORKSPACE_FILE, workspaceText(options.town, options.timeZone));
  for (const [from, to] of SAMPLES) copy(path.join(SAMPLE_TOWN, from), to);
  for (const machine of readdirSync(path.join(SAMPLE_TOWN, "machines")).sort())
    copy(path.join(SAMPLE_TOWN, "machines", machine), `machines/${machine}`);
  text(".gitignore", GITIGNORE);
  text("vendor/README.md", VENDOR_README);
  text("evidence/.gitkeep", "");

  const workflows = [".github/workflows/compliance.yml", ".github/workflows/nightly.yml"];
  const existing = [...files.keys(), ...workflows].filter((f) => existsSync(path.join(dir, f)));
  if (existing.length > 0 && !options.force) return { ok: false, existing };

  for (const [name, write] of files) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    write();
  }
  // The workflows come from the written stronghold.yaml, as `stronghold schedule` would emit them.
  const loaded = await loadWorkspace(path.join(dir, WORKSPACE_FILE), options.runbookIds);
  if (!loaded.ok)
    throw new Error(`init wrote an invalid ${WORKSPACE_FILE}: ${loaded.problems[0]?.message}`);
  mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
  writeFileSync(path.join(dir, workflows[0]!), complianceWorkflow(loaded.workspace));
  writeFileSync(path.join(dir, workflows[1]!), githubWorkflow(loaded.workspace, options.today));
  return { ok: true, written: [...files.keys(), ...workflows] };
}
