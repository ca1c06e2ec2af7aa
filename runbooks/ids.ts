/**
 * The registered runbooks' ids, in `drill list` order (index.ts), without loading the runbooks:
 * the workspace file's schedule and the evidence frameworks name runbooks, and commands that only
 * read those (`stronghold collect`) need not load the drill code and its SQLite binding.
 */
export const RUNBOOK_IDS: readonly string[] = [
  "file-deletion",
  "ransomware",
  "site-loss",
  "backup-integrity",
  "restore-test",
];
