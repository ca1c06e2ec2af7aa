/** `stronghold check --shard i/n` and `stronghold report merge`: a check split across hosts. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { FailOn } from "../check/evaluation/report-model.js";
import type { InputProblem } from "../check/evaluation/result.js";
import { FORMATS } from "../check/report/index.js";
import {
  checkShardSet,
  evaluateShard,
  mergeShards,
  policyDigest,
  renderShard,
  shardFileName,
} from "../check/shard/shard-file.js";
import { ShardReader } from "../check/shard/shard-reader.js";
import type { ShardSpec } from "../check/shard/split.js";
import { writeFileAtomic } from "../output/write-atomic.js";
import { formatProblem, InputError, UsageError } from "../support/errors.js";
import {
  checkEntry,
  emitReports,
  loadCheckSetup,
  reportOutput,
  type CheckOptions,
  type CheckSetup,
} from "./check-command.js";
import {
  addLedgerOptions,
  ledgerTarget,
  recordEvidence,
  type LedgerFlag,
} from "./evidence-ledger.js";
import { parseFormatList } from "./format-list.js";
import type { Io } from "./io.js";
import { registerReportHtml } from "./report-html.js";
import { outDirectory } from "./out-dir.js";

/** The side files whose content decides results, by the option that names them. */
const SIDE_FILES = ["overlay", "waivers", "licenses", "assets", "disposals", "ipPlan"] as const;

function sideFileDigests(options: CheckOptions): Record<string, string | undefined> {
  return Object.fromEntries(
    SIDE_FILES.filter((o) => options[o] !== undefined).map((o) => {
      let sha: string;
      try {
        sha = createHash("sha256").update(readFileSync(options[o]!)).digest("hex");
      } catch (error) {
        sha = `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
      }
      return [o, sha];
    }),
  );
}

/** The options a shard records: enough for the merge to load the same policy and registers. */
function settingsOf(setup: CheckSetup): Record<string, unknown> {
  const o = setup.options;
  return {
    paths: setup.paths,
    ...(o.baseline === undefined ? {} : { baseline: o.baseline }),
    ...Object.fromEntries(SIDE_FILES.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])),
    at: setup.run.at.toISOString(),
    failOn: o.failOn,
    minScore: o.minScore,
  };
}

/** Evaluates one shard and writes its file (under --out, or to stdout); 2 when inputs had problems. */
export async function runShard(setup: CheckSetup, shard: ShardSpec, io: Io): Promise<number> {
  if (setup.options.at === undefined)
    throw new UsageError(
      "--shard needs --at: every shard must evaluate at the same time for the merge to match",
    );
  const file = await evaluateShard(setup.run, setup.paths, io.stdin, shard, {
    settings: settingsOf(setup),
    policyDigest: policyDigest(setup.run.policy, sideFileDigests(setup.options)),
  });
  if (setup.options.out === undefined) renderShard(file, io.stdout);
  else {
    const put = outDirectory(setup.options.out);
    const written = put(shardFileName(shard), (target) =>
      writeFileAtomic(target, (write) => renderShard(file, write)),
    );
    io.stderr(
      `wrote ${written} (${file.header.machines} machines, shard ${shard.index}/${shard.count})\n`,
    );
  }
  const problems = [...(setup.run.problems ?? []), ...file.header.problems.map((p) => p.problem)];
  for (const p of problems) io.stderr(`${formatProblem(p)}\n`);
  return problems.length > 0 ? 2 : 0;
}

interface MergeOptions {
  format: string;
  out?: string;
  quiet?: boolean;
  color?: boolean;
  ledger?: LedgerFlag;
}

/** Opens every shard file and reads its header: all of them usable and one set, or every problem. */
function openShards(files: readonly string[]): ShardReader[] {
  const problems: InputProblem[] = [];
  const readers: ShardReader[] = [];
  for (const file of files) {
    const opened = ShardReader.open(file, files.length);
    if (opened.problems) problems.push(...opened.problems);
    else readers.push(opened.reader);
  }
  if (problems.length === 0) problems.push(...checkShardSet(readers));
  if (problems.length > 0) {
    for (const reader of readers) reader.close();
    throw new InputError(problems);
  }
  return readers;
}

/** Merges complete shards into the reports one `stronghold check` would have written. */
async function merge(files: string[], options: MergeOptions, io: Io): Promise<number> {
  const formats = parseFormatList(options.format, FORMATS, options.out);
  const target = await ledgerTarget(options.ledger, io);
  const readers = openShards(files);
  let report;
  let setup: CheckSetup;
  try {
    const first = readers[0]!;
    const settings = first.header.settings as unknown as CheckOptions & {
      paths: string[];
      failOn: FailOn;
    };
    const { paths, ...checkOptions } = settings;
    setup = await loadCheckSetup(paths, checkOptions);
    if (policyDigest(setup.run.policy, sideFileDigests(checkOptions)) !== first.header.policyDigest)
      throw new InputError([
        {
          file: first.file,
          pointer: "/policyDigest",
          message:
            "the policy, overlay, registers or waivers changed since the shards ran (or this is another stronghold version): rerun the shards",
        },
      ]);
    report = mergeShards(setup.run, readers);
  } finally {
    for (const reader of readers) reader.close();
  }
  const output = reportOutput(formats, options);
  const code = emitReports(report, output, io);
  // The merged check is the check: its entry is the one a single run would have appended.
  return recordEvidence(target, (t) => checkEntry(t, setup, report, output, files), io, code);
}

export function registerReportCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const report = program
    .command("report")
    .summary("work with results: merge the shards of a split check, write the evidence dashboard");
  const mergeCommand = report
    .command("merge")
    .summary("merge the shard files of `stronghold check --shard i/n` into the check's reports")
    .description(
      [
        "Merge the shard files written by `stronghold check --shard i/n` (all n of",
        "them, from the same paths, options, policy and registers) and write the",
        "reports one `stronghold check` run would have written, byte for byte.",
        "The fleet controls (uniqueness, licenses, assets, disposals, IP plan)",
        "run here over the merged machines. The overlay, registers and waivers",
        "are read again from the paths the shards recorded and must be unchanged.",
        "SARIF takes the lines of failing fields from the shards; only what the",
        "fleet controls find in machine files of several lines is read from them",
        "again. The merge appends the check's evidence entry (inside a workspace,",
        "or with --ledger); the shards append none.",
        "",
        "Exit codes:",
        "  0  nothing at or above --fail-on failed; fleet score >= --min-score",
        "  1  otherwise",
        "  2  usage or input errors: a missing, repeated or mismatched shard, or",
        "     input problems the shards found",
        "  3  the reports were written but the evidence entry was not appended to",
        "     the ledger (see stronghold evidence)",
      ].join("\n"),
    )
    .argument("<shard-files...>", "the shard files, one per shard (any order)")
    .option("--format <list>", `comma-separated: ${FORMATS.join(", ")}`, "table")
    .option("--out <dir>", "write every format into this directory (and the summary to stdout)")
    .option("--color", "force colour in the terminal summary")
    .option("--no-color", "no colour (NO_COLOR is honoured too)")
    .option("-q, --quiet", "with --out, do not print the summary");
  addLedgerOptions(mergeCommand).action(async (files: string[], options: MergeOptions) => {
    setExit(await merge(files, options, io));
  });
  registerReportHtml(report, io, setExit);
}
