/** What a drill's ledger entry shares with a recovered run's: the files read, the evidence written. */
import { existsSync } from "node:fs";
import path from "node:path";
import { JOURNAL_FILE } from "../drill/results/evidence.js";
import { JUNIT_FILE } from "../drill/results/report-junit.js";
import { REPORT_FILE } from "../drill/results/report-markdown.js";
import type { Runbook } from "../drill/runbook/runbook.js";
import type { EntryArtifact, EntryFrameworks, EntryInput } from "../evidence/entry.js";
import { frameworksOf } from "../evidence/frameworks.js";
import { PROJECT_ROOT } from "../support/project-root.js";
import {
  evidenceFrameworks,
  hashInputs,
  storeFiles,
  type LedgerTarget,
} from "./evidence-ledger.js";

/** The files a drill read, by the role the ledger gives them. */
export interface DrillFiles {
  readonly hosts: string;
  readonly config?: string;
  readonly stackOutputs?: string;
}

export interface DrillEntryParts {
  readonly inputs: EntryInput[];
  readonly artifacts: EntryArtifact[];
  readonly frameworks: EntryFrameworks;
  readonly nightly?: string;
}

/** The runbook and files hashed, the evidence folder's journal and reports stored. */
export async function drillEntryParts(
  target: LedgerTarget,
  runbook: Runbook,
  evidenceDir: string,
  files: DrillFiles,
): Promise<DrillEntryParts> {
  const evidence = [JOURNAL_FILE, REPORT_FILE, JUNIT_FILE]
    .map((name) => path.join(evidenceDir, name))
    .filter((file) => existsSync(file));
  return {
    inputs: hashInputs(target, [
      { role: "runbook", file: path.join(PROJECT_ROOT, "runbooks", `${runbook.meta.id}.ts`) },
      { role: "hosts", file: files.hosts },
      { role: "drill-config", file: files.config },
      { role: "stack-outputs", file: files.stackOutputs },
    ]),
    artifacts: storeFiles(target, evidence),
    frameworks: frameworksOf((await evidenceFrameworks()).drills[runbook.meta.id]),
    ...(target.run === undefined ? {} : { nightly: target.run }),
  };
}
