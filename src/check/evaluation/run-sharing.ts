/**
 * What the machines of one run share instead of each keeping a copy: identical failures and the
 * department, site and role names their subject rows keep. Made per run (a check, a shard, a
 * merge), so nothing in it outlives the run in a long process such as the nightly job.
 */
import { InternTable } from "../../support/intern-table.js";
import { SharedFailures } from "./shared-failures.js";

// A town has tens of departments and sites; names unique to each machine must not grow the table.
const MAX_LABELS = 10_000;

export class RunSharing {
  readonly failures = new SharedFailures();
  readonly labels = new InternTable<string>(MAX_LABELS);
}
