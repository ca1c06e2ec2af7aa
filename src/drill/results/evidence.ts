/**
 * The evidence of a run besides its journal: report.md and junit.xml, written atomically into the
 * run's folder, every string redacted once more on the way out.
 */
import path from "node:path";
import type { Secret } from "../../support/secret.js";
import { writeFileAtomic } from "../../output/write-atomic.js";
import { redactDeep } from "./journal.js";
import { JUNIT_FILE, renderJUnit } from "./report-junit.js";
import { REPORT_FILE, renderMarkdownReport } from "./report-markdown.js";
import type { DrillRun } from "./run-record.js";

/** The journal's file name in a run folder. */
export const JOURNAL_FILE = "journal.jsonl";

/** Writes report.md and junit.xml next to the journal. */
export function writeEvidence(run: DrillRun, secrets: readonly Secret[]): void {
  const clean = redactDeep(run, secrets) as DrillRun;
  writeFileAtomic(path.join(run.evidenceDir, REPORT_FILE), (write) =>
    write(renderMarkdownReport(clean)),
  );
  writeFileAtomic(path.join(run.evidenceDir, JUNIT_FILE), (write) => write(renderJUnit(clean)));
}
