/** Every runbook `stronghold drill` knows, in the order `drill list` shows them. */
import type { Runbook } from "../src/drill/runbook/runbook.js";
import { backupIntegrity } from "./backup-integrity.js";
import { fileDeletion } from "./file-deletion.js";
import { ransomware } from "./ransomware.js";
import { restoreTest } from "./restore-test.js";
import { siteLoss } from "./site-loss.js";

/** The registered runbooks. */
export const RUNBOOKS: readonly Runbook[] = [
  fileDeletion,
  ransomware,
  siteLoss,
  backupIntegrity,
  restoreTest,
];

/** The runbook with this id, if there is one. */
export function findRunbook(id: string): Runbook | undefined {
  return RUNBOOKS.find((r) => r.meta.id === id);
}
